// Instants from main (ISO, UTC) as the school reads them: its own zone, its own clock style.
import { useKiosk } from '../../state/context';
import { formatClock } from '../../i18n';
import { formatInstant, formatSchoolDate } from '../../../../shared/school-time';

/** "24 Nov 2026, 09:07" (en-GB) or "Nov 24, 2026, 9:07 AM" (en-US), in the school's time zone. */
export function useWhen(): (iso: string | null) => string {
  const info = useKiosk((s) => s.info);
  return (iso) => {
    if (!iso) return '';
    const at = new Date(iso);
    if (!info) return iso.replace('T', ' ').slice(0, 16);
    const day = formatInstant(at, info.timeZone, info.locale, { day: 'numeric', month: 'short', year: 'numeric' });
    return `${day}, ${formatClock(info.locale, info.timeZone, at)}`;
  };
}

/** A school day ("2026-11-24") written out: "Tuesday 24 November 2026". */
export function useDayWords(): (day: string) => string {
  const info = useKiosk((s) => s.info);
  return (day) =>
    formatSchoolDate(day, info?.locale ?? 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}
