// Roster CSV import for the CLI and first run: one row per student. Bad rows are reported with
// their line and reason and never stop the good ones. (Column mapping, OneRoster bundles and the
// nightly schedule build on this in roster/.)
import { parse } from 'csv-parse/sync';
import { student, type Student } from '../../../shared/model';

export interface RowError {
  line: number;
  message: string;
}

export interface ParsedRoster {
  students: Student[];
  errors: RowError[];
}

// Header names a school's export may use for each field.
const ALIASES: Record<string, string[]> = {
  id: ['id', 'student_id', 'studentid', 'sourcedid', 'pupil_id'],
  misId: ['mis_id', 'misid', 'sis_id', 'upn', 'student_number'],
  forename: ['forename', 'first_name', 'firstname', 'givenname', 'given_name', 'legal_forename'],
  surname: ['surname', 'last_name', 'lastname', 'familyname', 'family_name', 'legal_surname'],
  year: ['year', 'year_group', 'grade', 'grade_level'],
  form: ['form', 'reg_group', 'registration_group', 'homeroom', 'tutor_group'],
  groupId: ['group', 'group_id', 'site_group'],
  badge: ['badge', 'badge_code', 'card', 'barcode'],
  photo: ['photo', 'photo_url'],
};

function columnFor(headers: string[], field: string): string | undefined {
  const norm = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return headers.find((h) => ALIASES[field]!.includes(norm(h)));
}

/** "Year 9", "9", "Grade 10", "K" → a number; anything else → NaN (reported). */
export function parseYear(v: string | undefined): number | null {
  const t = (v ?? '').trim();
  if (t === '') return null;
  if (/^(k|kg|kindergarten|r|reception)$/i.test(t)) return 0;
  const m = /^(?:year|yr|y|grade|gr)?\s*(-?\d{1,2})$/i.exec(t);
  return m ? Number(m[1]) : Number.NaN;
}

export function parseRosterCsv(text: string): ParsedRoster {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true, trim: true });
  } catch (e) {
    return { students: [], errors: [{ line: 0, message: `The file is not readable as CSV: ${(e as Error).message}` }] };
  }
  const headers = records.length ? Object.keys(records[0]!) : [];
  const col = Object.fromEntries(Object.keys(ALIASES).map((f) => [f, columnFor(headers, f)]));
  const errors: RowError[] = [];
  if (records.length && (!col.forename || !col.surname)) {
    return { students: [], errors: [{ line: 1, message: 'The header needs forename and surname columns (e.g. forename,surname,year,badge).' }] };
  }
  const students: Student[] = [];
  const seenBadges = new Map<string, number>();
  records.forEach((r, i) => {
    const line = i + 2; // header is line 1
    const get = (f: string) => (col[f] ? r[col[f]!] : undefined);
    const year = parseYear(get('year'));
    if (Number.isNaN(year)) {
      errors.push({ line, message: `"${get('year')}" is not a year or grade.` });
      return;
    }
    const id = get('id') || get('misId') || (get('badge') ? `badge-${get('badge')}` : '');
    const parsed = student.safeParse({
      id,
      misId: get('misId') || null,
      forename: get('forename') ?? '',
      surname: get('surname') ?? '',
      year,
      form: get('form') || null,
      groupId: get('groupId') || null,
      badge: get('badge') || null,
      photo: get('photo') || null,
    });
    if (!parsed.success) {
      errors.push({ line, message: parsed.error.issues.map((x) => `${x.path.join('.') || 'row'}: ${x.message}`).join('; ') });
      return;
    }
    const badge = parsed.data.badge;
    if (badge && seenBadges.has(badge)) {
      errors.push({ line, message: `Badge ${badge} is already used on line ${seenBadges.get(badge)}.` });
      return;
    }
    if (badge) seenBadges.set(badge, line);
    students.push(parsed.data);
  });
  return { students, errors };
}
