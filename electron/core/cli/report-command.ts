// `kiosk report` (issue 18): the lateness figures of a date range, as the admin's "This week"
// shows them. `--json` prints exactly the issue's shape:
//   { from, to, lates, byDay: [{date, lates}], byYear: [{year, lates}], topReasons: [{reason, count}],
//     averageMinutesLate, overThreshold: [{studentId, name, rule, count}] }
// `--csv` prints the same figures as one long table (section, key, name, rule, value).
// Parses its own options (like the fleet commands) and opens the kiosk read-mostly: no demo roster.
import { parseArgs } from 'node:util';
import { KioskCore } from '../kiosk';
import { stderrLogger } from '../logging/logger';
import { fileSecretStore, secretValuesOf } from '../security/secrets';
import { cliMustNotOpen } from '../maintenance/recovery';
import { checkRange, lastFourWeeks } from '../attendance/lateness/service';
import { toCsv, type LateReport, type LateReportDetail } from '../../../shared/lateness';

export const REPORT_USAGE = `Lateness (npm run kiosk -- report):
  report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json|--csv]
                                     Lates per day and year, top reasons, average minutes late, students over
                                     a threshold (default: the last four school weeks)`;

export interface ReportContext {
  argv: string[];
  out: (line: string) => void;
  defaultDataDir: () => string;
}

/** `report …` → its runner; anything else → null. */
export function reportCommandIn(argv: string[]): { run: (ctx: ReportContext) => Promise<number>; argv: string[] } | null {
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    // Options before the command word that take a value: --data-dir x report.
    if (a === '--data-dir' || a === '--from' || a === '--to') {
      k++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a === 'report' ? { run: runReport, argv: [...argv.slice(0, k), ...argv.slice(k + 1)] } : null;
  }
  return null;
}

/** The CLI's JSON: exactly the issue's keys, in its order (the admin screen's extras left out). */
export function reportJson(r: LateReport): LateReport {
  return {
    from: r.from,
    to: r.to,
    lates: r.lates,
    byDay: r.byDay.map(({ date, lates }) => ({ date, lates })),
    byYear: r.byYear.map(({ year, lates }) => ({ year, lates })),
    topReasons: r.topReasons.map(({ reason, count }) => ({ reason, count })),
    averageMinutesLate: r.averageMinutesLate,
    overThreshold: r.overThreshold.map(({ studentId, name, rule, count }) => ({ studentId, name, rule, count })),
  };
}

export function reportLongCsv(r: LateReport): string {
  const rows: (string | number | null)[][] = [
    ['range', r.from, null, null, r.to],
    ['lates', null, null, null, r.lates],
    ['averageMinutesLate', null, null, null, r.averageMinutesLate],
    ...r.byDay.map((d) => ['byDay', d.date, null, null, d.lates]),
    ...r.byYear.map((y) => ['byYear', y.year, null, null, y.lates]),
    ...r.topReasons.map((x) => ['topReasons', null, x.reason, null, x.count]),
    ...r.overThreshold.map((o) => ['overThreshold', o.studentId, o.name, o.rule, o.count]),
  ];
  return toCsv(['section', 'key', 'name', 'rule', 'value'], rows).replace(/^\ufeff/, '');
}

function human(r: LateReportDetail, locale: 'en-GB' | 'en-US'): string {
  const yearWord = locale === 'en-US' ? 'Grade' : 'Year';
  const bar = (n: number, max: number) => '█'.repeat(max ? Math.round((n / max) * 30) : 0);
  const maxDay = Math.max(0, ...r.byDay.map((d) => d.lates));
  return [
    `Lates ${r.from} to ${r.to}: ${r.lates}${r.averageMinutesLate !== null ? `, on average ${r.averageMinutesLate} min late` : ''}`,
    '',
    'Per day:',
    ...r.byDay.map((d) => `  ${d.date}  ${String(d.lates).padStart(5)}  ${bar(d.lates, maxDay)}`),
    '',
    `Per ${yearWord.toLowerCase()}:`,
    ...r.byYear.map((y) => `  ${(y.year === null ? '(none)' : `${yearWord} ${y.year}`).padEnd(10)} ${String(y.lates).padStart(5)}`),
    '',
    'Top reasons:',
    ...(r.topReasons.length ? r.topReasons.map((x) => `  ${String(x.count).padStart(5)}  ${x.reason}`) : ['  (none held: reasons go with the events after the retention period)']),
    '',
    'Over a threshold:',
    ...(r.overThreshold.length ? r.overThreshold.map((o) => `  ${o.name} (${o.studentId}): ${o.count} — ${o.rule}`) : ['  nobody']),
  ].join('\n');
}

async function runReport(ctx: ReportContext): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: ctx.argv,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean', default: false },
        csv: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${REPORT_USAGE}\n`);
    return 2;
  }
  if (values.json && values.csv) {
    process.stderr.write('Choose one of --json and --csv.\n');
    return 2;
  }
  const dataDir = values['data-dir'] ?? ctx.defaultDataDir();
  const lost = cliMustNotOpen(dataDir);
  if (lost) {
    process.stderr.write(`${lost}\n`);
    return 1;
  }
  const secrets = fileSecretStore(dataDir);
  let core: KioskCore;
  try {
    core = KioskCore.open({ dataDir, secrets, logger: stderrLogger('warn', secretValuesOf(secrets)), demo: false });
  } catch (e) {
    process.stderr.write(`Cannot open the kiosk data: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const d = lastFourWeeks(core.today());
    const from = values.from ?? d.from;
    const to = values.to ?? d.to;
    const problem = checkRange(from, to);
    if (problem) {
      process.stderr.write(`${problem}\n`);
      return 2;
    }
    const r = core.lateness.report(from, to);
    if (values.json) ctx.out(JSON.stringify(reportJson(r), null, 2));
    else if (values.csv) ctx.out(reportLongCsv(r).trimEnd());
    else ctx.out(human(r, core.getSettings().locale));
    return 0;
  } finally {
    core.close();
  }
}
