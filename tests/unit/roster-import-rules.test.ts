// Issue 13's roster rules, each a table: the separators schools' exports use (Excel's ";" with
// its BOM and CRLF), early-years year codes, text cut on character boundaries, badges the desk
// could never accept, students without a badge, a refused row that never makes a leaver, and a
// OneRoster 1.1 bundle in the shape public generators write (no badge entries; parents linked
// from either side).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeExport, detectDelimiter, parseMappedCsv, parseYear, readCsvRows } from '../../electron/core/roster/csv';
import type { RosterRecord } from '../../electron/core/roster/model';
import { cutText } from '../../shared/text';
import { parseOneRoster, readOneRosterFolder } from '../../electron/core/roster/oneroster';
import { badgeChecker, planImport, type CurrentStudent } from '../../electron/core/roster/plan';
import { wondeStudentToRecord } from '../../electron/core/roster/sources/wonde';
import type { RosterIssue } from '../../electron/core/roster/model';
import { siteSettings } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import type { Student } from '../../shared/model';

const settings = siteSettings.parse(defaultSettings); // badge pattern ^\d{5,10}$

describe('CSV separators, BOM and line ends', () => {
  const rows = ['id,forename,surname,year,badge', '1,Ann,"Lee, Jr",7,100001', '2,Ben,Ng,8,100002'];
  it.each([
    ['comma, LF', ',', rows.join('\n')],
    ['semicolon, BOM, CRLF (Excel in much of Europe)', ';', '\ufeff' + rows.map((r) => r.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, ';')).join('\r\n') + '\r\n'],
    ['tab, CRLF', '\t', rows.map((r) => r.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, '\t')).join('\r\n')],
  ])('%s: every row is read with its line', (_name, delimiter, text) => {
    expect(detectDelimiter(text)).toBe(delimiter);
    const { header, rows: read } = readCsvRows(text);
    expect(header).toEqual(['id', 'forename', 'surname', 'year', 'badge']);
    expect(read.map((r) => [r.line, r.cells[2]])).toEqual([
      [2, 'Lee, Jr'],
      [3, 'Ng'],
    ]);
  });

  it('a ";" file whose names hold commas keeps them in one field', () => {
    const text = '\ufeffid;forename;surname;year\r\n1;Ann;Lee, Jr;7\r\n';
    const { records } = parseMappedCsv(text);
    expect(records[0]!.student).toMatchObject({ id: '1', surname: 'Lee, Jr', year: 7 });
  });

  it.each([
    ['UTF-8 with BOM', Buffer.from('\ufeffid;forename;surname;year\r\n1;Émilie;Müller;7\r\n', 'utf8')],
    ['UTF-16 with BOM, tabs (Excel "Unicode Text")', Buffer.from('\ufeffid\tforename\tsurname\tyear\r\n1\tÉmilie\tMüller\t7\r\n', 'utf16le')],
    ['Windows-1252 (Excel "CSV" on a Western European Windows)', Buffer.from('id;forename;surname;year\r\n1;Émilie;Müller;7\r\n', 'latin1')],
  ])('an export saved as %s keeps its accented names', (_name, bytes) => {
    const { records } = parseMappedCsv(decodeExport(bytes));
    expect(records.map((r) => r.student)).toEqual([expect.objectContaining({ id: '1', forename: 'Émilie', surname: 'Müller', year: 7 })]);
  });
});

describe('year codes', () => {
  it.each([
    ['Year R', 0],
    ['Reception', 0],
    ['Girls Reception', 0],
    ['R', 0],
    ['FS2', 0],
    ['K', 0],
    ['Nursery', -1],
    ['N2', -1],
    ['Year N2', -1],
    ['FS1', -1],
    ['N1', -2],
    ['Year N1', -2],
    ['Year 9', 9],
    ['9', 9],
    ['Grade 10', 10],
    ['NC Year 11', 11],
    ['', null],
  ])('%j is year %j', (code, year) => expect(parseYear(code)).toBe(year));

  it.each(['40', 'Year 15', 'Year X', 'Alumni'])('%j cannot be read (the caller keeps the student, yearless, and reports it)', (code) => {
    expect(parseYear(code)).toBeNaN();
  });

  it('a Wonde student with year "40" comes in without a year, with a warning on their line', () => {
    const warnings: RosterIssue[] = [];
    const r = wondeStudentToRecord({ id: 'W1', mis_id: '123456', forename: 'Ada', surname: 'Lee', year: { data: { code: '40', name: '40' } } }, 7, { badgeFrom: 'mis_id', contacts: false }, warnings);
    expect(r).toMatchObject({ student: { id: 'W1', year: null } });
    expect(warnings).toEqual([expect.objectContaining({ line: 7, severity: 'warning', studentId: 'W1', message: expect.stringMatching(/year "40" cannot be read/) })]);
  });
});

