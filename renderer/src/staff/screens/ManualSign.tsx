// Signing a student in or out by hand (no badge): find them by name (or scan their badge), pick
// the direction and the reason, add the note the reason asks for, save. The same rules and the
// same pass as the kiosk; the event says reception recorded it.
//
// The search opens at once with its keyboard, and big result rows appear as the letters go in:
// "Sign in or out by hand", the student, the direction, the reason — four taps besides the
// letters (five with a note's Done). The direction is never guessed for reception either.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordResult, StudentFlow } from '../../../../shared/ipc/contract';
import type { StaffStudentHit } from '../../../../shared/ipc/contract';
import { reasonText } from '../../components/reasonText';
import { EntrySheet } from '../components/Sheet';
import { StaffKeyboard } from '../components/StaffKeyboard';
import { useStaff } from '../context';
import { directionWords, yearWords } from '../words';

type Step = 'find' | 'direction' | 'reason' | 'done';

export function ManualSign({ onClose }: { onClose(eventId: string | null): void }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const lastScan = useStaff((s) => s.lastScan);
  const [step, setStep] = useState<Step>('find');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<StaffStudentHit[] | null>(null);
  const [flow, setFlow] = useState<StudentFlow | null>(null);
  const [direction, setDirection] = useState<'sign_in' | 'sign_out'>('sign_in');
  const [noteFor, setNoteFor] = useState<string | null>(null);
  const [result, setResult] = useState<RecordResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [openedAt] = useState(() => Date.now());

  const pick = async (studentId: string) => {
    setError(null);
    const res = await window.kiosk.selectStudent({ studentId });
    if (!res.ok) return setError(res.error.message);
    setFlow(res.value);
    setDirection(res.value.suggested);
    setStep('direction');
  };

  // A badge scanned while this is open picks that student.
  useEffect(() => {
    if (step === 'find' && lastScan && lastScan.at > openedAt) {
      if (lastScan.kind === 'student') void pick(lastScan.studentId);
      else setError(t('staff.manual.scanUnknown'));
    }
  }, [lastScan]);

  useEffect(() => {
    let live = true;
    if (query.trim().length < 2) {
      setHits(null);
      return;
    }
    void call('staffFindStudents', { query: query.trim() }).then((res) => {
      if (!live) return;
      if (res.ok) setHits(res.value);
      else setError(res.error.message);
    });
    return () => {
      live = false;
    };
  }, [query, call]);

  const save = async (reasonId: string, note?: string) => {
    if (!flow) return;
    setBusy(true);
    setError(null);
    const res = await call('manualSign', { studentId: flow.student.id, direction, reasonId, ...(note ? { note } : {}) });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setResult(res.value);
    setStep('done');
  };

  const name = flow ? `${flow.student.forename} ${flow.student.surname}` : '';
  const reasons = flow?.reasons[direction] ?? [];
  const noteReason = reasons.find((r) => r.id === noteFor);

  return (
    <div className="panel" data-testid="manual-panel">
      <div className="panel-head">
        <div>
          <h2 className="panel-title">{step === 'find' ? t('staff.manual.title') : name}</h2>
          <p className="panel-sub">
            {step === 'find' && t('staff.manual.findHint')}
            {step === 'direction' && t('staff.manual.directionHint')}
            {step === 'reason' && directionWords(t, direction)}
          </p>
        </div>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => onClose(result?.event.id ?? null)}>
          {step === 'done' ? t('staff.common.close') : t('staff.common.cancel')}
        </button>
      </div>

      {step === 'find' && (
        <div className="overlay staff-overlay">
          <div className="dialog sheet sheet-find" role="dialog" aria-modal="true" aria-labelledby="find-title" data-testid="manual-find">
            <div className="sheet-head">
              <h2 id="find-title">{t('staff.desk.findTitle')}</h2>
              <div className="sheet-actions">
                <button type="button" className="btn btn-secondary" onClick={() => onClose(null)}>
                  {t('staff.common.cancel')}
                </button>
              </div>
            </div>
            <div className="field sheet-field" role="textbox" aria-readonly="true" aria-label={t('staff.desk.nameLabel')} data-testid="manual-name">
              {query ? (
                <>
                  {query}
                  <span className="caret" aria-hidden="true" />
                </>
              ) : (
                <>
                  <span className="caret" aria-hidden="true" />
                  <span className="field-placeholder">{t('staff.desk.findHint')}</span>
                </>
              )}
            </div>
            <div className="find-hits" aria-live="polite">
              {query.trim().length < 2 ? (
                <p className="hint">{query ? t('staff.desk.typeMore') : t('staff.desk.findHint')}</p>
              ) : hits?.length === 0 ? (
                <p className="empty">{t('staff.manual.none')}</p>
              ) : (
                <ul className="find-list" aria-label={t('staff.desk.tapName')}>
                  {hits?.map((h) => {
                    const year = yearWords(t, h.year);
                    return (
                      <li key={h.id}>
                        <button type="button" className="find-hit" onClick={() => void pick(h.id)}>
                          <span className="find-name">{h.name}</span>{' '}
                          <span className="find-year">
                            {year}
                            {h.form ? ` · ${h.form}` : ''}
                          </span>
                        </button>
                      </li>
                    );
                  })}
                </ul>
              )}
            </div>
            {error && (
              <p className="field-problem" role="alert">
                {error}
              </p>
            )}
            <StaffKeyboard value={query} onChange={(v) => setQuery(v.slice(0, 40))} maxLength={40} />
          </div>
        </div>
      )}

      {step === 'direction' && flow && (
        <div className="choice-grid choice-grid-2">
          {(['sign_in', 'sign_out'] as const).map((d) => (
            <button
              type="button"
              key={d}
              className={`choice${d === flow.suggested ? ' choice-on' : ''}`}
              onClick={() => {
                setDirection(d);
                setStep('reason');
              }}
            >
              {directionWords(t, d)}
            </button>
          ))}
          {flow.signedInToday && <p className="hint">{t('staff.manual.alreadyIn')}</p>}
        </div>
      )}

      {step === 'reason' && (
        <>
          <div className="choice-grid" role="group" aria-label={t('staff.change.reason')}>
            {reasons.length === 0 && <p className="empty">{t('staff.manual.noReasons')}</p>}
            {reasons.map((r) => (
              <button type="button" key={r.id} className="choice" disabled={busy} onClick={() => (r.prompt === 'none' ? void save(r.id) : setNoteFor(r.id))}>
                <span>{reasonText(r.label)}</span>
                {r.code && <span className="choice-code">{r.code}</span>}
              </button>
            ))}
          </div>
          <div className="panel-actions">
            <button type="button" className="btn btn-secondary" onClick={() => setStep('direction')}>
              {t('staff.common.back')}
            </button>
          </div>
        </>
      )}

      {step === 'done' && result && (
        <div className="panel-ok" role="status" data-testid="manual-done">
          <p>{result.event.direction === 'sign_in' ? t('staff.manual.signedIn', { name }) : t('staff.manual.signedOut', { name })}</p>
          <p>{result.event.writeback && result.event.code ? t('staff.change.willWrite', { code: result.event.code }) : t('staff.change.noWrite')}</p>
          <p>
            {result.pass.status === 'printed'
              ? t('staff.manual.passPrinted')
              : result.pass.status === 'disabled'
                ? t('staff.event.noPrinter')
                : t('staff.event.printFailed', { problem: result.pass.problem ?? '' })}
          </p>
        </div>
      )}

      {error && step !== 'find' && (
        <p className="field-problem" role="alert">
          {error}
        </p>
      )}

      {noteReason && (
        <EntrySheet
          title={noteReason.prompt === 'collected_by' ? t('staff.manual.collectedBy') : t('staff.manual.comment')}
          initial=""
          maxLength={200}
          kind="text"
          check={(v) => (noteReason.prompt === 'collected_by' && !v.trim() ? t('staff.manual.collectedByRequired') : null)}
          doneLabel={t('staff.manual.save')}
          onCancel={() => setNoteFor(null)}
          onDone={(v) => {
            setNoteFor(null);
            void save(noteReason.id, v.trim() || undefined);
          }}
        />
      )}
    </div>
  );
}
