// The writeback log, as Navigate360 shows it: type, student, MIS id, date and time, year, reason,
// code, status (pending, sent, confirmed in the register, changed in the MIS, not sent, failed,
// skipped and why) and the error. Filters by status,
// name, type and date range; retry one failed row or all of them; export what is shown to CSV.
// The list is virtualised and paged (logPages.ts), so 100,000 rows scroll as smoothly as ten.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WritebackLogRow } from '../../../../shared/ipc/contract';
import { reasonText } from '../../components/reasonText';
import { formatLocalTime } from '../../i18n';
import { useKiosk } from '../../state/context';
import { Segmented } from '../components/Segmented';
import { EntrySheet } from '../components/Sheet';
import { useStaff } from '../context';
import { addDays, LogPages, schoolDate } from '../logPages';
import { directionWords, yearWords } from '../words';
import { machineTimeZone, todayIn } from '../../../../shared/school-time';

type Status = 'all' | 'pending' | 'succeeded' | 'confirmed' | 'changed' | 'not_sent' | 'failed' | 'skipped';

const STATUSES = ['all', 'pending', 'succeeded', 'confirmed', 'changed', 'not_sent', 'failed', 'skipped'] as const;

/** A status's label: issue 12's sent/confirmed/changed/not-sent words live in staff.register.st. */
function statusLabel(t: (k: string) => string, s: Status): string {
  return s === 'succeeded' || s === 'confirmed' || s === 'changed' || s === 'not_sent' ? t(`staff.register.st.${s}`) : t(`staff.log.st.${s}`);
}

const TONE: Record<WritebackLogRow['status'], string> = {
  succeeded: 'ok',
  confirmed: 'ok',
  failed: 'bad',
  pending: 'wait',
  changed: 'quiet',
  not_sent: 'quiet',
  skipped: 'quiet',
};
type Type = 'all' | 'sign_in' | 'sign_out';
type Range = 'any' | 'today' | 'week' | 'month' | 'custom';

interface Filters {
  status: Status;
  type: Type;
  name: string;
  range: Range;
  from: string;
  to: string;
}

/** Rows are a fixed height (in rem, so they scale with the screen like everything else). */
const ROW_REM = 4.2;

function rootFontPx(): number {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 19;
}

export function LogScreen() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const info = useKiosk((s) => s.info);
  const locale = info?.locale ?? 'en-GB';
  const today = useMemo(() => (info ? schoolDate(new Date(info.now), info.timeZone) : todayIn(machineTimeZone(), new Date())), [info]);
  const [f, setF] = useState<Filters>({ status: 'all', type: 'all', name: '', range: 'any', from: today, to: today });
  const [typing, setTyping] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [, redraw] = useReducer((n: number) => n + 1, 0);

  const filter = useMemo(() => {
    const range =
      f.range === 'today'
        ? { from: today, to: today }
        : f.range === 'week'
          ? { from: addDays(today, -6), to: today }
          : f.range === 'month'
            ? { from: addDays(today, -29), to: today }
            : f.range === 'custom'
              ? { from: f.from <= f.to ? f.from : f.to, to: f.from <= f.to ? f.to : f.from }
              : {};
    return {
      ...(f.status !== 'all' ? { status: f.status } : {}),
      ...(f.type !== 'all' ? { type: f.type } : {}),
      ...(f.name.trim() ? { name: f.name.trim() } : {}),
      ...range,
    };
  }, [f, today]);

  const pages = useMemo(
    () =>
      new LogPages(async (offset, limit) => {
        const res = await call('writebackLog', { filter, offset, limit });
        return res.ok ? res.value : null;
      }),
    [call, filter],
  );
  useEffect(() => pages.onChange(redraw), [pages]);

  const scroller = useRef<HTMLDivElement>(null);
  const rowPx = Math.round(ROW_REM * rootFontPx());
  const virtualizer = useVirtualizer({
    count: pages.total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowPx,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    void pages.ensure(firstIndex, Math.max(lastIndex, firstIndex + 40));
  }, [pages, firstIndex, lastIndex]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [pages]);

  const reload = () => {
    pages.reset();
    void pages.ensure(firstIndex, lastIndex + 40);
  };

  const retry = async (outboxIds: number[] | 'all_failed') => {
    setBusy(true);
    const res = await call('retryWriteback', { outboxIds });
    setBusy(false);
    setNotice(res.ok ? { kind: 'ok', text: t('staff.log.retried', { count: res.value.retried }) } : { kind: 'error', text: res.error.message });
    reload();
  };

  const exportCsv = async () => {
    setBusy(true);
    const res = await call('exportWritebackLog', { filter });
    setBusy(false);
    setNotice(res.ok ? { kind: 'ok', text: t('staff.log.exported', { count: res.value.rows, n: res.value.rows.toLocaleString(locale), path: res.value.path }) } : { kind: 'error', text: res.error.message });
  };

  const set = (patch: Partial<Filters>) => {
    setNotice(null);
    setF((old) => ({ ...old, ...patch }));
  };

  return (
    <div className="log">
      <div className="log-tools">
        <h1 className="staff-title">{t('staff.log.title')}</h1>
        <div className="log-actions">
          <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void retry('all_failed')}>
            {t('staff.log.retryAll')}
          </button>
          <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void exportCsv()}>
            {t('staff.log.export')}
          </button>
        </div>
      </div>
      <div className="log-filters">
        <Segmented
          label={t('staff.log.status')}
          value={f.status}
          onChange={(status) => set({ status })}
          options={STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) }))}
        />
        <Segmented
          label={t('staff.log.type')}
          value={f.type}
          onChange={(type) => set({ type })}
          options={[
            { value: 'all', label: t('staff.log.anyType') },
            { value: 'sign_in', label: t('staff.dir.sign_in') },
            { value: 'sign_out', label: t('staff.dir.sign_out') },
          ]}
        />
      </div>
      <div className="log-filters">
        <button type="button" className="field staff-search log-name" onClick={() => setTyping(true)} aria-label={t('staff.log.name')} data-testid="log-name">
          {f.name || <span className="field-placeholder">{t('staff.log.name')}</span>}
        </button>
        {f.name && (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => set({ name: '' })}>
            {t('staff.common.clear')}
          </button>
        )}
        <Segmented
          label={t('staff.log.dates')}
          value={f.range}
          onChange={(range) => set({ range })}
          options={(['any', 'today', 'week', 'month', 'custom'] as const).map((r) => ({ value: r, label: t(`staff.log.range.${r}`) }))}
        />
        {f.range === 'custom' && (
          <>
            <DayStepper label={t('staff.log.from')} value={f.from} max={today} onChange={(from) => set({ from })} />
            <DayStepper label={t('staff.log.to')} value={f.to} max={today} onChange={(to) => set({ to })} />
          </>
        )}
      </div>
      <p className="log-count" role="status" data-testid="log-count">
        {pages.failed ? t('staff.common.loadFailed') : pages.total === null ? t('staff.common.loading') : t('staff.log.count', { count: pages.total, n: pages.total.toLocaleString(locale) })}
      </p>
      {notice && (
        <p className={notice.kind === 'ok' ? 'panel-ok' : 'field-problem'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid="log-notice">
          {notice.text}
        </p>
      )}
      <div className="log-table" role="table" aria-label={t('staff.log.title')} aria-rowcount={pages.total ?? 0}>
        <div className="log-row log-head" role="row">
          {(['type', 'student', 'misId', 'when', 'year', 'reason', 'code', 'status'] as const).map((c) => (
            <span role="columnheader" key={c}>
              {t(`staff.log.col.${c}`)}
            </span>
          ))}
          <span role="columnheader" className="visually-hidden">
            {t('staff.log.col.action')}
          </span>
        </div>
        <div className="log-scroll" role="rowgroup" tabIndex={0} ref={scroller} data-testid="log-scroll">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = pages.row(item.index);
              return (
                <div
                  key={item.key}
                  className="log-row-wrap"
                  role="row"
                  aria-rowindex={item.index + 2}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
                >
                  {row ? <LogRow row={row} locale={locale} busy={busy} onRetry={(id) => void retry([id])} /> : <div className="log-row log-loading">{t('staff.common.loading')}</div>}
                </div>
              );
            })}
          </div>
          {pages.total === 0 && <p className="empty log-empty">{t('staff.log.none')}</p>}
        </div>
      </div>
      {typing && (
        <EntrySheet
          title={t('staff.log.name')}
          initial={f.name}
          maxLength={40}
          kind="text"
          doneLabel={t('staff.today.filterDone')}
          onCancel={() => setTyping(false)}
          onDone={(name) => {
            setTyping(false);
            set({ name });
          }}
        />
      )}
    </div>
  );
}

