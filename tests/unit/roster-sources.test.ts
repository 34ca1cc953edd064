import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnMapping, parseMappedCsv, parseRosterCsv, suggestMapping } from '../../electron/core/roster/csv';
import { badgeFromUserIds, gradeToYear, parseOneRoster, readOneRosterFolder } from '../../electron/core/roster/oneroster';
import { wondeStudentToRecord, wondeYear } from '../../electron/core/roster/sources/wonde';
import type { RosterError } from '../../electron/core/roster/model';

const samples = path.resolve(__dirname, '../../resources/samples');
const sampleCsv = fs.readFileSync(path.join(samples, 'roster.csv'), 'utf8');
const sampleMapping = columnMapping.parse(JSON.parse(fs.readFileSync(path.join(samples, 'roster-mapping.json'), 'utf8')));

describe('CSV with an admin-saved column mapping', () => {
  it('reads the sample export with its saved mapping: names, years, forms, badges, group and contacts', () => {
    const { records, issues } = parseMappedCsv(sampleCsv, sampleMapping);
    expect(issues).toEqual([]);
    expect(records).toHaveLength(6);
    expect(records[0]).toMatchObject({
      line: 2,
      student: { id: '4101', misId: '4101', forename: 'Amelia', surname: 'Smith', year: 7, form: '7C', badge: '100101' },
      contacts: [{ name: 'Jo Smith', phone: '07700 900101', email: 'jo.smith@example.org' }],
    });
    expect(records[2]!.contacts).toEqual([]);
    expect(records[4]!.groupName).toBe('Sixth form');
  });

  it('suggests a mapping from common header names, for the admin to correct', () => {
    const header = sampleCsv.split('\n')[0]!.split(',');
    expect(suggestMapping(header)).toMatchObject({ misId: 'Adno', forename: 'Legal Forename', surname: 'Legal Surname', year: 'Year Group', badge: 'Card Number' });
    expect(suggestMapping(header).contactPhone).toBeUndefined();
  });

  it('reports each bad row with its line and reason, and keeps every good row', () => {
    const csv = [
      'Adno,Legal Forename,Legal Surname,Year Group,Reg Group,Card Number',
      '1,Ann,Lee,Year 7,7A,100001',
      '2,,Khan,Year 8,8A,100002', // no forename
      '3,Ben,"Multi',
      'line",Year 9,9A,100003', // a quoted name over two lines is one row
      '4,Cat,Ng,Year Z,9A,100004', // bad year
      ',Dee,Roe,Year 9,9B,', // no id at all
      '6,Eve,Fox,10,10A,100006',
    ].join('\n');
    const mapping = { id: 'Adno', forename: 'Legal Forename', surname: 'Legal Surname', year: 'Year Group', form: 'Reg Group', badge: 'Card Number' };
    const { records, issues } = parseMappedCsv(csv, mapping);
    // Issue 13: an unreadable year keeps the student (yearless, with a warning) instead of dropping them.
    expect(records.map((r) => [r.line, r.student.id, r.student.year])).toEqual([
      [2, '1', 7],
      [4, '3', 9],
      [6, '4', null],
      [8, '6', 10],
    ]);
    expect(issues.map((i) => [i.line, i.severity, i.message])).toEqual([
      [3, 'error', expect.stringMatching(/^forename:/)],
      [6, 'warning', expect.stringMatching(/^"Year Z" is not a year or grade/)],
      [7, 'error', expect.stringMatching(/no student id/)],
    ]);
  });

  it('refuses a mapping whose column the file lacks, naming the column', () => {
    expect(() => parseMappedCsv('first,last\nA,B\n', sampleMapping)).toThrowError(/no column "Adno" \(for id\)/);
    try {
      parseMappedCsv('first,last\nA,B\n', sampleMapping);
    } catch (e) {
      expect((e as RosterError).kind).toBe('mapping_invalid');
    }
  });

  it('refuses a mapping without forename and surname', () => {
    expect(columnMapping.safeParse({ id: 'Adno' }).success).toBe(false);
  });

  it('parseRosterCsv (demo seeding) guesses columns, refuses rows without an id and repeated badges', () => {
    // Issue 13: a row with no id is refused (no invented "badge-…" id); an unreadable year keeps the student.
    const r = parseRosterCsv('id,forename,surname,year,badge\n1,A,B,9,10001\n2,C,D,Year X,10002\n3,E,F,7,10001\n,G,H,8,10004\n');
    expect(r.students.map((s) => [s.id, s.year])).toEqual([
      ['1', 9],
      ['2', null],
    ]);
    expect(r.errors).toEqual([
      { line: 4, message: 'Badge 10001 is already used on line 2.' },
      { line: 5, message: expect.stringMatching(/no student id/) },
    ]);
    expect(parseRosterCsv('id,name\n1,x\n').errors[0]).toMatchObject({ line: 1, message: expect.stringMatching(/forename and surname/) });
  });
});

