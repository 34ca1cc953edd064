// The keypad: a staff PIN unlocks the receptionist's or the site admin's screens. After five wrong
// PINs main locks the keypad for a while (30 s, doubling, never more than 5 minutes); the screen
// counts it down and offers the site admin's recovery code, which works during a lock. On a new
// kiosk with no site admin PIN, the same keypad asks for one, twice, then shows the recovery code
// once. A kiosk that lost its data with nothing to restore refuses that set-up and says why.
import { useTranslation } from 'react-i18next';
import { Keypad } from '../components/Keypad';
import { useStaff } from '../context';
import { useSecondsUntil } from '../hooks';
import { PIN_MIN, RECOVERY_CODE_LENGTH } from '../store';

/** 123456789012 → "1234 5678 9012", as the site admin copies it down. */
function grouped(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function PinScreen() {
  const { t } = useTranslation();
  const phase = useStaff((s) => s.phase);
  const pin = useStaff((s) => s.pin);
  const firstPin = useStaff((s) => s.firstPin);
  const message = useStaff((s) => s.message);
  const busy = useStaff((s) => s.busy);
  const lockedUntil = useStaff((s) => s.lockedUntil);
  const recovering = useStaff((s) => s.recovering);
  const setupLocked = useStaff((s) => s.setupLocked);
  const canRecover = useStaff((s) => s.canRecover);
  const recoveryCode = useStaff((s) => s.recoveryCode);
  const { typeDigit, eraseDigit, clearPin, submitPin, lock, startRecovery, dismissCode } = useStaff((s) => s);
  const wait = useSecondsUntil(lockedUntil);
  const recover = phase === 'recover';
  // The lock stops PINs, not the recovery code.
  const locked = wait > 0 && !recover;
  const setup = phase === 'setup';
  // Set up before, data lost, nothing restored: no keypad at all, only what to do.
  const blocked = phase === 'pin' && setupLocked;

  if (phase === 'code' && recoveryCode) {
    return (
      <main className="screen staff-screen staff-pin" aria-labelledby="pin-title">
        <div className="pin-body pin-code-body">
          <h1 id="pin-title" className="screen-title">
            {t('staff.recovery.codeTitle')}
          </h1>
          <p className="pin-code" data-testid="recovery-code" aria-label={t('staff.recovery.codeLabel', { code: recoveryCode.split('').join(' ') })}>
            {grouped(recoveryCode)}
          </p>
          <p className="pin-explain">{t('staff.recovery.codeExplain')}</p>
          <button type="button" className="btn btn-primary pin-go" onClick={dismissCode}>
            {t('staff.recovery.codeDone')}
          </button>
        </div>
      </main>
    );
  }

  const title = blocked ? t('staff.recovery.setupLockedTitle') : recover ? t('staff.recovery.title') : setup ? (recovering ? t('staff.recovery.newPinTitle') : t('staff.setup.title')) : t('staff.pin.title');
  const text = locked
    ? t('staff.pin.lockedFor', { count: wait })
    : message
      ? (message.text ?? t(message.key ?? ''))
      : setup
        ? ''
        : t('staff.pin.prompt');
  const action = recover ? t('staff.pin.unlock') : setup ? (firstPin === null ? t('staff.setup.next') : t('staff.setup.save')) : t('staff.pin.unlock');
  const needed = recover ? RECOVERY_CODE_LENGTH : PIN_MIN;
  const isError = locked || blocked || message?.kind === 'error';
  return (
    <main className="screen staff-screen staff-pin" aria-labelledby="pin-title">
      <header className="topbar staff-topbar">
        <div className="topbar-school">{t('staff.title')}</div>
        <div />
        <div className="topbar-action">
          <button type="button" className="btn btn-secondary" onClick={() => void lock()}>
            {t('staff.pin.cancel')}
          </button>
        </div>
      </header>
      <div className="pin-body">
        <div className="pin-side">
          <h1 id="pin-title" className="screen-title">
            {title}
          </h1>
          {setup && !recovering && <p className="pin-explain">{t('staff.setup.explain')}</p>}
          {!blocked && (
            <div className={`pin-dots${recover ? ' pin-dots-long' : ''}`} aria-label={t('staff.pin.typed', { count: pin.length })} role="status" data-testid="pin-dots">
              {Array.from({ length: Math.max(needed, pin.length) }, (_, i) => (
                <span key={i} className={`pin-dot${i < pin.length ? ' pin-dot-on' : ''}`} />
              ))}
            </div>
          )}
          <p className={`pin-message${isError ? ' pin-message-error' : ''}`} role={isError ? 'alert' : 'status'} data-testid="pin-message">
            {text}
          </p>
          {phase === 'pin' && canRecover && !blocked && (
            <button type="button" className="btn btn-secondary pin-recover" onClick={startRecovery} disabled={busy} data-testid="use-recovery-code">
              {t('staff.recovery.use')}
            </button>
          )}
        </div>
        {!blocked && (
          <div className="pin-pad">
            <Keypad onDigit={typeDigit} onErase={eraseDigit} onClear={clearPin} disabled={busy || locked} />
            <button type="button" className="btn btn-primary pin-go" disabled={busy || locked || pin.length < needed} onClick={() => void submitPin()}>
              {busy ? t('staff.pin.checking') : action}
            </button>
          </div>
        )}
      </div>
    </main>
  );
}
