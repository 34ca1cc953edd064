// Roster CSV import: one row per student, columns mapped by the admin (a saved mapping) or
// guessed from common header names. Bad rows are reported with their line and reason and never
// stop the good ones; a file-level problem (not CSV, a mapped column missing) is a RosterError.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Student } from '../../../shared/model';
import { byPriority, checkContact, checkStudent, describeRowIssues, fitContactText, fitStudentText, readFlag, readPriority, RosterError, type Contact, type RosterIssue, type RosterRecord } from './model';

export interface RowError {
  line: number;
  message: string;
}

export interface ParsedRoster {
  students: Student[];
  errors: RowError[];
}

export const rosterFields = [
  'id',
  'misId',
  'forename',
  'surname',
  'year',
  'form',
  'group',
  'badge',
  'photo',
  'contactName',
  'contactRelationship',
  'contactPhone',
  'contactEmail',
] as const;
export type RosterField = (typeof rosterFields)[number];

/** Which header of the school's export feeds each field. Saved by name so the nightly import reuses it. */
export const columnMapping = z
  .object(Object.fromEntries(rosterFields.map((f) => [f, z.string().trim().min(1).max(100).optional()])) as Record<
    RosterField,
    z.ZodOptional<z.ZodString>
  >)
  .refine((m) => m.forename && m.surname, 'Map a column to forename and to surname.');
export type ColumnMapping = Partial<Record<RosterField, string>>;

// Header names a school's export may use for each field: the starting point the admin corrects.
const ALIASES: Record<RosterField, string[]> = {
  id: ['id', 'student_id', 'studentid', 'sourcedid', 'pupil_id'],
  misId: ['mis_id', 'misid', 'sis_id', 'upn', 'student_number', 'admission_number', 'adno'],
  forename: ['forename', 'first_name', 'firstname', 'givenname', 'given_name', 'legal_forename', 'preferred_forename'],
  surname: ['surname', 'last_name', 'lastname', 'familyname', 'family_name', 'legal_surname'],
  year: ['year', 'year_group', 'grade', 'grade_level', 'nc_year'],
  form: ['form', 'reg_group', 'registration_group', 'homeroom', 'tutor_group'],
  group: ['group', 'group_id', 'site_group'],
  badge: ['badge', 'badge_code', 'card', 'barcode', 'card_number'],
  photo: ['photo', 'photo_url'],
  contactName: ['contact_name', 'parent_name', 'carer_name'],
  contactRelationship: ['contact_relationship', 'relationship'],
  contactPhone: ['contact_phone', 'parent_phone', 'carer_phone', 'phone'],
  contactEmail: ['contact_email', 'parent_email', 'carer_email', 'email'],
};

const normHeader = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** A first guess at the mapping from the file's header row; the admin screen shows it for correction. */
export function suggestMapping(headers: string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const field of rosterFields) {
    const h = headers.find((x) => ALIASES[field].includes(normHeader(x)));
    if (h !== undefined) mapping[field] = h;
  }
  return mapping;
}

/**
 * A year or grade as schools write it → the year number the app uses (UK national curriculum
 * year; US grade with K = 0). Early years, as Wonde schools' MIS codes them ("Year R",
 * "Reception", "Girls Reception", "R", "FS2"; "Nursery", "N2", "Year N2", "FS1"; "N1"):
 * Reception = 0 (beside Kindergarten), the nursery year before it (N2, "Nursery") = -1, the one
 * before that (N1) = -2, matching OneRoster's PK = -1 and PR/IT = -2. Anything else, or a number
 * outside -2…14 (such as "40"), is NaN: the caller keeps the student with no year and reports it.
 */
export function parseYear(v: string | undefined): number | null {
  const t = (v ?? '').trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (t === '') return null;
  const bare = t.replace(/^(?:nc )?(?:year|yr|y|grade|gr)\s*/, '');
  if (/^(k|kg|kindergarten|r|rec|fs2|f2)$/.test(bare) || /\breception\b/.test(t)) return 0;
  if (/^(n1|fs1 n1|nursery 1)$/.test(bare)) return -2;
  if (/^(n2|fs1|f1|n|nursery 2|pre ?k|pk)$/.test(bare) || /\bnursery\b/.test(t)) return -1;
  const m = /^(-?\d{1,2})$/.exec(bare);
  const n = m ? Number(m[1]) : Number.NaN;
  return n >= -2 && n <= 14 ? n : Number.NaN;
}

