// OneRoster 1.1 CSV bundle → roster records. users.csv gives the students (role=student) and their
// parents/guardians (linked by agentSourcedIds, written on either row), orgs.csv names the school, enrollments.csv with
// classes.csv gives the homeroom (our "form"). A delta bundle is refused: it lists only changes,
// and reading it as a full roster would make every student a leaver.
import fs from 'node:fs';
import path from 'node:path';
import { decodeExport, readCsvRows } from './csv';
import { checkContact, checkStudent, describeRowIssues, fitContactText, fitStudentText, RosterError, type Contact, type RosterIssue, type RosterRecord } from './model';

export interface OneRosterFiles {
  users: string;
  orgs?: string;
  enrollments?: string;
  classes?: string;
  manifest?: string;
}

export interface OneRosterOptions {
  /** Only students of this org; null: everyone in the bundle. */
  schoolSourcedId?: string | null;
}

/** CEDS grade levels as OneRoster writes them → our year number (K = 0). */
export function gradeToYear(grade: string): number | null | typeof Number.NaN {
  const g = grade.trim().toUpperCase();
  if (g === '') return null;
  const named: Record<string, number> = { IT: -2, PR: -2, PK: -1, TK: 0, KG: 0 };
  if (g in named) return named[g]!;
  if (/^\d{1,2}$/.test(g) && Number(g) <= 14) return Number(g);
  return Number.NaN;
}

/** "{badge:100123,ldap:abc}" or "badge:100123" → the badge-like id, if any. */
export function badgeFromUserIds(userIds: string): string | null {
  const parts = userIds.replace(/^\{|\}$/g, '').split(/,(?![^{]*\})/);
  for (const p of parts) {
    const m = /^\s*(badge|card|barcode|rfid|badge_code)\s*:\s*(.+?)\s*$/i.exec(p);
    if (m) return m[2]!;
  }
  return null;
}

interface Table {
  file: string;
  rows: { line: number; get: (col: string) => string }[];
  has: (col: string) => boolean;
}

function table(text: string, file: string, required: string[]): Table {
  const { header, rows } = readCsvRows(text, file);
  const idx = new Map(header.map((h, i) => [h.trim(), i]));
  const missing = required.filter((c) => !idx.has(c));
  if (missing.length) throw new RosterError('source_unreadable', `${file} has no column ${missing.join(', ')} (is it a OneRoster 1.1 file?).`);
  return {
    file,
    has: (c) => idx.has(c),
    rows: rows.map(({ line, cells }) => ({ line, get: (c: string) => (idx.has(c) ? (cells[idx.get(c)!] ?? '').trim() : '') })),
  };
}

const splitIds = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

