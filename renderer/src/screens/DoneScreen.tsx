// What was recorded, "take your pass" and the school's own message for the pass ("Go straight to
// your lesson."); back to idle by itself after a few seconds.
import { useTranslation } from 'react-i18next';
import { CheckIcon, PrinterIcon } from '../components/Icons';
import { reasonText } from '../components/reasonText';
import { formatLocalTime } from '../i18n';
import { useKiosk } from '../state/context';
import { useCountdown } from '../state/useTimeouts';

export function DoneScreen() {
  const { t } = useTranslation();
  const result = useKiosk((s) => s.result);
  const flow = useKiosk((s) => s.flow);
  const info = useKiosk((s) => s.info);
  const screenSeq = useKiosk((s) => s.screenSeq);
  const reset = useKiosk((s) => s.reset);
  const awaitingApproval = useKiosk((s) => s.awaitingApproval);
  const left = useCountdown(info?.kiosk.doneSeconds ?? 6, reset, screenSeq);
  if (!result || !flow || !info) return null;
  const { event, pass } = result;
  const signedIn = event.direction === 'sign_in';
  const when = [t('done.atTime', { time: formatLocalTime(info.locale, event.localTime) })];
  if (event.minutesLate) when.push(t('done.minutesLate', { count: event.minutesLate }));
  // Before the late time the student hears so: "at 08:55 · on time" (minutesLate is null then).
  else if (signedIn && event.session && flow.arrival === 'on_time') when.push(t('queue.onTime'));
  const showCode = info.kiosk.showCodeOnDone && event.code;
  return (
    <main className={`screen screen-done${result.passMessage || awaitingApproval || result.lateAlerts?.length ? ' screen-done-message' : ''}`} aria-labelledby="done-title">
      <div className="done-body" role="status">
        <div className="done-check">
          <CheckIcon />
        </div>
        <p className="done-name">{flow.displayName}</p>
        <h1 id="done-title" className="done-title">
          {signedIn ? t('done.signedIn') : t('done.signedOut')}
        </h1>
        <p className="done-when" data-testid="done-when">
          {when.join(' · ')}
        </p>
        {event.reasonLabel && (
          <p className="done-reason">{t('done.reason', { reason: reasonText(event.reasonLabel) })}</p>
        )}
        {showCode && (
          <p className="done-code" data-testid="done-code">
            {event.session
              ? t('done.codeLine', { code: event.code, session: t(`session.${event.session}`) })
              : t('done.codeOnly', { code: event.code })}
          </p>
        )}
        <div className={`pass pass-${pass.status}`}>
          {pass.status !== 'disabled' && <PrinterIcon />}
          <span>
            {pass.status === 'printed'
              ? t('done.takePass')
              : pass.status === 'failed'
                ? t('done.passFailed')
                : t('done.noPass')}
          </span>
        </div>
        {/* Issue 18: a lateness threshold this sign-in reached, as the pass prints it. */}
        {(result.lateAlerts ?? []).map((a) => (
          <p key={a} className="done-alert" data-testid="done-late-alert">
            {a}
          </p>
        ))}
        {/* The school's own words (the reason's or the group's message), shown as typed in Settings. */}
        {/* Issue 17: "someone else" is collecting: reception checks them first (the pass says so too). */}
        {awaitingApproval ? (
          <p className="done-message done-see-reception" data-testid="done-see-reception">
            {t('collect.seeReception')}
          </p>
        ) : (
          result.passMessage && (
            <p className="done-message" data-testid="done-message">
              {result.passMessage}
            </p>
          )
        )}
      </div>
      <div className="done-foot">
        <p className="countdown" aria-live="off">
          {t('done.returning', { count: left })}
        </p>
        <button type="button" className="btn btn-primary" onClick={reset}>
          {t('done.finish')}
        </button>
      </div>
    </main>
  );
}