describe('text cut on character boundaries', () => {
  it.each([
    ['plain', 'abcdef', 4, 'abcd'],
    ['an emoji (surrogate pair) is never split', 'abc😀def', 4, 'abc'],
    ['a family emoji (joined graphemes) stays whole or goes', 'a👨‍👩‍👧b', 6, 'a'],
    ['a combining accent stays with its letter', 'abce\u0301f', 4, 'abc'],
    ['short text is left alone', 'Zoë', 80, 'Zoë'],
  ])('%s', (_n, text, max, cut) => {
    const out = cutText(text, max);
    expect(out).toBe(cut);
    expect(out.length).toBeLessThanOrEqual(max);
    expect(/[\ud800-\udbff]$/.test(out)).toBe(false);
  });

  it('an over-long name is shortened (not refused), with a warning, never leaving half a character', () => {
    const long = 'A'.repeat(79) + '😀😀';
    const { records, issues } = parseMappedCsv(`id,forename,surname\n1,${long},Lee\n`);
    expect(records[0]!.student.forename).toBe('A'.repeat(79));
    expect(issues).toEqual([expect.objectContaining({ line: 2, severity: 'warning', message: expect.stringMatching(/first name is longer than 80/) })]);
  });
});

function stu(id: string, over: Partial<Student> = {}): Student {
  return { id, misId: null, forename: 'Ava', surname: id, year: 9, form: '9A', groupId: null, badge: null, photo: null, active: true, ...over };
}
const rec = (line: number, id: string, over: Partial<Student> = {}, extra: Partial<RosterRecord> = {}): RosterRecord => ({
  line,
  student: stu(id, over),
  groupName: null,
  badgeGiven: true,
  photoGiven: false,
  ...extra,
});
const cur = (id: string, over: Partial<CurrentStudent> = {}): CurrentStudent => ({ ...stu(id), source: 'csv', ...over });

