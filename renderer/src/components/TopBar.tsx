// The strip across the top of every screen but idle: school, time, and the way out.
import type { ReactNode } from 'react';
import { useKiosk } from '../state/context';
import { Clock } from './Clock';

export function TopBar({ action }: { action?: ReactNode }) {
  const schoolName = useKiosk((s) => s.info?.schoolName ?? '');
  return (
    <header className="topbar">
      <div className="topbar-school">{schoolName}</div>
      <Clock />
      <div className="topbar-action">{action}</div>
    </header>
  );
}
