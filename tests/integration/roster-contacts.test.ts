// Issue 17: who may collect a student comes from the roster. Wonde contacts (relationship,
// parental responsibility, priority) in every shape the fake serves (where Wonde puts them is
// UNCONFIRMED: tests/fakes/wonde-roster/server.ts), CSV columns contact1_… contact9_, and
// OneRoster agents; stored as the kiosk keeps them, and offered at the desk by priority.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generatedStudent, startFakeWondeRoster, type ContactShape } from '../fakes/wonde-roster/server';
import { WondeRosterSource } from '../../electron/core/roster/sources/wonde';
import { WondeHttp } from '../../electron/core/mis/wonde/http';
import { unlimited } from '../../electron/core/mis/rate-limit';
import { silentLogger } from '../../electron/core/logging/logger';
import { numberedContactColumns, parseMappedCsv } from '../../electron/core/roster/csv';
import { readFlag, readPriority } from '../../electron/core/roster/model';
import { openTestCore } from '../helpers/core';

const disposers: (() => unknown)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

describe('Wonde contacts', () => {
  for (const shape of ['nested', 'bare', 'flat'] as ContactShape[]) {
    it(`reads relationship, parental responsibility and priority (${shape} shape), in priority order`, async () => {
      const s = generatedStudent(3, 10)!;
      s.contacts = [
        { forename: 'Gran', surname: 'Jones', relationship: 'Grandmother', parentalResponsibility: false, priority: 3, phone: '07700 900003', email: null },
        { forename: 'Kim', surname: 'Jones', relationship: 'Step-father', parentalResponsibility: null, priority: 2, phone: null, email: 'kim@example.org' },
        { forename: 'Neighbour', surname: 'Ali', relationship: 'Family friend', parentalResponsibility: false, priority: null, phone: null, email: null },
      ];
      const fake = await startFakeWondeRoster({ students: [s], idleMs: 20_000, contactShape: shape });
      disposers.push(() => fake.close());
      const http = new WondeHttp({ baseUrl: fake.baseUrl, token: () => fake.token, limiter: unlimited, logger: silentLogger, timeoutMs: 10_000 });
      const source = new WondeRosterSource({ http, schoolId: fake.schoolId, origin: fake.origin, photos: false, contacts: true, badgeFrom: 'mis_id', perPage: 50 });
      const { records } = await source.read({ progress: () => {} });
      expect(records[0]!.contacts).toEqual([
        { name: `Parent ${s.surname}`, relationship: 'Parent', phone: s.parent!.phone, email: s.parent!.email, parentalResponsibility: true, priority: 1 },
        { name: 'Kim Jones', relationship: 'Step-father', phone: null, email: 'kim@example.org', parentalResponsibility: null, priority: 2 },
        { name: 'Gran Jones', relationship: 'Grandmother', phone: '07700 900003', email: null, parentalResponsibility: false, priority: 3 },
        // No phone and no e-mail, but a name: still someone who may collect.
        { name: 'Neighbour Ali', relationship: 'Family friend', phone: null, email: null, parentalResponsibility: false, priority: null },
      ]);
    });
  }
});

describe('CSV contact columns', () => {
  it('reads contact1_… contact9_ columns beside the mapped contact, in priority order, with flags read as schools write them', () => {
    const text = [
      'id,forename,surname,year,Contact1 Name,contact1_relationship,contact1_phone,contact1_email,contact1_parental_responsibility,contact1_priority,contact2_name,contact2_relationship,contact2_parental_responsibility,contact2_priority',
      's1,Ava,Smith,9,Jo Smith,Mother,07700 900101,jo@example.org,Y,2,Sam Smith,Father,yes,1',
      's2,Leo,Khan,8,,,,,,,Aunt Noor,Aunt,no,',
      's3,Mia,Ng,7,,,,,,,,,,',
    ].join('\n');
    const { records, issues } = parseMappedCsv(text);
    expect(issues).toEqual([]);
    expect(records[0]!.contacts).toEqual([
      { name: 'Sam Smith', relationship: 'Father', phone: null, email: null, parentalResponsibility: true, priority: 1 },
      { name: 'Jo Smith', relationship: 'Mother', phone: '07700 900101', email: 'jo@example.org', parentalResponsibility: true, priority: 2 },
    ]);
    expect(records[1]!.contacts).toEqual([{ name: 'Aunt Noor', relationship: 'Aunt', phone: null, email: null, parentalResponsibility: false, priority: null }]);
    expect(records[2]!.contacts).toEqual([]);
    expect(numberedContactColumns(['contact1_name', 'contact_2_email', 'contact1_shoe_size', 'contact10_name']).map((c) => c.n)).toEqual([1, 2]);
    expect([readFlag('Y'), readFlag('false'), readFlag(''), readFlag(1), readFlag('maybe')]).toEqual([true, false, null, true, null]);
    expect([readPriority('1'), readPriority(' 2 '), readPriority('x'), readPriority(1.5), readPriority(null)]).toEqual([1, 2, null, null, null]);
  });

  it('the roster import stores them and the kiosk offers names and relationships only', async () => {
    const t = openTestCore('2026-11-24T10:15:00Z');
    disposers.push(() => t.dispose());
    const file = path.join(t.dataDir, 'roster.csv');
    fs.writeFileSync(file, 'id,forename,surname,year,badge,contact1_name,contact1_relationship,contact1_phone,contact1_priority\nx1,Ava,Smith,9,700001,Jo Smith,Mother,07700 900101,1\n');
    const { csvFileSource } = await import('../../electron/core/roster/sources/files');
    const run = await t.core.roster.importNow(csvFileSource(file), { trigger: 'manual', replaceDemo: true });
    expect(run.outcome).toBe('applied');
    const flow = t.core.selectStudent({ studentId: 'x1' });
    expect(flow.collectors).toEqual([{ index: 0, name: 'Jo Smith', relationship: 'Mother' }]);
    expect(JSON.stringify(flow)).not.toContain('07700');
  });
});
