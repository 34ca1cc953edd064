// The group's reasons as big buttons: one tap, and a student with nothing to add is done.
import { useTranslation } from 'react-i18next';
import { Notice } from '../components/Notice';
import { reasonText } from '../components/reasonText';
import { TopBar } from '../components/TopBar';
import { useKiosk } from '../state/context';

export function ReasonScreen() {
  const { t } = useTranslation();
  const flow = useKiosk((s) => s.flow);
  const direction = useKiosk((s) => s.direction);
  const busy = useKiosk((s) => s.busy);
  const chooseReason = useKiosk((s) => s.chooseReason);
  const back = useKiosk((s) => s.backToStudent);
  if (!flow || !direction) return null;
  const reasons = flow.reasons[direction];
  const title =
    direction === 'sign_out'
      ? t('reason.titleSignOut')
      : flow.arrival === 'late'
        ? t('reason.titleSignIn')
        : t('queue.titleSignInOnTime');
  return (
    <main className="screen screen-reason" aria-labelledby="reason-title" aria-busy={busy}>
      <TopBar
        wayOut={{ label: t('reason.back'), ariaLabel: t('reason.backLabel'), onClick: back, back: true }}
      />
      <Notice />
      <div className="reason-body">
        <p className="reason-who">{flow.displayName}</p>
        <h1 id="reason-title" className="screen-title">
          {title}
        </h1>
        {reasons.length === 0 ? (
          <p className="empty">{t('reason.none')}</p>
        ) : (
          <div className={`reason-grid reason-grid-${Math.min(reasons.length, 6)}`}>
            {reasons.map((r) => (
              <button
                key={r.id}
                type="button"
                className="reason"
                data-reason={r.id}
                disabled={busy}
                onClick={() => void chooseReason(r)}
              >
                {reasonText(r.label)}
              </button>
            ))}
          </div>
        )}
        {busy && (
          <p className="saving" role="status">
            {t('reason.saving')}
          </p>
        )}
      </div>
    </main>
  );
}
