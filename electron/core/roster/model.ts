// The one validated shape every roster source lands in (CSV with a saved mapping, a OneRoster
// bundle, the MIS through its connector), and the typed errors an admin sees.
import { z } from 'zod';
import { student, type Student, type StudentInput } from '../../../shared/model';
import { cutText } from '../../../shared/text';

/**
 * A parent/carer (or the student's own) phone and e-mail: the only thing a summer pause still updates.
 * Issue 17: who may collect the student. `parentalResponsibility` and `priority` come from the MIS
 * (Wonde contacts, CSV columns) where it has them, else null. The kiosk shows `name` and
 * `relationship` only, never `phone` or `email`; the message outbox (issue 17, part 3) reads
 * `email` and `priority`.
 */
export const contact = z.object({
  name: z.string().trim().max(120).nullable().default(null),
  relationship: z.string().trim().max(40).nullable().default(null),
  phone: z.string().trim().max(40).nullable().default(null),
  email: z.string().trim().max(254).nullable().default(null),
  // ---- issue 17: collectors ----
  parentalResponsibility: z.boolean().nullable().default(null),
  /** 1 = the first to call. null: the source gives no order. */
  priority: z.number().int().min(0).max(99).nullable().default(null),
});
export type Contact = z.output<typeof contact>;

// A roster import validates every row it reads: 50,000 students with their contacts went through
// zod's safeParse in ~0.6 s of the import thread's CPU (issue 16's bench), the thread that also
// reads the MIS's pages. checkStudent and checkContact take the row every school sends by the
// thousand (plain strings within their limits) by a plain check of the same rules, and hand any
// other row to the schema itself, so that what is accepted, what it becomes and every error
// message are the schema's (tests/unit/roster-rows.test.ts holds the two side by side on random
// rows). A rule changed in a schema must be changed here too: that test fails until it is.

/** A string (or null / absent → null) of at most `max` characters, or undefined: not the plain case. */
function plainText(v: unknown, max: number, trim: boolean): string | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return undefined;
  const t = trim ? v.trim() : v;
  return t.length <= max ? t : undefined;
}

/** `student.safeParse`, with the plain row checked without zod (see above). */
export function checkStudent(input: StudentInput): z.ZodSafeParseResult<Student> {
  const fast = plainStudent(input);
  return fast ? { success: true, data: fast } : student.safeParse(input);
}

function plainStudent(s: StudentInput): Student | null {
  if (typeof s.id !== 'string' || s.id.length < 1 || s.id.length > 64) return null;
  if (typeof s.forename !== 'string' || typeof s.surname !== 'string') return null;
  const forename = s.forename.trim();
  const surname = s.surname.trim();
  if (forename.length < 1 || forename.length > 80 || surname.length < 1 || surname.length > 80) return null;
  const y = s.year;
  if (!(y === null || y === undefined || (Number.isInteger(y) && (y as number) >= -2 && (y as number) <= 14))) return null;
  const misId = plainText(s.misId, 64, false);
  const form = plainText(s.form, 40, false);
  const groupId = plainText(s.groupId, 64, false);
  const badge = plainText(s.badge, 128, false);
  const photo = plainText(s.photo, 2_000_000, false);
  if (misId === undefined || form === undefined || groupId === undefined || badge === undefined || photo === undefined) return null;
  if (!(s.active === undefined || typeof s.active === 'boolean')) return null;
  return { id: s.id, misId, forename, surname, year: (y ?? null) as number | null, form, groupId, badge, photo, active: s.active ?? true };
}

/** `contact.safeParse`, with the plain contact checked without zod (see above). */
export function checkContact(input: z.input<typeof contact>): z.ZodSafeParseResult<Contact> {
  const fast = plainContact(input);
  return fast ? { success: true, data: fast } : contact.safeParse(input);
}

function plainContact(c: z.input<typeof contact>): Contact | null {
  const name = plainText(c.name, 120, true);
  const relationship = plainText(c.relationship, 40, true);
  const phone = plainText(c.phone, 40, true);
  const email = plainText(c.email, 254, true);
  if (name === undefined || relationship === undefined || phone === undefined || email === undefined) return null;
  const pr = c.parentalResponsibility;
  if (!(pr === null || pr === undefined || typeof pr === 'boolean')) return null;
  const p = c.priority;
  if (!(p === null || p === undefined || (Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 99))) return null;
  return { name, relationship, phone, email, parentalResponsibility: pr ?? null, priority: (p ?? null) as number | null };
}

/** One student as a source gave it, already validated. */
export interface RosterRecord {
  /** Where the admin finds it: CSV line number, or position in the MIS list (1-based). */
  line: number;
  student: Student;
  /** The group the source names ("Sixth Form", "6th-form"), matched against the site's groups at import. */
  groupName: string | null;
  /** Other groups the MIS lists (houses, year groups…): the first that is a site group is used, silently. */
  groupHints?: string[];
  /** false: this source carries no badge codes: keep the badge the kiosk has. */
  badgeGiven: boolean;
  /** false: this source has no photo column (or the school withholds photos): keep what the kiosk has. */
  photoGiven: boolean;
  /** undefined: the source carries no contact details: keep what the kiosk has. */
  contacts?: Contact[];
}

export type IssueSeverity = 'error' | 'warning';

/** A row that was skipped (error) or imported with a caveat (warning), with the reason in plain words. */
export interface RosterIssue {
  line: number;
  severity: IssueSeverity;
  message: string;
  studentId?: string;
}

