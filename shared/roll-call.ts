// Issue 17: the evacuation roll call and who collects a student. The JSON shape is the issue's
// (`kiosk roll-call --json`, the IPC call, the screen); the printed layout (`rollCallLines`) is
// built from the same data with the pass printer's line model, so paper and screen agree.
// Pure: no Node, no DOM.
import { z } from 'zod';
import { cleanText, formatDate, wrap, yearLabel, passLabels, type PassLine } from './pass';
import type { Locale } from './primitives';

/** A student the morning register has wrong: arrived late (or came back) and is on site. */
export const rollCallOnSite = z.object({
  studentId: z.string(),
  name: z.string(),
  year: z.number().nullable(),
  form: z.string().nullable(),
  /** When they signed in (ISO instant). */
  since: z.string(),
});
export type RollCallOnSite = z.infer<typeof rollCallOnSite>;

/** A student who signed out early and has not come back. */
export const rollCallOffSite = rollCallOnSite.extend({
  /** Who collected them ("Jo Smith (Mother)"), or null when nobody was named. */
  collectedBy: z.string().nullable(),
});
export type RollCallOffSite = z.infer<typeof rollCallOffSite>;

export const rollCall = z.object({
  /** When the list was made (ISO instant). */
  at: z.string(),
  onSite: z.array(rollCallOnSite),
  offSite: z.array(rollCallOffSite),
});
export type RollCall = z.infer<typeof rollCall>;

/** A contact as the kiosk may show it: name and relationship, never a phone number or e-mail. */
export const collectorOption = z.object({
  /** The contact's place in the student's list (priority order): what the kiosk sends back. */
  index: z.number().int().min(0),
  name: z.string(),
  relationship: z.string().nullable(),
});
export type CollectorOption = z.infer<typeof collectorOption>;

/** What the student tapped at "Who is collecting you?". */
export const collectorChoice = z.union([
  z.object({ contact: z.number().int().min(0).max(50) }).strict(),
  z.object({ someoneElse: z.string().trim().min(1).max(80) }).strict(),
]);
export type CollectorChoice = z.infer<typeof collectorChoice>;

/** The collector of an event as staff see it (Today, the roll call). */
export const collectorView = z.object({
  name: z.string(),
  relationship: z.string().nullable(),
  kind: z.enum(['contact', 'typed', 'someone_else']),
  approval: z.enum(['not_needed', 'pending', 'approved']),
});
export type CollectorView = z.infer<typeof collectorView>;

/** "Jo Smith (Mother)", or the name alone. */
export function collectorText(c: { name: string; relationship: string | null }): string {
  return c.relationship ? `${c.name} (${c.relationship})` : c.name;
}

/** Year, then form, then surname order: the way a fire marshal reads a list. */
export function groupByYearAndForm<T extends { year: number | null; form: string | null; name: string }>(
  entries: T[],
): { year: number | null; form: string | null; entries: T[] }[] {
  const sorted = [...entries].sort(
    (a, b) =>
      (a.year ?? 99) - (b.year ?? 99) ||
      (a.form ?? '').localeCompare(b.form ?? '', 'en', { numeric: true }) ||
      a.name.localeCompare(b.name, 'en'),
  );
  const groups: { year: number | null; form: string | null; entries: T[] }[] = [];
  for (const e of sorted) {
    const last = groups[groups.length - 1];
    if (last && last.year === e.year && last.form === e.form) last.entries.push(e);
    else groups.push({ year: e.year, form: e.form, entries: [e] });
  }
  return groups;
}

export interface RollCallLabels {
  title: string;
  onSite: string;
  offSite: string;
  none: string;
  collectedBy: string;
  noYear: string;
}

export const rollCallLabels: Record<Locale, RollCallLabels> = {
  'en-GB': {
    title: 'ROLL CALL',
    onSite: 'ON SITE - arrived late',
    offSite: 'OFF SITE - signed out',
    none: 'Nobody.',
    collectedBy: 'by',
    noYear: 'No year',
  },
  'en-US': {
    title: 'ROLL CALL',
    onSite: 'ON CAMPUS - arrived tardy',
    offSite: 'OFF CAMPUS - checked out',
    none: 'Nobody.',
    collectedBy: 'by',
    noYear: 'No grade',
  },
};

/** "Year 9 - 9C" / "Grade 4 - Homeroom 4B"; the year alone, the form alone, or "No year". */
export function groupHeading(year: number | null, form: string | null, locale: Locale): string {
  const words = passLabels[locale];
  const y = yearLabel(year, words);
  const f = form ? `${words.form} ${form}` : null;
  return [y, f].filter(Boolean).join(' - ') || rollCallLabels[locale].noYear;
}

export interface RollCallPrint {
  schoolName: string;
  locale: Locale;
  /** The school's own date and time of `at` ("2026-11-24", "09:07"). */
  localDate: string;
  localTime: string;
  /** The school's local "HH:MM" of an instant. */
  timeOf: (iso: string) => string;
  columns: number;
  printable?: (text: string) => string;
}

/** The roll call as printer lines: title, date and time, then each list grouped by year and form. */
export function rollCallLines(rc: RollCall, p: RollCallPrint): PassLine[] {
  const words = rollCallLabels[p.locale];
  const fit = (s: string) => cleanText(p.printable ? p.printable(cleanText(s)) : s);
  const cols = Math.max(16, p.columns);
  const out: PassLine[] = [];
  const text = (s: string, align: 'left' | 'center' = 'left', bold = false, size: 1 | 2 = 1) => {
    for (const part of wrap(fit(s), Math.floor(cols / size))) out.push({ kind: 'text', text: part, align, bold, size });
  };
  // "09:12  Smith, Ava ....": the time first, so the names line up.
  const row = (time: string, name: string, extra: string | null) => {
    const head = `${time}  `;
    const body = extra ? `${name} - ${extra}` : name;
    wrap(fit(body), cols - head.length).forEach((part, i) => out.push({ kind: 'text', text: (i === 0 ? head : ' '.repeat(head.length)) + part, align: 'left', bold: false, size: 1 }));
  };
  if (p.schoolName.trim()) text(p.schoolName, 'center', true);
  out.push({ kind: 'rule' });
  text(words.title, 'center', true, words.title.length * 2 <= cols ? 2 : 1);
  text(`${formatDate(p.localDate, p.locale)}  ${p.localTime}`, 'center', true);
  out.push({ kind: 'rule' });

  const section = <T extends RollCallOnSite>(title: string, list: T[], extra: (e: T) => string | null) => {
    text(`${title} (${list.length})`, 'left', true);
    if (!list.length) text(words.none);
    for (const g of groupByYearAndForm(list)) {
      text(groupHeading(g.year, g.form, p.locale), 'left', true);
      for (const e of g.entries) row(p.timeOf(e.since), e.name, extra(e));
    }
    out.push({ kind: 'feed' });
  };
  section(words.onSite, rc.onSite, () => null);
  section(words.offSite, rc.offSite, (e) => (e.collectedBy ? `${words.collectedBy} ${e.collectedBy}` : null));
  return out;
}