describe('OneRoster 1.1 bundle (a folder of CSVs)', () => {
  it.each([
    ['KG', 0],
    ['PK', -1],
    ['06', 6],
    ['12', 12],
    ['', null],
  ])('grade %j is year %j', (g, y) => expect(gradeToYear(g)).toBe(y));

  it.each([
    ['{badge:200101}', '200101'],
    ['{ldap:mg,card:77}', '77'],
    ['{ldap:mg}', null],
    ['', null],
  ])('userIds %j carries badge %j', (ids, badge) => expect(badgeFromUserIds(ids)).toBe(badge));

  it('reads the sample bundle for one school: students only, homeroom as form, parents as contacts, deleted users left out', () => {
    const { records, issues, schoolName } = parseOneRoster(readOneRosterFolder(path.join(samples, 'oneroster')), { schoolSourcedId: 'org-lincoln' });
    expect(issues).toEqual([]);
    expect(schoolName).toBe('Lincoln Middle School');
    expect(records.map((r) => r.student.id)).toEqual(['stu-1001', 'stu-1002', 'stu-1003']);
    expect(records[0]!.student).toMatchObject({ forename: 'Mia', surname: 'Garcia', year: 6, form: 'Homeroom 6-White', badge: '200101', misId: '1001' });
    expect(records[0]!.contacts).toEqual([{ name: 'Rosa Garcia', relationship: 'parent', phone: '555-0101', email: 'rosa.garcia@example.org', parentalResponsibility: null, priority: null }]);
    expect(records[2]!.student.form).toBeNull(); // enrolled in Math only, no homeroom
  });

  it('refuses a delta bundle: it would make every student a leaver', () => {
    expect(() => parseOneRoster({ users: 'sourcedId,role,givenName,familyName\n', manifest: 'propertyName,value\nfile.users,delta\n' })).toThrowError(/delta/);
  });

  it('reports a bad grade with its users.csv line and keeps the student without a year', () => {
    const users = 'sourcedId,status,enabledUser,orgSourcedIds,role,givenName,familyName,grades\ns1,,true,o,student,A,B,07\ns2,,true,o,student,C,D,Year Nine\n';
    const { records, issues } = parseOneRoster({ users });
    // Issue 13: one odd field never drops a student (who would then become a leaver).
    expect(records.map((r) => [r.student.id, r.student.year])).toEqual([
      ['s1', 7],
      ['s2', null],
    ]);
    expect(issues).toEqual([expect.objectContaining({ line: 3, severity: 'warning', studentId: 's2', message: expect.stringMatching(/grade "Year Nine"/) })]);
  });

  it('says which file is missing when the folder is not a bundle', () => {
    expect(() => readOneRosterFolder(samples)).toThrowError(/has no users.csv/);
  });
});

describe('Wonde student → record', () => {
  it.each([
    [{ year: { data: { code: '9' } } }, 9],
    [{ year: { data: { name: 'Year 12' } } }, 12],
    [{ year: { data: { name: 'Reception' } } }, 0],
    [{ education_details: { data: { current_nc_year: '10' } } }, 10],
    [{}, null],
  ])('year of %j is %j', (s, y) => expect(wondeYear(s)).toBe(y));

  it('takes the registration group as form, other groups as hints, the MIS id as badge and the parent as contact', () => {
    const r = wondeStudentToRecord(
      {
        id: 'B1',
        mis_id: '12345',
        forename: 'Ava',
        surname: 'Smith',
        groups: { data: [{ name: '9C', type: 'REGISTRATION' }, { name: 'Sixth Form', type: 'OTHER' }] },
        contacts: { data: [{ forename: 'Jo', surname: 'Smith', relationship: { data: { relationship: 'Mother' } }, contact_details: { data: { telephones: { mobile: '07700 900001' }, emails: {} } } }] },
      },
      1,
      { badgeFrom: 'mis_id', contacts: true },
    );
    expect(r).toMatchObject({
      student: { id: 'B1', misId: 'B1', form: '9C', badge: '12345' },
      groupHints: ['9C', 'Sixth Form'],
      contacts: [{ name: 'Jo Smith', relationship: 'Mother', phone: '07700 900001', email: null, parentalResponsibility: null, priority: null }],
    });
  });

  it('a student without a surname is a bad row naming the MIS id', () => {
    expect(wondeStudentToRecord({ id: 'B2', forename: 'X' }, 4, { badgeFrom: 'none', contacts: false })).toMatchObject({ line: 4, severity: 'error', message: expect.stringMatching(/^MIS student B2: surname/) });
  });
});
