// The wall clock in the school's zone. It follows main's clock (info.now), not the kiosk
// machine's, so the screen and the recorded times never disagree.
import { useEffect, useState } from 'react';
import { formatClock, formatDate } from '../i18n';
import { useKiosk } from '../state/context';

export function Clock({ withDate = false }: { withDate?: boolean }) {
  const info = useKiosk((s) => s.info);
  const [offset] = useState(() => (info ? Date.parse(info.now) - Date.now() : 0));
  const [now, setNow] = useState(() => new Date(Date.now() + offset));
  useEffect(() => {
    const tick = setInterval(() => setNow(new Date(Date.now() + offset)), 1000);
    return () => clearInterval(tick);
  }, [offset]);
  if (!info) return null;
  return (
    <div className="clock">
      <time className="clock-time" dateTime={now.toISOString()}>
        {formatClock(info.locale, info.timeZone, now)}
      </time>
      {withDate && <div className="clock-date">{formatDate(info.locale, info.timeZone, now)}</div>}
    </div>
  );
}
