// Issue 17: "Who is collecting you?" at an early sign-out. The student's contacts from the roster
// as big buttons (name and relationship: the core never sends a phone number here), and
// "Someone else", which goes on to the keyboard and waits for reception to approve.
import { useTranslation } from 'react-i18next';
import { Notice } from '../components/Notice';
import { reasonText } from '../components/reasonText';
import { TopBar } from '../components/TopBar';
import { useKiosk } from '../state/context';

export function CollectorChoiceScreen() {
  const { t } = useTranslation();
  const flow = useKiosk((s) => s.flow);
  const reason = useKiosk((s) => s.reason);
  const busy = useKiosk((s) => s.busy);
  const choose = useKiosk((s) => s.chooseCollector);
  const someoneElse = useKiosk((s) => s.chooseSomeoneElse);
  const back = useKiosk((s) => s.backToStudent);
  if (!flow || !reason) return null;
  const contacts = flow.collectors ?? [];
  return (
    <main className="screen screen-reason screen-collector" aria-labelledby="collector-title" aria-busy={busy}>
      <TopBar wayOut={{ label: t('reason.back'), ariaLabel: t('reason.backLabel'), onClick: back, back: true }} />
      <Notice />
      <div className="reason-body">
        <p className="reason-who">
          {flow.displayName} · {reasonText(reason.label)}
        </p>
        <h1 id="collector-title" className="screen-title">
          {t('collect.title')}
        </h1>
        <div className={`reason-grid reason-grid-${Math.min(contacts.length + 1, 6)}`} data-testid="collectors">
          {contacts.map((c) => (
            <button key={c.index} type="button" className="reason collector" data-collector={c.index} disabled={busy} onClick={() => void choose(c.index)}>
              <span className="collector-name">{c.name}</span>
              {c.relationship && <span className="collector-rel">{c.relationship}</span>}
            </button>
          ))}
          <button type="button" className="reason collector collector-else" data-collector="else" disabled={busy} onClick={someoneElse}>
            <span className="collector-name">{t('collect.someoneElse')}</span>
            <span className="collector-rel">{t('collect.someoneElseHint')}</span>
          </button>
        </div>
        {busy && (
          <p className="saving" role="status">
            {t('reason.saving')}
          </p>
        )}
      </div>
    </main>
  );
}
