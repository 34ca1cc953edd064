// Lateness follow-up (issue 18): the settings block (terms, half-terms, threshold rules), the
// school calendar (weeks, half-terms, terms) and the words of a threshold message. Pure: no
// clock, no I/O, so the core, the CLI and the renderer agree on what "this week" and "this
// half-term" are.
//
// Dates here are the school-local calendar dates every event already stores (`localDate`,
// worked out in the school's IANA zone when the event happened), so a week or a term never
// depends on the kiosk's own clock zone, and a DST change cannot move a late into another week.
import { z } from 'zod';
import { addDays, isCalendarDate, mondayOf } from './school-time';

const DATE_WORDS = 'Write the date as YYYY-MM-DD, such as 2027-01-04.';
// The pattern tells the settings form (JSON Schema) it is a date field; the check refuses 2027-02-30.
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, DATE_WORDS).refine(isCalendarDate, DATE_WORDS);

export const latePeriod = z.enum(['week', 'half_term', 'term']);
export type LatePeriod = z.infer<typeof latePeriod>;

/**
 * A term as the school sets it. `halfTermStart`: the first school day after the half-term
 * break (the first half runs from `start` to the day before, the second from there to `end`);
 * null for a term the school does not split.
 */
export const schoolTerm = z
  .strictObject({
    name: z.string().trim().min(1, 'Give the term a name, such as Autumn.').max(40, 'The term name is longer than 40 characters.'),
    start: isoDate,
    end: isoDate,
    halfTermStart: isoDate.nullable().default(null),
  })
  .superRefine((t, ctx) => {
    if (t.end < t.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'The term must end on or after its first day.' });
    if (t.halfTermStart !== null && !(t.halfTermStart > t.start && t.halfTermStart <= t.end))
      ctx.addIssue({ code: 'custom', path: ['halfTermStart'], message: 'The second half must start inside the term, after its first day.' });
  });
export type SchoolTerm = z.output<typeof schoolTerm>;

/** A threshold: "3 lates in a week", with what the pass says and who is told. */
export const lateRule = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Use lower-case letters, digits and hyphens for the rule id, such as three-a-week.'),
  count: z.number().int('The count must be a whole number.').min(1, 'The count must be at least 1.').max(100, 'The count must be at most 100.'),
  period: latePeriod,
  /**
   * What the pass and the done screen say, in each locale: `{ordinal}` becomes "3rd", `{count}` 3.
   * The kiosk shows the one for the school's locale.
   */
  message: z.strictObject({
    'en-GB': z.string().trim().min(1, 'Write the message the pass prints.').max(120, 'The message is longer than 120 characters.'),
    'en-US': z.string().trim().min(1, 'Write the message the pass prints.').max(120, 'The message is longer than 120 characters.'),
  }),
  /** A staff address told when a student reaches the rule (through the message outbox, issue 17). */
  staffEmail: z.email('Give a staff email address, such as hoy9@school.example.').nullable().default(null),
  /** Also print the message on every later late in the same period (the email goes once). */
  everyLateAfter: z.boolean().default(true),
});
export type LateRule = z.output<typeof lateRule>;

export const latenessSettings = z
  .strictObject({
    /** The school's terms; a date outside every one falls back to the built-in calendar. */
    terms: z.array(schoolTerm).max(12, 'At most 12 terms.').default([]),
    /** The threshold rules ("3 lates in a week"). */
    thresholds: z.array(lateRule).max(20, 'At most 20 rules.').default([]),
  })
  .superRefine((s, ctx) => {
    const sorted = s.terms.map((t, i) => ({ t, i })).sort((a, b) => (a.t.start < b.t.start ? -1 : 1));
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k]!.t.start <= sorted[k - 1]!.t.end)
        ctx.addIssue({ code: 'custom', path: ['terms', sorted[k]!.i, 'start'], message: `This term overlaps ${sorted[k - 1]!.t.name}.` });
    }
    const ids = new Set<string>();
    s.thresholds.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['thresholds', i, 'id'], message: 'Two rules have this id; give each its own.' });
      ids.add(r.id);
    });
  });
