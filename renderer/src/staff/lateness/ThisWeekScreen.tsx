// The site admin's "This week" (issue 18): lates per day over the last four school weeks, by year
// and by form, the top reasons, the average minutes late and the students over a threshold.
// Each chart can be swapped for its numbers (a table) and saved as CSV into the kiosk's exports
// folder. Touch only: big buttons, no typing.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import type { ReportTable } from '../../../../shared/lateness';
import { formatSchoolDate } from '../../../../shared/school-time';
import { Segmented } from '../components/Segmented';
import { useKiosk } from '../../state/context';
import { useStaff } from '../context';
import { BarChart, type Datum } from './BarChart';
import '../../styles/lateness.css';

type Report = CallResponse<'latenessReport'>;

const FORMS_SHOWN = 12;

function dayLabel(date: string, locale: string): string[] {
  const weekday = formatSchoolDate(date, locale, { weekday: 'short' });
  // The day of the month alone: with four weeks of bars, "02/11" under each would collide; the
  // table and the CSV have the full dates.
  return [weekday, String(Number(date.slice(8, 10)))];
}

function longDate(date: string, locale: string): string {
  return formatSchoolDate(date, locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

export default function ThisWeekScreen() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const locale = useKiosk((s) => s.info?.locale) ?? 'en-GB';
  const [report, setReport] = useState<Report | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const res = await call('latenessReport', {});
    if (res.ok) {
      setReport(res.value);
      setProblem(null);
    } else setProblem(res.error.message);
  }, [call]);
  useEffect(() => void refresh(), [refresh]);

  if (!report)
    return (
      <p className={problem ? 'field-problem' : 'staff-loading'} role={problem ? 'alert' : undefined}>
        {problem ?? t('staff.lateness.loading')}
      </p>
    );

  const yearName = (y: number | null) => (y === null ? t('staff.lateness.noYear') : t('staff.lateness.yearN', { n: y }));
  const byDay: Datum[] = report.byDay.map((d) => ({ key: d.date, label: dayLabel(d.date, locale), value: d.lates }));
  const byYear: Datum[] = report.byYear.map((y) => ({ key: String(y.year), label: [yearName(y.year)], value: y.lates }));
  const byForm: Datum[] = report.byForm.slice(0, FORMS_SHOWN).map((f) => ({ key: String(f.form), label: [f.form ?? t('staff.lateness.noForm')], value: f.lates }));
  const reasons: Datum[] = report.topReasons.map((r) => ({ key: r.reason, label: [r.reason === '—' ? t('staff.lateness.noReason') : r.reason], value: r.count }));

  return (
    <div className="lateness" data-testid="lateness">
      <p className="lateness-range" data-testid="lateness-range">
        <span>{t('staff.lateness.range', { from: longDate(report.from, locale), to: longDate(report.to, locale) })}</span>
        <strong data-testid="lateness-total">{t('staff.lateness.total', { count: report.lates })}</strong>
      </p>
      <ChartPanel
        id="byDay"
        title={t('staff.lateness.perDay')}
        data={byDay}
        orientation="vertical"
        columns={[t('staff.lateness.col.date'), t('staff.lateness.col.lates')]}
        rows={report.byDay.map((d) => [longDate(d.date, locale), d.lates])}
        report={report}
      />
      <div className="lateness-pair">
        <ChartPanel id="byYear" title={t('staff.lateness.byYear')} data={byYear} orientation="horizontal" columns={[t('staff.lateness.col.year'), t('staff.lateness.col.lates')]} rows={byYear.map((d) => [d.label[0]!, d.value])} report={report} />
        <section className="panel lateness-panel lateness-average" aria-labelledby="lateness-average">
          <h2 id="lateness-average" className="panel-title">
            {t('staff.lateness.average')}
          </h2>
          {report.averageMinutesLate === null ? (
            <p className="admin-message">{t('staff.lateness.averageNone')}</p>
          ) : (
            <p className="lateness-big" data-testid="lateness-average">
              {t('staff.lateness.minutes', { count: report.averageMinutesLate })}
            </p>
          )}
        </section>
      </div>
      <ChartPanel
        id="byForm"
        title={t('staff.lateness.byForm')}
        data={byForm}
        orientation="horizontal"
        columns={[t('staff.lateness.col.form'), t('staff.lateness.col.lates')]}
        rows={report.byForm.map((f) => [f.form ?? t('staff.lateness.noForm'), f.lates])}
        report={report}
      />
      <ChartPanel id="topReasons" title={t('staff.lateness.topReasons')} data={reasons} orientation="horizontal" columns={[t('staff.lateness.col.reason'), t('staff.lateness.col.count')]} rows={reasons.map((d) => [d.label[0]!, d.value])} report={report} />
      <section className="panel lateness-panel" aria-labelledby="lateness-over">
        <div className="panel-head">
          <h2 id="lateness-over" className="panel-title">
            {t('staff.lateness.over')}
          </h2>
          {report.overThreshold.length > 0 && <CsvButton table="overThreshold" report={report} />}
        </div>
        {report.rules === 0 ? (
          <p className="admin-message" data-testid="lateness-no-rules">
            {t('staff.lateness.noRules')}
          </p>
        ) : report.overThreshold.length === 0 ? (
          <p className="admin-message">{t('staff.lateness.overNone')}</p>
        ) : (
          <NumbersTable
            testId="lateness-over-table"
            columns={[t('staff.lateness.col.student'), t('staff.lateness.col.rule'), t('staff.lateness.col.count')]}
            rows={report.overThreshold.map((o) => [o.name, o.rule, o.count])}
          />
        )}
      </section>
    </div>
  );
}