export function parseOneRoster(files: OneRosterFiles, options: OneRosterOptions = {}): { records: RosterRecord[]; issues: RosterIssue[]; schoolName: string | null } {
  if (files.manifest) {
    const m = table(files.manifest, 'manifest.csv', ['propertyName', 'value']);
    const users = m.rows.find((r) => r.get('propertyName') === 'file.users');
    if (users && users.get('value').toLowerCase() === 'delta') {
      throw new RosterError('source_unreadable', 'This OneRoster bundle is a delta (changes only). Export a bulk bundle: the kiosk needs the whole roster to know who has left.');
    }
  }
  const users = table(files.users, 'users.csv', ['sourcedId', 'role', 'givenName', 'familyName']);
  const issues: RosterIssue[] = [];

  let schoolName: string | null = null;
  const school = options.schoolSourcedId ?? null;
  if (files.orgs) {
    const orgs = table(files.orgs, 'orgs.csv', ['sourcedId', 'name']);
    if (school) {
      const org = orgs.rows.find((r) => r.get('sourcedId') === school);
      if (!org) throw new RosterError('source_unreadable', `orgs.csv has no school with sourcedId ${school}. Check the school chosen for this kiosk.`);
      schoolName = org.get('name');
    } else if (orgs.rows.length === 1 || orgs.rows.filter((r) => r.get('type') === 'school').length === 1) {
      schoolName = (orgs.rows.find((r) => r.get('type') === 'school') ?? orgs.rows[0])!.get('name');
    }
  }

  // Homeroom (form) per student: enrollments (role=student) in a class whose classType is homeroom.
  const formOf = new Map<string, string>();
  if (files.classes && files.enrollments) {
    const classes = table(files.classes, 'classes.csv', ['sourcedId', 'title']);
    const homerooms = new Map(
      classes.rows.filter((r) => r.get('classType').toLowerCase() === 'homeroom' && r.get('status') !== 'tobedeleted').map((r) => [r.get('sourcedId'), r.get('title')]),
    );
    const enrollments = table(files.enrollments, 'enrollments.csv', ['classSourcedId', 'userSourcedId', 'role']);
    for (const e of enrollments.rows) {
      if (e.get('role') !== 'student' || e.get('status') === 'tobedeleted') continue;
      const title = homerooms.get(e.get('classSourcedId'));
      if (title && !formOf.has(e.get('userSourcedId'))) formOf.set(e.get('userSourcedId'), title);
    }
  }

  // Parents and guardians become contacts. The link may be written on either side: the student's
  // agentSourcedIds naming the parent, or the parent's naming the child (OneRoster 1.1 lets both
  // rows carry agentSourcedIds, and SIS exports differ in which one they fill).
  const agents = new Map<string, Contact>();
  const agentsOf = new Map<string, string[]>();
  const link = (studentId: string, agentId: string) => {
    const list = agentsOf.get(studentId) ?? [];
    if (!list.includes(agentId)) list.push(agentId);
    agentsOf.set(studentId, list);
  };
  for (const r of users.rows) {
    const role = r.get('role').toLowerCase();
    if (!['parent', 'guardian', 'relative'].includes(role) || r.get('status') === 'tobedeleted') continue;
    const c = checkContact(
      fitContactText({
        name: `${r.get('givenName')} ${r.get('familyName')}`.trim() || null,
        relationship: role,
        phone: r.get('phone') || r.get('sms') || null,
        email: r.get('email') || null,
      }),
    );
    if (!c.success) continue;
    agents.set(r.get('sourcedId'), c.data);
    for (const child of splitIds(r.get('agentSourcedIds'))) link(child, r.get('sourcedId'));
  }
  for (const r of users.rows) {
    if (r.get('role').toLowerCase() !== 'student') continue;
    for (const a of splitIds(r.get('agentSourcedIds'))) if (agents.has(a)) link(r.get('sourcedId'), a);
  }
  const hasAgents = users.has('agentSourcedIds') && agents.size > 0;

  // userIds is a column of every OneRoster 1.1 users.csv, usually holding other systems' ids. Only
  // a file where some student's userIds names a badge ({badge:…}) is a source of badges; from any
  // other, the badges the kiosk holds (handed out at the desk) are kept.
  const badgesInFile = users.rows.some((r) => r.get('role').toLowerCase() === 'student' && badgeFromUserIds(r.get('userIds')) !== null);

  const records: RosterRecord[] = [];
  for (const r of users.rows) {
    if (r.get('role').toLowerCase() !== 'student') continue;
    const id = r.get('sourcedId');
    // tobedeleted / disabled: not on the roster any more, so the sync makes them leavers.
    if (r.get('status') === 'tobedeleted' || r.get('enabledUser').toLowerCase() === 'false') continue;
    if (school && !splitIds(r.get('orgSourcedIds')).includes(school)) continue;
    const grades = splitIds(r.get('grades'));
    let year = grades.length ? gradeToYear(grades[0]!) : null;
    if (Number.isNaN(year)) {
      // One odd field never drops a student (who would then become a leaver).
      issues.push({ line: r.line, severity: 'warning', studentId: id, message: `users.csv: grade "${grades[0]}" is not a OneRoster grade level (KG, 01-13…); ${id} was imported without a year.` });
      year = null;
    }
    const text = fitStudentText({ forename: r.get('preferredFirstName') || r.get('givenName'), surname: r.get('familyName'), form: formOf.get(id) ?? null }, r.line, issues, id);
    const parsed = checkStudent({
      id,
      misId: r.get('identifier') || null,
      forename: text.forename,
      surname: text.surname,
      year,
      form: text.form,
      groupId: null,
      badge: badgeFromUserIds(r.get('userIds')),
      photo: null,
    });
    if (!parsed.success) {
      issues.push({ line: r.line, severity: 'error', studentId: id || undefined, message: `users.csv: ${describeRowIssues(parsed.error)}` });
      continue;
    }
    const contacts = hasAgents ? (agentsOf.get(id) ?? []).map((a) => agents.get(a)!) : undefined;
    records.push({ line: r.line, student: parsed.data, groupName: null, photoGiven: false, badgeGiven: badgesInFile, contacts });
  }
  return { records, issues, schoolName };
}

/** Read a bundle unpacked in a folder (the files as the SIS exported them). */
export function readOneRosterFolder(dir: string): OneRosterFiles {
  const read = (name: string, required: boolean): string | undefined => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) {
      if (required) throw new RosterError('source_unreadable', `The OneRoster folder ${dir} has no ${name}.`);
      return undefined;
    }
    // OneRoster files are UTF-8 by the standard, but a users.csv opened and saved in Excel on a
    // Western European Windows comes back in Windows-1252: read as UTF-8, "Zoë" became "Zo�".
    return decodeExport(fs.readFileSync(file));
  };
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new RosterError('source_unreadable', `${dir} is not a folder. Unzip the OneRoster bundle into a folder and choose that folder.`);
  }
  return {
    users: read('users.csv', true)!,
    orgs: read('orgs.csv', false),
    enrollments: read('enrollments.csv', false),
    classes: read('classes.csv', false),
    manifest: read('manifest.csv', false),
  };
}