export type LatenessSettings = z.output<typeof latenessSettings>;

// ---- the calendar ---------------------------------------------------------------------------

// Calendar arithmetic is school-time's (the one home of school dates): re-exported for callers.
export { addDays, mondayOf };

export interface Period {
  kind: LatePeriod;
  /** Stable key: the first day, plus the term's name for terms and half-terms. */
  key: string;
  label: string;
  start: string;
  end: string;
}

/**
 * The built-in calendar when the school has not set its own terms: whole months, so it is never
 * out of date. UK (en-GB): Autumn Sep–Dec (second half from 1 Nov), Spring Jan–Mar (from
 * 16 Feb), Summer Apr–Aug (from 1 Jun). US (en-US): semesters split into quarters: Fall
 * Jul–Dec (from 16 Oct), Spring Jan–Jun (from 16 Mar).
 */
export function builtInTerm(date: string, locale: 'en-GB' | 'en-US'): SchoolTerm {
  const y = date.slice(0, 4);
  const m = Number(date.slice(5, 7));
  if (locale === 'en-US') {
    return m >= 7
      ? { name: `Fall ${y}`, start: `${y}-07-01`, end: `${y}-12-31`, halfTermStart: `${y}-10-16` }
      : { name: `Spring ${y}`, start: `${y}-01-01`, end: `${y}-06-30`, halfTermStart: `${y}-03-16` };
  }
  if (m >= 9) return { name: `Autumn ${y}`, start: `${y}-09-01`, end: `${y}-12-31`, halfTermStart: `${y}-11-01` };
  if (m >= 4) return { name: `Summer ${y}`, start: `${y}-04-01`, end: `${y}-08-31`, halfTermStart: `${y}-06-01` };
  return { name: `Spring ${y}`, start: `${y}-01-01`, end: `${y}-03-31`, halfTermStart: `${y}-02-16` };
}

/** The term a date is in: the school's own, else the built-in one. */
export function termOf(date: string, terms: readonly SchoolTerm[], locale: 'en-GB' | 'en-US'): SchoolTerm {
  const own = terms.find((t) => date >= t.start && date <= t.end);
  if (own) return own;
  // A date in a holiday between the school's terms: the built-in term, cut so it never overlaps
  // one of the school's (a late in the holidays is rare, but must still count somewhere).
  const b = builtInTerm(date, locale);
  let start = b.start;
  let end = b.end;
  for (const t of terms) {
    if (t.end < date && t.end >= start) start = addDays(t.end, 1);
    if (t.start > date && t.start <= end) end = addDays(t.start, -1);
  }
  const half = b.halfTermStart && b.halfTermStart > start && b.halfTermStart <= end ? b.halfTermStart : null;
  return { name: b.name, start, end, halfTermStart: half };
}

export function periodOf(kind: LatePeriod, date: string, terms: readonly SchoolTerm[], locale: 'en-GB' | 'en-US'): Period {
  if (kind === 'week') {
    const start = mondayOf(date);
    return { kind, key: start, label: start, start, end: addDays(start, 6) };
  }
  const t = termOf(date, terms, locale);
  if (kind === 'term' || !t.halfTermStart) return { kind, key: `${t.start} ${t.name}`, label: t.name, start: t.start, end: t.end };
  return date < t.halfTermStart
    ? { kind, key: `${t.start} ${t.name} 1`, label: `${t.name} (1)`, start: t.start, end: addDays(t.halfTermStart, -1) }
    : { kind, key: `${t.halfTermStart} ${t.name} 2`, label: `${t.name} (2)`, start: t.halfTermStart, end: t.end };
}