/** What a source hands over: the good records and the bad rows, side by side. */
export interface SourceResult {
  records: RosterRecord[];
  issues: RosterIssue[];
  /** Human label for the admin screen: "Wonde (SIMS)", "roster.csv", "OneRoster bundle /media/usb". */
  label: string;
}

export type ImportPhase = 'reading' | 'checking' | 'writing' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  /** Records (or pages, for a paginated MIS) handled so far in this phase. */
  done: number;
  /** null when the source cannot say in advance. */
  total: number | null;
  message: string;
}

export type ProgressListener = (p: ImportProgress) => void;

export interface SourceContext {
  progress: ProgressListener;
  signal?: AbortSignal;
  /**
   * A source that reads in pages (Wonde, a connector's roster pages) hands each page's records
   * here as soon as they are converted, while the next page is on its way: the import writes the
   * students it already can (issue 16). It must not change the records; the source still returns
   * them all at the end. If it throws, the read stops with that error. `nextPage` settles when the
   * next page is in (the import writes only until then, so that the reading never waits for the
   * writing); null after the last page; absent if the source cannot say (the import then writes
   * all it can of this page before the source reads on).
   */
  onPage?: (records: RosterRecord[], nextPage?: Promise<unknown> | null) => Promise<void>;
}

/** Anything the roster can be read from. `kind` is stored with each student as its source. */
export interface RosterSource {
  kind: 'wonde' | 'csv' | 'oneroster' | (string & {});
  read(ctx: SourceContext): Promise<SourceResult>;
}

export type RosterErrorKind =
  | 'busy'
  | 'source_unreadable'
  | 'source_failed'
  | 'empty_roster'
  | 'too_many_leavers'
  | 'mapping_invalid'
  | 'no_source'
  | 'no_pending_rollover';

/** An import that did not happen, with a message an admin can act on. The roster is left as it was. */
export class RosterError extends Error {
  constructor(
    readonly kind: RosterErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'RosterError';
  }
}

/** zod issues → "surname: Too small…" for one row. */
export function describeRowIssues(error: z.ZodError): string {
  return error.issues.map((x) => `${x.path.join('.') || 'row'}: ${x.message}`).join('; ');
}

/** The student text fields a source may send too long, and the longest the kiosk keeps. */
export const STUDENT_TEXT_LIMITS = { forename: 80, surname: 80, form: 40 } as const;

/**
 * Cut over-long names and forms (a field that is merely long is no reason to drop a student),
 * noting each cut as a warning on the row's line.
 */
export function fitStudentText<T extends { forename?: string | null; surname?: string | null; form?: string | null }>(
  fields: T,
  line: number,
  issues: RosterIssue[],
  studentId?: string,
): T {
  const out = { ...fields };
  for (const key of Object.keys(STUDENT_TEXT_LIMITS) as (keyof typeof STUDENT_TEXT_LIMITS)[]) {
    const v = out[key];
    if (typeof v !== 'string') continue;
    const t = v.trim();
    const max = STUDENT_TEXT_LIMITS[key];
    if (t.length > max) {
      (out as Record<string, unknown>)[key] = cutText(t, max);
      issues.push({ line, severity: 'warning', studentId, message: `The ${FIELD_WORDS[key]} is longer than ${max} characters; it was shortened.` });
    }
  }
  return out;
}

const FIELD_WORDS: Record<keyof typeof STUDENT_TEXT_LIMITS, string> = { forename: 'first name', surname: 'surname', form: 'form' };

/** Contact text cut to the contact's limits on character boundaries (a long name still reaches reception). */
export function fitContactText<T extends { name: string | null; relationship: string | null; phone: string | null; email: string | null }>(c: T): T {
  return {
    ...c,
    name: c.name === null ? null : cutText(c.name.trim(), 120),
    relationship: c.relationship === null ? null : cutText(c.relationship.trim(), 40),
    // A phone number or e-mail address cut short is a wrong one: those are dropped, not cut.
    phone: c.phone,
    email: c.email,
  };
}

/** "yes", "Y", "true", 1 → true; "no", "N", "false", 0 → false; anything else (blank) → null. */
export function readFlag(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  if (typeof v !== 'string') return null;
  const t = v.trim().toLowerCase();
  if (['1', 'y', 'yes', 'true', 't'].includes(t)) return true;
  if (['0', 'n', 'no', 'false', 'f'].includes(t)) return false;
  return null;
}

/** A contact priority as a whole number 0–99 ("1", 1, " 2 "); anything else → null. */
export function readPriority(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 99 ? n : null;
}

/** Contacts in the order the school wants them called: priority first (1, 2…), then as given (a new array). */
export function byPriority<C extends { priority: number | null }>(contacts: C[]): C[] {
  // Most students have one contact: no sort to make.
  if (contacts.length < 2) return contacts.slice();
  return contacts
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.priority ?? 1000) - (b.c.priority ?? 1000) || a.i - b.i)
    .map((x) => x.c);
}

const storedJson = new WeakMap<readonly Contact[], string>();
/**
 * A student's contacts as the kiosk stores them (student_contacts.json), made once per array: a
 * source makes it as it reads (the Wonde import's thread waits for the next page then), and the
 * plan (is it changed?) and the writer use it after (issue 16: 45,000 new students' contacts
 * cost the write ~0.13 s of JSON, after the last page).
 */
export function contactsJson(contacts: readonly Contact[]): string {
  let json = storedJson.get(contacts);
  if (json === undefined) storedJson.set(contacts, (json = JSON.stringify(contacts)));
  return json;
}
