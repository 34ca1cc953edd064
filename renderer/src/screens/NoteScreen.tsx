// A short comment, or who is collecting the student, typed on the on-screen keyboard.
import { useTranslation } from 'react-i18next';
import { Notice } from '../components/Notice';
import { OnScreenKeyboard } from '../components/OnScreenKeyboard';
import { reasonText } from '../components/reasonText';
import { TopBar } from '../components/TopBar';
import { useKiosk } from '../state/context';
import { CollectorChoiceScreen } from './CollectorScreen';

const NOTE_MAX = 80;

export function NoteScreen() {
  const { t } = useTranslation();
  const flow = useKiosk((s) => s.flow);
  const direction = useKiosk((s) => s.direction);
  const reason = useKiosk((s) => s.reason);
  const note = useKiosk((s) => s.note);
  const busy = useKiosk((s) => s.busy);
  const setNote = useKiosk((s) => s.setNote);
  const confirm = useKiosk((s) => s.confirmNote);
  const back = useKiosk((s) => s.backToStudent);
  const someoneElse = useKiosk((s) => s.someoneElse);
  if (!flow || !reason || !direction) return null;
  const collected = reason.prompt === 'collected_by';
  // Issue 17: the student's contacts as big buttons first; the keyboard for "Someone else".
  if (collected && direction === 'sign_out' && (flow.collectors?.length ?? 0) > 0 && !someoneElse) return <CollectorChoiceScreen />;
  const ready = !busy && (!collected || note.trim().length > 0);
  return (
    <main className="screen screen-note" aria-labelledby="note-title" aria-busy={busy}>
      <TopBar wayOut={{ label: t('reason.back'), onClick: back, back: true }} />
      <Notice />
      <div className="note-body">
        <p className="reason-who">
          {flow.displayName} · {reasonText(reason.label)}
        </p>
        <h1 id="note-title" className="screen-title">
          {collected ? t('reason.collectedByTitle') : t('reason.commentTitle')}
        </h1>
        <div className="note-row">
          <div
            className="field"
            role="textbox"
            aria-readonly="true"
            aria-label={t('reason.noteLabel')}
            aria-describedby="note-hint"
            data-testid="note-field"
          >
            {/* Empty, the caret comes first and the example reads as an example, not as typed words. */}
            {note ? (
              <>
                {note}
                <span className="caret" aria-hidden="true" />
              </>
            ) : (
              <>
                <span className="caret" aria-hidden="true" />
                <span className="field-placeholder">
                  {collected ? t('reason.collectedByHint') : t('reason.commentHint')}
                </span>
              </>
            )}
          </div>
          <button
            type="button"
            className="btn btn-primary btn-done"
            disabled={!ready}
            onClick={() => void confirm()}
          >
            {busy
              ? t('reason.saving')
              : direction === 'sign_in'
                ? t('reason.doneSignIn')
                : t('reason.doneSignOut')}
          </button>
        </div>
        <p id="note-hint" className="hint">
          {someoneElse ? t('collect.someoneElseNote') : collected ? t('reason.collectedByRequired') : t('reason.commentHint')}
        </p>
        <OnScreenKeyboard value={note} onChange={setNote} maxLength={NOTE_MAX} withDigits />
      </div>
    </main>
  );
}
