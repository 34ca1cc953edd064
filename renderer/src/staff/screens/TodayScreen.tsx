// The receptionist's day: every sign-in and sign-out today, newest first, kept live. Tap one to
// change its reason or code, reprint its pass, or mark a late arrival excused; or sign a student
// in or out by hand.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffEventRow } from '../../../../shared/ipc/contract';
import { formatLocalTime } from '../../i18n';
import { reasonText } from '../../components/reasonText';
import { useKiosk } from '../../state/context';
import { Segmented } from '../components/Segmented';
import { EntrySheet } from '../components/Sheet';
import { useStaff } from '../context';
import { directionWords, writebackWords, yearWords } from '../words';
import { EventPanel, type Outcome } from './EventPanel';
import { ManualSign } from './ManualSign';

/** main pushes a status after every record; this poll catches anything else (another kiosk's sync). */
const REFRESH_MS = 5_000;

type DirFilter = 'all' | 'sign_in' | 'sign_out';

export function TodayScreen() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const locale = useKiosk((s) => s.info?.locale ?? 'en-GB');
  const [rows, setRows] = useState<StaffEventRow[] | null>(null);
  const [query, setQuery] = useState('');
  const [dir, setDir] = useState<DirFilter>('all');
  const [typing, setTyping] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [manual, setManual] = useState(false);
  const [failed, setFailed] = useState(false);
  const [note, setNote] = useState<{ eventId: string; outcome: Outcome } | null>(null);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const seq = ++latest.current;
    const res = await call('staffEvents', { ...(query.trim() ? { query: query.trim() } : {}), ...(dir !== 'all' ? { direction: dir } : {}) });
    if (seq !== latest.current) return;
    if (res.ok) setRows(res.value);
    setFailed(!res.ok);
  }, [call, query, dir]);

  useEffect(() => {
    void load();
    const poll = setInterval(() => void load(), REFRESH_MS);
    const off = window.kiosk.on('status', () => void load());
    return () => {
      clearInterval(poll);
      off();
    };
  }, [load]);

  const current = rows?.find((r) => r.event.id === selected) ?? null;

  return (
    <div className="today">
      <section className="today-list" aria-labelledby="today-title">
        <div className="today-tools">
          <h1 id="today-title" className="staff-title">
            {t('staff.today.title')}
          </h1>
          <button type="button" className="btn btn-primary" onClick={() => setManual(true)}>
            {t('staff.today.signByHand')}
          </button>
        </div>
        <div className="today-filters">
          <button type="button" className="field staff-search" onClick={() => setTyping(true)} aria-label={t('staff.today.filterName')} data-testid="today-name">
            {query || <span className="field-placeholder">{t('staff.today.filterName')}</span>}
          </button>
          {query && (
            <button type="button" className="btn btn-secondary btn-small" onClick={() => setQuery('')}>
              {t('staff.common.clear')}
            </button>
          )}
          <Segmented<DirFilter>
            label={t('staff.today.filterDirection')}
            value={dir}
            onChange={setDir}
            options={[
              { value: 'all', label: t('staff.today.all') },
              { value: 'sign_in', label: t('staff.dir.sign_in') },
              { value: 'sign_out', label: t('staff.dir.sign_out') },
            ]}
          />
        </div>
        {failed && (
          <p className="field-problem" role="alert">
            {t('staff.common.loadFailed')}
          </p>
        )}
        <ul className="event-list" aria-label={t('staff.today.listLabel')} data-testid="today-list">
          {rows?.length === 0 && <li className="empty">{query || dir !== 'all' ? t('staff.today.noneMatch') : t('staff.today.none')}</li>}
          {rows?.map((r) => {
            const wb = writebackWords(t, r);
            const replaced = r.event.supersededBy !== null;
            return (
              <li key={r.event.id}>
                <button
                  type="button"
                  className={`event-row${r.event.id === selected ? ' event-row-on' : ''}${replaced ? ' event-row-replaced' : ''}`}
                  aria-pressed={r.event.id === selected}
                  onClick={() => {
                    setManual(false);
                    setNote(null);
                    setSelected(r.event.id);
                  }}
                >
                  <span className="event-time">{formatLocalTime(locale, r.event.localTime)}</span>
                  <span className="event-who">
                    <span className="event-name">{r.studentName}</span>
                    <span className="event-sub">
                      {yearWords(t, r.year)} · {directionWords(t, r.event.direction)}
                      {r.event.reasonLabel ? ` · ${reasonText(r.event.reasonLabel)}` : ''}
                    </span>
                  </span>
                  <span className="event-code" aria-label={t('staff.event.code')}>
                    {r.event.code ?? '–'}
                  </span>
                  <span className="event-chips">
                    <span className={`chip chip-${wb.tone}`} data-testid="writeback-state">{wb.text}</span>
                    {(r.latesThisWeek ?? 0) > 0 && (
                      // Three or more in a week is the pattern reception is asked to notice.
                      <span className={`chip ${(r.latesThisWeek ?? 0) >= 3 ? 'chip-warn' : 'chip-quiet'}`} data-testid="lates-week">
                        {t('staff.desk.latesWeek', { count: r.latesThisWeek })}
                      </span>
                    )}
                    {r.event.excused !== null && <span className="chip chip-quiet">{r.event.excused ? t('staff.event.excused') : t('staff.event.notExcused')}</span>}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      <section className="today-side" aria-live="polite">
        {manual ? (
          <ManualSign
            onClose={(eventId) => {
              setManual(false);
              if (eventId) setSelected(eventId);
              void load();
            }}
          />
        ) : current ? (
          <EventPanel
            key={current.event.id}
            row={current}
            note={note?.eventId === current.event.id ? note.outcome : null}
            onChanged={(eventId, outcome) => {
              setNote(outcome ? { eventId, outcome } : null);
              setSelected(eventId);
              void load();
            }}
            onClose={() => setSelected(null)}
          />
        ) : (
          <div className="today-hint">
            <p>{t('staff.today.hint')}</p>
          </div>
        )}
      </section>
      {typing && (
        <EntrySheet
          title={t('staff.today.filterName')}
          initial={query}
          maxLength={40}
          kind="text"
          doneLabel={t('staff.today.filterDone')}
          onCancel={() => setTyping(false)}
          onDone={(v) => {
            setTyping(false);
            setQuery(v);
          }}
        />
      )}
    </div>
  );
}