function ChartPanel({
  id,
  title,
  data,
  orientation,
  columns,
  rows,
  report,
}: {
  id: ReportTable;
  title: string;
  data: Datum[];
  orientation: 'vertical' | 'horizontal';
  columns: string[];
  rows: (string | number)[][];
  report: Report;
}) {
  const { t } = useTranslation();
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const total = data.reduce((n, d) => n + d.value, 0);
  const top = data.reduce<Datum | null>((m, d) => (!m || d.value > m.value ? d : m), null);
  const summary = top ? t('staff.lateness.chartSummary', { title, count: total, max: top.value, top: top.label.join(' ') }) : t('staff.lateness.noData');
  return (
    <section className="panel lateness-panel" aria-labelledby={`lateness-${id}`} data-chart={id}>
      <div className="panel-head">
        <h2 id={`lateness-${id}`} className="panel-title">
          {title}
        </h2>
        <div className="lateness-tools">
          <Segmented<'chart' | 'table'>
            label={t('staff.lateness.view')}
            value={view}
            onChange={setView}
            options={[
              { value: 'chart', label: t('staff.lateness.showChart') },
              { value: 'table', label: t('staff.lateness.showTable') },
            ]}
          />
          <CsvButton table={id} report={report} />
        </div>
      </div>
      {data.length === 0 || total === 0 ? (
        <p className="admin-message">{t('staff.lateness.noData')}</p>
      ) : view === 'chart' ? (
        <BarChart title={title} summary={summary} data={data} orientation={orientation} testId={`chart-${id}`} />
      ) : (
        <NumbersTable testId={`table-${id}`} columns={columns} rows={rows} />
      )}
    </section>
  );
}

function NumbersTable({ columns, rows, testId }: { columns: string[]; rows: (string | number)[][]; testId: string }) {
  return (
    <div className="lateness-table-wrap">
      <table className="lateness-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={c} scope="col" className={i === columns.length - 1 ? 'num' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, k) => (
            <tr key={k}>
              {r.map((v, i) => (i === 0 ? <th key={i} scope="row">{v}</th> : <td key={i} className={typeof v === 'number' ? 'num' : undefined}>{v}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CsvButton({ table, report }: { table: ReportTable; report: Report }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    const res = await call('latenessExportCsv', { table, from: report.from, to: report.to });
    setBusy(false);
    setAnswer(res.ok ? { ok: true, text: t('staff.lateness.saved', { path: res.value.path }) } : { ok: false, text: res.error.message });
  };
  return (
    <span className="lateness-csv">
      <button type="button" className="btn btn-secondary btn-small" onClick={() => void save()} disabled={busy} data-csv={table}>
        {t('staff.lateness.csv')}
      </button>
      {answer && (
        <span className={answer.ok ? 'panel-ok lateness-saved' : 'field-problem'} role={answer.ok ? 'status' : 'alert'} data-testid={`csv-saved-${table}`}>
          {answer.text}
        </span>
      )}
    </span>
  );
}
