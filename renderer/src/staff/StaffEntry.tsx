// The discreet way in: press and hold the school's name on the idle screen for two seconds.
// A student's tap does nothing; staff learn the gesture from the staff guide. A ring fills while
// the finger stays down, so the person holding knows it is working.
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaff } from './context';

export const HOLD_MS = 2000;

export function StaffEntry({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const open = useStaff((s) => s.open);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [holding, setHolding] = useState(false);
  const stop = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    setHolding(false);
  };
  const start = () => {
    stop();
    setHolding(true);
    timer.current = setTimeout(() => {
      timer.current = null;
      setHolding(false);
      void open();
    }, HOLD_MS);
  };
  return (
    <button
      type="button"
      className={`staff-entry${holding ? ' staff-entry-holding' : ''}`}
      data-testid="staff-entry"
      onPointerDown={start}
      onPointerUp={stop}
      onPointerLeave={stop}
      onPointerCancel={stop}
      onContextMenu={(e) => e.preventDefault()}
    >
      {children}
      {/* Read after the visible school name, never instead of it: a voice-control user says
          what they see (WCAG 2.5.3, axe's label-content-name-mismatch). */}
      <span className="visually-hidden"> – {t('staff.entry.label')}</span>
      <span className="staff-entry-ring" aria-hidden="true" />
    </button>
  );
}