describe('badges the desk could accept', () => {
  it.each([
    ['100001', true],
    ['1234', false],
    ['QUICKCARD:pass=x', false],
    [' 100001', false],
    ['1'.repeat(200), false],
  ])('badge %j fits ^\\d{5,10}$: %j', (badge, ok) => expect(badgeChecker('^\\d{5,10}$')(badge)).toBe(ok));

  it('refuses a row whose badge can never be scanned, and one without a badge where badges are required, by line', () => {
    const plan = planImport({
      current: [],
      incoming: [rec(2, 'a', { badge: '100001' }), rec(3, 'b', { badge: 'ABC' }), rec(4, 'c', { badge: null }), rec(5, 'd', { badge: null }, { badgeGiven: false })],
      settings,
      requireBadge: true,
    });
    expect(plan.added.map((s) => s.id)).toEqual(['a', 'd']); // d: this source carries no badges at all
    expect(plan.issues.map((i) => [i.line, i.severity, i.message])).toEqual([
      [3, 'error', expect.stringMatching(/badge of b \(ABC\) can never be scanned.*badge pattern/)],
      [4, 'error', expect.stringMatching(/c has no badge, and this school does not allow students without a badge/)],
    ]);
    expect(plan.counts.skipped).toBe(2);
  });

  it('a refused badge that may be a login code is never written into the import log verbatim', () => {
    const plan = planImport({ current: [], incoming: [rec(2, 'q', { badge: 'QUICKCARD:user=ann;pass=hunter2' })], settings });
    expect(plan.issues).toEqual([expect.objectContaining({ line: 2, severity: 'error', studentId: 'q', message: expect.stringMatching(/badge of q \(31 characters, not shown/) })]);
    expect(JSON.stringify(plan)).not.toContain('hunter2');
  });

  it('keeps badge-less students where the school allows them', () => {
    const plan = planImport({ current: [], incoming: [rec(2, 'c', { badge: null })], settings, requireBadge: false });
    expect(plan.added.map((s) => s.id)).toEqual(['c']);
  });

  it('a refused row never makes its student a leaver: the kiosk keeps them as they were', () => {
    const plan = planImport({
      current: [cur('a', { badge: '100001' }), cur('b', { badge: '100002' }), cur('gone', { badge: '100009' })],
      incoming: [rec(2, 'a', { badge: '100001' }), rec(3, 'b', { badge: 'not-a-badge' })],
      settings,
    });
    expect(plan.leavers.map((s) => s.id)).toEqual(['gone']);
    expect(plan.issues).toEqual([expect.objectContaining({ line: 3, severity: 'error', studentId: 'b' })]);
  });

  it('nor does another row take the badge of a student kept because their row was refused', () => {
    const plan = planImport({
      current: [cur('b', { badge: '100002' })],
      incoming: [rec(2, 'b', { badge: 'not-a-badge' }), rec(3, 'c', { badge: '100002' })],
      settings,
    });
    expect(plan.releasedBadges).toEqual([]);
    expect(plan.added).toEqual([expect.objectContaining({ id: 'c', badge: null })]);
    expect(plan.issues.map((i) => [i.line, i.severity, i.message])).toEqual([
      [2, 'error', expect.stringMatching(/badge of b/)],
      [3, 'warning', expect.stringMatching(/Badge 100002 of c is held by b, who stays on the roster \(their row was refused\); c was imported without it/)],
    ]);
  });

  it('a CSV whose badge column is empty in every row carries no badges: none refused, none wiped', () => {
    const empty = parseMappedCsv('id;forename;surname;year;badge\r\na;Ann;Lee;7;\r\nb;Bo;Ng;8;\r\n');
    expect(empty.records.map((r) => r.badgeGiven)).toEqual([false, false]);
    const plan = planImport({ current: [cur('a', { badge: '100001' })], incoming: empty.records, settings, requireBadge: true });
    expect(plan.added.map((s) => s.id)).toEqual(['b']);
    // a keeps the badge handed out at the kiosk (its names and year do come from the file)
    expect(plan.updated.flatMap((u) => u.changed)).not.toContain('badge');
    expect(plan.updated.map((u) => u.after.badge)).toEqual(['100001']);
    expect(plan.issues).toEqual([]);
    // One badge in the column: the file carries badges, and the empty ones are checked.
    const some = parseMappedCsv('id,forename,surname,year,badge\na,Ann,Lee,7,100001\nb,Bo,Ng,8,\n');
    expect(some.records.map((r) => r.badgeGiven)).toEqual([true, true]);
  });
});

describe('a OneRoster 1.1 bundle as public generators write it', () => {
  const dir = path.resolve(__dirname, '../fixtures/oneroster-generated');
  const school = 'b2a4f0c8-5a1e-4d0b-8f7e-0c9d2e3f4a10';

  it('reads students with their homeroom and CEDS grade; userIds without badge entries carries no badges', () => {
    const { records, issues, schoolName } = parseOneRoster(readOneRosterFolder(dir), { schoolSourcedId: school });
    expect(issues).toEqual([]);
    expect(schoolName).toBe('Maple Elementary School');
    expect(records.map((r) => [r.student.forename, r.student.year, r.student.form, r.student.badge, r.badgeGiven])).toEqual([
      ['Ella', 0, 'HOMEROOM KG SEC 001', null, false],
      ['Leo', 1, 'HOMEROOM 01 SEC 001', null, false],
      ['Zoe', 1, 'HOMEROOM 01 SEC 001', null, false],
    ]);
  });

  it('links parents from either side: the parent naming the child, or the child naming the parent', () => {
    const { records } = parseOneRoster(readOneRosterFolder(dir));
    const contacts = Object.fromEntries(records.map((r) => [r.student.forename, r.contacts]));
    expect(contacts.Ella).toEqual([{ name: 'Ruth Moreno', relationship: 'parent', phone: '555-0141', email: 'ruth.moreno@example.org', parentalResponsibility: null, priority: null }]);
    expect(contacts.Leo).toEqual([{ name: 'Sam Ibrahim', relationship: 'guardian', phone: '555-0142', email: null, parentalResponsibility: null, priority: null }]);
    expect(contacts.Zoe).toEqual([]);
  });

  it('reads a users.csv saved again by Excel on a Western European Windows (Windows-1252, CRLF) with its accents', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-oneroster-'));
    try {
      const users = 'sourcedId,status,enabledUser,orgSourcedIds,role,userIds,givenName,familyName,grades\r\ns1,,true,o,student,,Zoë,Müller,07\r\ns2,,true,o,student,,Émilie,Lefèvre,08\r\n';
      fs.writeFileSync(path.join(folder, 'users.csv'), Buffer.from(users, 'latin1'));
      const { records, issues } = parseOneRoster(readOneRosterFolder(folder));
      expect(issues).toEqual([]);
      expect(records.map((r) => [r.student.forename, r.student.surname])).toEqual([
        ['Zoë', 'Müller'],
        ['Émilie', 'Lefèvre'],
      ]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a file where some student carries {badge:…} is a source of badges', () => {
    const users =
      'sourcedId,status,enabledUser,orgSourcedIds,role,userIds,givenName,familyName,grades\ns1,,true,o,student,{badge:100001},A,B,07\ns2,,true,o,student,{ldap:x},C,D,07\n';
    const { records } = parseOneRoster({ users });
    expect(records.map((r) => [r.student.badge, r.badgeGiven])).toEqual([
      ['100001', true],
      [null, true],
    ]);
  });
});
