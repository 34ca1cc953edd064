// Issue 17: the roll call on screen, as on paper: date and time at the top, then who is on site
// (arrived late) and who is off site (signed out early, and who collected them), each grouped by
// year and form (shared/roll-call.ts groupByYearAndForm). Used by the kiosk (roll call badge) and
// by staff mode.
import { useTranslation } from 'react-i18next';
import { groupByYearAndForm, type RollCall, type RollCallOnSite } from '../../../shared/roll-call';
import type { Locale } from '../../../shared/settings';
import { formatClock, formatDate, yearLabel } from '../i18n';

export function RollCallList({ rc, locale, timeZone }: { rc: RollCall; locale: Locale; timeZone: string }) {
  const { t } = useTranslation();
  const at = new Date(rc.at);
  const time = (iso: string) => formatClock(locale, timeZone, new Date(iso));
  const heading = (year: number | null, form: string | null) => [yearLabel(t, year), form].filter(Boolean).join(' · ') || t('rollcall.noYear');
  const section = <T extends RollCallOnSite>(id: string, title: string, list: T[], extra: (e: T) => string | null) => (
    <section className="rollcall-section" aria-labelledby={`rollcall-${id}`} data-testid={`rollcall-${id}`}>
      <h2 id={`rollcall-${id}`} className="rollcall-heading">
        {title}
      </h2>
      {list.length === 0 && <p className="empty">{t('rollcall.none')}</p>}
      {groupByYearAndForm(list).map((g) => (
        <div className="rollcall-group" key={`${g.year}-${g.form}`}>
          <h3 className="rollcall-group-title">{heading(g.year, g.form)}</h3>
          <ul className="rollcall-rows">
            {g.entries.map((e) => (
              <li key={e.studentId} className="rollcall-row">
                <span className="rollcall-time">{time(e.since)}</span>
                <span className="rollcall-name">{e.name}</span>
                {extra(e) && <span className="rollcall-extra">{extra(e)}</span>}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
  return (
    <div className="rollcall">
      <p className="rollcall-at" data-testid="rollcall-at">
        {t('rollcall.at', { date: formatDate(locale, timeZone, at), time: formatClock(locale, timeZone, at) })}
      </p>
      <div className="rollcall-columns">
        {section('onsite', t('rollcall.onSite', { count: rc.onSite.length }), rc.onSite, () => null)}
        {section('offsite', t('rollcall.offSite', { count: rc.offSite.length }), rc.offSite, (e) => (e.collectedBy ? t('rollcall.collectedBy', { name: e.collectedBy }) : null))}
      </div>
    </div>
  );
}
