// The keypad: a staff PIN unlocks the receptionist's or the site admin's screens. After five wrong
// PINs main locks the keypad for a while (longer each time); the screen counts it down. On a new
// kiosk with no site admin PIN, the same keypad asks for one, twice.
import { useTranslation } from 'react-i18next';
import { Keypad } from '../components/Keypad';
import { useStaff } from '../context';
import { useSecondsUntil } from '../hooks';
import { PIN_MIN } from '../store';

export function PinScreen() {
  const { t } = useTranslation();
  const phase = useStaff((s) => s.phase);
  const pin = useStaff((s) => s.pin);
  const firstPin = useStaff((s) => s.firstPin);
  const message = useStaff((s) => s.message);
  const busy = useStaff((s) => s.busy);
  const lockedUntil = useStaff((s) => s.lockedUntil);
  const { typeDigit, eraseDigit, clearPin, submitPin, lock } = useStaff((s) => s);
  const wait = useSecondsUntil(lockedUntil);
  const locked = wait > 0;
  const setup = phase === 'setup';
  const title = setup ? t('staff.setup.title') : t('staff.pin.title');
  const text = locked ? t('staff.pin.lockedFor', { count: wait }) : message ? (message.text ?? t(message.key ?? '')) : setup ? '' : t('staff.pin.prompt');
  const action = setup ? (firstPin === null ? t('staff.setup.next') : t('staff.setup.save')) : t('staff.pin.unlock');
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
          {setup && <p className="pin-explain">{t('staff.setup.explain')}</p>}
          <div className="pin-dots" aria-label={t('staff.pin.typed', { count: pin.length })} role="status" data-testid="pin-dots">
            {Array.from({ length: Math.max(PIN_MIN, pin.length) }, (_, i) => (
              <span key={i} className={`pin-dot${i < pin.length ? ' pin-dot-on' : ''}`} />
            ))}
          </div>
          <p className={`pin-message${locked || message?.kind === 'error' ? ' pin-message-error' : ''}`} role={locked || message?.kind === 'error' ? 'alert' : 'status'} data-testid="pin-message">
            {text}
          </p>
        </div>
        <div className="pin-pad">
          <Keypad onDigit={typeDigit} onErase={eraseDigit} onClear={clearPin} disabled={busy || locked} />
          <button type="button" className="btn btn-primary pin-go" disabled={busy || locked || pin.length < PIN_MIN} onClick={() => void submitPin()}>
            {busy ? t('staff.pin.checking') : action}
          </button>
        </div>
      </div>
    </main>
  );
}