/**
 * The text of a school's export file, in the encodings spreadsheets save: UTF-8 (with or without
 * Excel's byte-order mark), UTF-16 with its byte-order mark (Excel's "Unicode Text", tab-separated),
 * else Windows-1252 (Excel's "CSV" on a Western European Windows), so "Émilie" never arrives as
 * "�milie".
 */
export function decodeExport(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** The separators a school's export uses: Excel writes ";" where the decimal mark is a comma. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;

/**
 * Which separator this file uses: the one that splits the header row into the most columns
 * (csv-parse reads the first line with each, so quoted headers are handled as in the file).
 */
export function detectDelimiter(text: string): string {
  let best: { d: string; n: number } = { d: ',', n: 0 };
  for (const d of CSV_DELIMITERS) {
    try {
      const [head] = parse(text, { bom: true, delimiter: d, to_line: 1, relax_column_count: true, relax_quotes: true }) as string[][];
      if (head && head.length > best.n) best = { d, n: head.length };
    } catch {
      // Not this separator; try the next.
    }
  }
  return best.d;
}

/**
 * Rows of a CSV text with the line of the file each row starts on (as a text editor shows it; a
 * spreadsheet counts a row with a cell over two lines as one). The separator
 * (`,` `;` tab) is detected, Excel's byte-order mark dropped (csv-parse's `bom`), and line ends of
 * every kind read, mixed in one file too (oneKindOfLineEnd). Throws RosterError when it is not CSV.
 */
export function readCsvRows(raw: string, what = 'The file'): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const text = oneKindOfLineEnd(raw);
  const options = { bom: true, delimiter: detectDelimiter(text), skip_empty_lines: true, relax_column_count: true, trim: true };
  try {
    // Without a quote, every record is one line of the file: where there are as many records as
    // lines (none was skipped as empty), record k is on line k + 1, and csv-parse need not tell
    // each record's line (its `info`, an object per record: 0.63-0.70 s of 50,000 rows against
    // 0.35-0.47 s without, on the import's thread, and garbage its collector then clears; issue 16's
    // bench, 50,000 rows, medians of 6: the CSV import 2.97 -> 2.50 s, its thread's CPU 2.42 -> 2.07 s).
    const lines = text.includes('"') ? null : lineCount(text);
    if (lines !== null) {
      const records = parse(text, options) as string[][];
      if (records.length === lines) {
        const [head, ...rest] = records;
        return { header: head ?? [], rows: rest.map((cells, i) => ({ line: i + 2, cells })) };
      }
    }
    const parsed = parse(text, { ...options, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    const [head, ...rest] = parsed;
    // info.lines is the line a record ends on; a quoted field may span lines, so count back.
    const rows = rest.map((r) => {
      let inner = 0;
      for (const c of r.record) for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) inner++;
      return { line: r.info.lines - inner, cells: r.record };
    });
    return { header: head?.record ?? [], rows };
  } catch (e) {
    throw new RosterError('source_unreadable', `${what} is not readable as CSV: ${(e as Error).message}`);
  }
}

/**
 * The text with every line end LF, except a file without quotes whose lines all end alike in LF or
 * CRLF (Excel's), which is read as it is, without a copy. csv-parse takes the first line end it
 * meets for every record's end: in a file edited in two programs, `id,forename\r\ns1,Ava\ns2,Noah\n`,
 * the LF lines were one record, so s2 ran into s1's row and was neither imported nor reported, and
 * the rows' lines were off; and it counted a CRLF inside a quoted cell as two lines, putting every
 * later row a line too far. A text editor ends a line at each CRLF, LF or CR; so does the import
 * now. A line break inside a quoted cell is stored as LF (such a cell read before, as CRLF, shows
 * as changed once).
 */
function oneKindOfLineEnd(text: string): string {
  const firstCr = text.indexOf('\r');
  if (firstCr < 0) return text;
  const asLf = () => text.replace(/\r\n?/g, '\n');
  if (text.includes('"')) return asLf();
  let cr = 0;
  for (let i = firstCr; i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return asLf();
    cr++;
  }
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lf++;
  return cr === lf ? text : asLf();
}

/** Lines of a text whose lines all end alike (oneKindOfLineEnd), as a text editor counts them. */
function lineCount(text: string): number {
  if (text === '' || text === '\ufeff') return 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lf++;
  // A last line end closes the last line; it opens none.
  return text.endsWith('\n') ? lf : lf + 1;
}

/** Parse with a saved (or suggested) mapping. Every row either becomes a record or an issue. */
export function parseMappedCsv(text: string, mapping?: ColumnMapping): { records: RosterRecord[]; issues: RosterIssue[]; mapping: ColumnMapping } {
  const { header, rows } = readCsvRows(text);
  const map = mapping ?? suggestMapping(header);
  if (!map.forename || !map.surname) {
    throw new RosterError('mapping_invalid', 'The header needs forename and surname columns (e.g. forename,surname,year,badge), or a saved column mapping.');
  }
  const index: Partial<Record<RosterField, number>> = {};
  const missing: string[] = [];
  for (const field of rosterFields) {
    const h = map[field];
    if (h === undefined) continue;
    // Exact header first; "Year Group" saved against a file headed "year_group" still matches.
    let i = header.indexOf(h);
    if (i < 0) i = header.findIndex((x) => normHeader(x) === normHeader(h));
    if (i < 0) missing.push(`"${h}" (for ${field})`);
    else index[field] = i;
  }
  if (missing.length) {
    throw new RosterError('mapping_invalid', `The file has no column ${missing.join(', ')}. Check the column mapping against the file's first line.`);
  }
  const numbered = numberedContactColumns(header);
  const hasContacts = index.contactName !== undefined || index.contactPhone !== undefined || index.contactEmail !== undefined || numbered.length > 0;
  // A badge column that is empty in every row carries no badges (they are handed out at the kiosk):
  // like a OneRoster file without badge entries, it never wipes a badge the kiosk holds, and its
  // rows are not refused for having none.
  const badgesInFile = index.badge !== undefined && rows.some(({ cells }) => (cells[index.badge!] ?? '') !== '');
  const records: RosterRecord[] = [];
  const issues: RosterIssue[] = [];
  for (const { line, cells } of rows) {
    const get = (f: RosterField): string => (index[f] !== undefined ? (cells[index[f]!] ?? '') : '');
    // The student is known by the school's id: a row without one is refused, never given an
    // invented id (it would clash with the real student when the id arrives).
    const id = get('id') || get('misId');
    if (!id) {
      issues.push({ line, severity: 'error', message: 'This row has no student id (nor MIS id), so the student cannot be told apart from others. Add the id in the school’s export.' });
      continue;
    }
    let year = parseYear(get('year'));
    if (Number.isNaN(year)) {
      // One odd field never drops a student (who would then become a leaver): keep them, yearless.
      issues.push({ line, severity: 'warning', studentId: id, message: `"${get('year')}" is not a year or grade this kiosk can read; ${id} was imported without a year.` });
      year = null;
    }
    const text = fitStudentText({ forename: get('forename'), surname: get('surname'), form: get('form') || null }, line, issues, id);
    const parsed = checkStudent({
      id,
      misId: get('misId') || null,
      forename: text.forename,
      surname: text.surname,
      year,
      form: text.form,
      groupId: null,
      badge: get('badge') || null,
      photo: get('photo') || null,
    });
    if (!parsed.success) {
      issues.push({ line, severity: 'error', message: describeRowIssues(parsed.error), studentId: id });
      continue;
    }
    let contacts: Contact[] | undefined;
    if (hasContacts) {
      const c = checkContact(
        fitContactText({
          name: get('contactName') || null,
          relationship: get('contactRelationship') || null,
          phone: get('contactPhone') || null,
          email: get('contactEmail') || null,
        }),
      );
      if (!c.success) issues.push({ line, severity: 'warning', message: `Contact details not kept: ${describeRowIssues(c.error)}`, studentId: id });
      contacts = c.success && (c.data.name || c.data.phone || c.data.email) ? [c.data] : [];
      // Issue 17: contact1_name, contact1_relationship… (see numberedContactColumns).
      for (const n of numbered) {
        const cell = (i: number | undefined) => (i === undefined ? '' : (cells[i] ?? '').trim());
        const nc = checkContact(
          fitContactText({
            name: cell(n.name) || null,
            relationship: cell(n.relationship) || null,
            phone: cell(n.phone) || null,
            email: cell(n.email) || null,
            parentalResponsibility: readFlag(cell(n.parental_responsibility)),
            priority: readPriority(cell(n.priority)),
          }),
        );
        if (!nc.success) issues.push({ line, severity: 'warning', message: `Contact ${n.n} not kept: ${describeRowIssues(nc.error)}`, studentId: id });
        else if (nc.data.name || nc.data.phone || nc.data.email) contacts.push(nc.data);
      }
      if (numbered.length) contacts = byPriority(contacts);
    }
    records.push({
      line,
      student: parsed.data,
      groupName: get('group') || null,
      photoGiven: index.photo !== undefined,
      badgeGiven: badgesInFile,
      contacts,
    });
  }
  return { records, issues, mapping: map };
}

/**
 * The demo roster's seed (and first-run tries): guessed columns, the group column taken as a site
 * group id, and a row whose badge repeats an earlier row's is left out. Real rosters go through
 * RosterService.importNow (CLI, admin screen and schedule alike).
 */
export function parseRosterCsv(text: string): ParsedRoster {
  let result: ReturnType<typeof parseMappedCsv>;
  try {
    result = parseMappedCsv(text);
  } catch (e) {
    if (!(e instanceof RosterError)) throw e;
    const { rows } = safeRows(text);
    if (e.kind === 'mapping_invalid' && rows === 0) return { students: [], errors: [] };
    return { students: [], errors: [{ line: e.kind === 'mapping_invalid' ? 1 : 0, message: e.message }] };
  }
  const errors: RowError[] = result.issues.filter((i) => i.severity === 'error').map(({ line, message }) => ({ line, message }));
  const students: Student[] = [];
  const seenBadges = new Map<string, number>();
  for (const r of result.records) {
    const s = { ...r.student, groupId: r.groupName };
    if (s.badge && seenBadges.has(s.badge)) {
      errors.push({ line: r.line, message: `Badge ${s.badge} is already used on line ${seenBadges.get(s.badge)}.` });
      continue;
    }
    if (s.badge) seenBadges.set(s.badge, r.line);
    students.push(s);
  }
  errors.sort((a, b) => a.line - b.line);
  return { students, errors };
}

function safeRows(text: string): { rows: number } {
  try {
    return { rows: readCsvRows(text).rows.length };
  } catch {
    return { rows: 0 };
  }
}

// ---- issue 17: several contacts per row -------------------------------------------------------

const CONTACT_PARTS = ['name', 'relationship', 'phone', 'email', 'parental_responsibility', 'priority'] as const;
type ContactPart = (typeof CONTACT_PARTS)[number];

/**
 * Columns contact1_name, contact1_relationship, contact1_phone, contact1_email,
 * contact1_parental_responsibility (yes/no, y/n, true/false, 1/0), contact1_priority (1 = call
 * first), then contact2_…, up to contact9_. Read by header name (spaces and hyphens count as
 * underscores, any case), beside the one mapped contact column set.
 */
export function numberedContactColumns(header: string[]): ({ n: number } & Partial<Record<ContactPart, number>>)[] {
  const byN = new Map<number, { n: number } & Partial<Record<ContactPart, number>>>();
  header.forEach((h, i) => {
    const m = /^contact_?([1-9])_(.+)$/.exec(normHeader(h));
    if (!m) return;
    const part = m[2] as ContactPart;
    if (!CONTACT_PARTS.includes(part)) return;
    const n = Number(m[1]);
    const entry = byN.get(n) ?? { n };
    entry[part] = i;
    byN.set(n, entry);
  });
  return [...byN.values()].sort((a, b) => a.n - b.n);
}
