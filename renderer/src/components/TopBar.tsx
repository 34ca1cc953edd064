// The strip across the top of every screen but idle: school, time, and the way out.
import { useKiosk } from '../state/context';
import { Clock } from './Clock';
import { BackIcon } from './Icons';

export interface WayOut {
  label: string;
  /** What a screen reader says when the visible word is not enough ("Not me" → cancel and go back). */
  ariaLabel?: string;
  onClick(): void;
  /** Draw the back chevron. */
  back?: boolean;
}

export function TopBar({ wayOut }: { wayOut: WayOut }) {
  const schoolName = useKiosk((s) => s.info?.schoolName ?? '');
  return (
    <header className="topbar">
      <div className="topbar-school">{schoolName}</div>
      <Clock />
      <div className="topbar-action">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={wayOut.onClick}
          aria-label={wayOut.ariaLabel}
        >
          {wayOut.back && <BackIcon />} {wayOut.label}
        </button>
      </div>
    </header>
  );
}