/** Every period of a kind that overlaps [from, to], in order. */
export function periodsOverlapping(kind: LatePeriod, from: string, to: string, terms: readonly SchoolTerm[], locale: 'en-GB' | 'en-US'): Period[] {
  const out: Period[] = [];
  let d = from;
  for (let guard = 0; d <= to && guard < 2000; guard++) {
    const p = periodOf(kind, d, terms, locale);
    out.push(p);
    d = addDays(p.end, 1);
  }
  return out;
}

// ---- words ----------------------------------------------------------------------------------

const ordinalRules = new Map<string, Intl.PluralRules>();
const SUFFIX: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' };

/** 1st, 2nd, 3rd, 11th, 22nd: the same in both locales. */
export function ordinal(n: number, locale: 'en-GB' | 'en-US'): string {
  let r = ordinalRules.get(locale);
  if (!r) ordinalRules.set(locale, (r = new Intl.PluralRules(locale, { type: 'ordinal' })));
  return `${n}${SUFFIX[r.select(n)] ?? 'th'}`;
}

/** The rule's message for this count, in the school's locale. */
export function ruleMessage(rule: Pick<LateRule, 'message'>, count: number, locale: 'en-GB' | 'en-US'): string {
  return rule.message[locale].replace(/\{ordinal\}/g, ordinal(count, locale)).replace(/\{count\}/g, String(count));
}

const PERIOD_WORDS: Record<'en-GB' | 'en-US', Record<LatePeriod, string>> = {
  'en-GB': { week: 'a week', half_term: 'a half-term', term: 'a term' },
  'en-US': { week: 'a week', half_term: 'a quarter', term: 'a semester' },
};

/** "3 lates in a week" (en-GB), "3 tardies in a week" (en-US): how reports name a rule. */
export function ruleLabel(rule: Pick<LateRule, 'count' | 'period'>, locale: 'en-GB' | 'en-US'): string {
  const noun = locale === 'en-US' ? (rule.count === 1 ? 'tardy' : 'tardies') : rule.count === 1 ? 'late' : 'lates';
  return `${rule.count} ${noun} in ${PERIOD_WORDS[locale][rule.period]}`;
}

// ---- the report (CLI `kiosk report`, the admin's "This week") --------------------------------

/** Exactly the shape issue 18 gives for `kiosk report --json`. */
export interface LateReport {
  from: string;
  to: string;
  lates: number;
  byDay: { date: string; lates: number }[];
  byYear: { year: number | null; lates: number }[];
  topReasons: { reason: string; count: number }[];
  /** Over the late sign-ins still held (retention); null when none are. */
  averageMinutesLate: number | null;
  overThreshold: { studentId: string; name: string; rule: string; count: number }[];
}

/** What the admin screen shows beyond the CLI's shape. */
export interface LateReportDetail extends LateReport {
  byForm: { form: string | null; lates: number }[];
}

/** A list of rows as RFC 4180 CSV (CRLF, quotes doubled), with a BOM so Excel reads it as UTF-8. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    // A cell starting with = + - @ would run as a formula in a spreadsheet: prefix a quote.
    const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return '\ufeff' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export const REPORT_TABLES = ['byDay', 'byYear', 'byForm', 'topReasons', 'overThreshold'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

/** One table of the report as CSV rows (the same numbers as the chart). */
export function reportCsv(report: LateReportDetail, table: ReportTable): string {
  switch (table) {
    case 'byDay':
      return toCsv(['date', 'lates'], report.byDay.map((r) => [r.date, r.lates]));
    case 'byYear':
      return toCsv(['year', 'lates'], report.byYear.map((r) => [r.year, r.lates]));
    case 'byForm':
      return toCsv(['form', 'lates'], report.byForm.map((r) => [r.form, r.lates]));
    case 'topReasons':
      return toCsv(['reason', 'count'], report.topReasons.map((r) => [r.reason, r.count]));
    case 'overThreshold':
      return toCsv(['studentId', 'name', 'rule', 'count'], report.overThreshold.map((r) => [r.studentId, r.name, r.rule, r.count]));
  }
}