function LogRow({ row, locale, busy, onRetry }: { row: WritebackLogRow; locale: 'en-GB' | 'en-US'; busy: boolean; onRetry(id: number): void }) {
  const { t } = useTranslation();
  return (
    <div className={`log-row log-status-${row.status}`} data-testid="log-row" data-status={row.status}>
      <span role="cell">{directionWords(t, row.type)}</span>
      <span role="cell" className="log-name-cell">
        {row.studentName}
      </span>
      <span role="cell">{row.misId ?? '–'}</span>
      <span role="cell">
        {row.date} {formatLocalTime(locale, row.time)}
      </span>
      <span role="cell">{yearWords(t, row.year)}</span>
      <span role="cell">{row.reason ? reasonText(row.reason) : '–'}</span>
      <span role="cell" className="log-code">
        {row.code ?? '–'}
      </span>
      <span role="cell">
        <span className={`chip chip-${TONE[row.status]}`}>{statusLabel(t, row.status)}</span>
      </span>
      <span role="cell">
        {row.status === 'failed' && row.outboxId !== null && (
          <button type="button" className="btn btn-secondary btn-small log-retry" disabled={busy} onClick={() => onRetry(row.outboxId!)} aria-label={t('staff.log.retryLabel', { name: row.studentName })}>
            {t('staff.log.retry')}
          </button>
        )}
      </span>
      <span role="cell" className="log-detail">
        {row.superseded ? `${t('staff.log.superseded')} ` : ''}
        {row.detail ?? ''}
      </span>
    </div>
  );
}

/** A date by touch: a day back, a day on, never past today. */
function DayStepper({ label, value, max, onChange }: { label: string; value: string; max: string; onChange(v: string): void }) {
  const { t } = useTranslation();
  return (
    <div className="stepper" role="group" aria-label={label}>
      <span className="stepper-label">{label}</span>
      <button type="button" className="btn btn-secondary btn-small stepper-btn" onClick={() => onChange(addDays(value, -1))} aria-label={t('staff.log.dayBack', { label })}>
        ◀
      </button>
      <span className="stepper-value">{value}</span>
      <button type="button" className="btn btn-secondary btn-small stepper-btn" disabled={value >= max} onClick={() => onChange(addDays(value, 1))} aria-label={t('staff.log.dayOn', { label })}>
        ▶
      </button>
    </div>
  );
}
