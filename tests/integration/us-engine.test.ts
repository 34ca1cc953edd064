// The real SyncEngine draining a real kiosk database to the US connectors and their fakes: the
// same promises Wonde keeps (each mark once, transient faults retried, an unknown code parked with
// a message while the others go), then what is particular to each SIS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/core/clock';
import { silentLogger } from '../../electron/core/logging/logger';
import type { Db } from '../../electron/core/db/database';
import { EdfiConnector } from '../../electron/core/mis/edfi/connector';
import { FileExportConnector } from '../../electron/core/mis/fileexport/connector';
import { PowerschoolConnector } from '../../electron/core/mis/powerschool/connector';
import { unlimited } from '../../electron/core/mis/rate-limit';
import type { MisConnector } from '../../electron/core/mis/types';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { SyncEngine, type SyncEngineOptions } from '../../electron/core/sync/engine';
import { edfiUsSettings, fileExportUsSettings, powerschoolUsSettings, usSecretKeys } from '../../shared/mis-us';
import type { Period } from '../../shared/settings';
import { EDFI_ERROR_SHAPES, FakeEdfi, type EdfiErrorShape } from '../fakes/edfi/server';
import type { Fault } from '../fakes/powerschool/faults';
import { demoPowerschool, psYear, type FakePowerschool, type PsMode } from '../fakes/powerschool/server';
import { until } from '../fakes/wonde/harness';
import { openSeedDb, outboxRow, queueMark, rowsByState, type MarkInput } from '../fakes/wonde/seed';

const bell: Period[] = [
  { name: 'P1', start: '08:00', end: '09:00' },
  { name: 'P2', start: '09:00', end: '10:00' },
  { name: 'P3', start: '10:00', end: '11:00' },
  { name: 'P4', start: '11:00', end: '15:00' },
];

/** One SIS behind the engine, and how to look at what it holds. */
interface Target {
  connector: MisConnector;
  /** Student MIS ids the SIS knows, in order. */
  students: string[];
  code: string;
  missingCode: string;
  /** Records the SIS holds for one student (the register, not the requests). */
  held(misId: string): number;
  /** Write requests that carried this student (where the wire shows it). */
  writes(misId: string): number;
  /** The SIS's marks read back show our code, so a lost answer is confirmed, not written again. */
  confirmsByReading?: boolean;
  inject?(f: Fault): void;
  /** For a file export: write the waiting marks out. */
  flush?(): Promise<void>;
  close(): Promise<void>;
}

type Make = () => Promise<Target>;

function psTarget(mode: PsMode, more: { batch?: boolean } = {}): Make {
  return async () => {
    const fake = await demoPowerschool(mode, { batch: more.batch ?? true }).start();
    const connector = psConnector(fake, mode);
    return {
      connector,
      students: ['1001', '1002', '1003'],
      code: 'T',
      missingCode: 'TX',
      held: (id) => fake.attendance.filter((a) => a.studentid === id).length,
      writes: (id) => fake.writes().flatMap((w) => (w.body as { record: { tables: { attendance: { studentid: string } } }[] }).record).filter((r) => r.tables.attendance.studentid === id).length,
      inject: (f) => fake.inject(f),
      confirmsByReading: true,
      close: () => fake.close(),
    };
  };
}

function psConnector(fake: FakePowerschool, mode: PsMode, settings: Record<string, unknown> = {}) {
  return new PowerschoolConnector({
    settings: powerschoolUsSettings.parse({
      connector: 'powerschool',
      baseUrl: 'https://sample-district.powerschool.com',
      clientId: 'ps-client',
      schoolId: '100',
      schools: [{ schoolId: '100', attendanceMode: mode }],
      ...settings,
    }),
    secrets: memorySecretStore({ [usSecretKeys.powerschoolClientSecret]: 'ps-secret' }),
    logger: silentLogger,
    baseUrl: fake.url,
    limiter: unlimited,
    timeoutMs: 2_000,
    bellSchedule: () => bell,
  });
}

const edfiTarget = (errorShape: EdfiErrorShape = 'detail'): Make => async () => {
  const fake = await new FakeEdfi({ errorShape }).start();
  const connector = new EdfiConnector({
    settings: edfiUsSettings.parse({ connector: 'edfi', baseUrl: 'https://ods.district.org/api', clientKey: 'edfi-key', schoolId: '255901001', descriptors: { byCode: { TX: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field trip' } } }),
    secrets: memorySecretStore({ [usSecretKeys.edfiClientSecret]: 'edfi-secret' }),
    logger: silentLogger,
    baseUrl: fake.url,
    limiter: unlimited,
    timeoutMs: 2_000,
  });
  return {
    connector,
    students: ['604822', '604823', '604824'],
    code: 'T',
    missingCode: 'TX',
    held: (id) => fake.events.filter((e) => e.studentReference.studentUniqueId === id).length,
    writes: (id) => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/studentSchoolAttendanceEvents') && (r.body as { studentReference?: { studentUniqueId?: string } })?.studentReference?.studentUniqueId === id).length,
    inject: (f) => fake.inject(f),
    // Tardy reads back as the kiosk's 'T' (settings.readBack), so a lost answer is confirmed by reading.
    confirmsByReading: true,
    close: () => fake.close(),
  };
};

const fileTarget: Make = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-us-file-'));
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  const connector = new FileExportConnector({
    settings: fileExportUsSettings.parse({
      connector: 'file',
      schoolId: '042',
      fields: [{ field: 'student_id' }, { field: 'date' }, { field: 'period' }, { field: 'code' }],
      codeMap: { T: 'TU' },
      destination: { kind: 'folder', path: out },
    }),
    secrets: memorySecretStore(),
    logger: silentLogger,
    ledgerFile: path.join(dir, 'ledger.sqlite'),
    timeZone: 'America/Chicago',
    bellSchedule: () => bell,
  });
  const lines = () => fs.readdirSync(out).flatMap((f) => fs.readFileSync(path.join(out, f), 'utf8').split('\r\n').slice(1, -1));
  return {
    connector,
    students: ['240001', '240002', '240003'],
    code: 'T',
    missingCode: 'TX',
    held: (id) => lines().filter((l) => l.startsWith(`${id},`)).length,
    writes: (id) => lines().filter((l) => l.startsWith(`${id},`)).length,
    flush: async () => void (await connector.runNow()),
    close: async () => {
      await connector.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

interface Rig {
  db: Db;
  engine: SyncEngine;
  target: Target;
  dispose(): Promise<void>;
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.dispose();
  rig = null;
});

async function start(make: Make, engine: Partial<SyncEngineOptions> = {}): Promise<Rig> {
  const target = await make();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-us-sync-'));
  const db = openSeedDb(path.join(dir, 'kiosk.db'));
  const e = new SyncEngine({ db, connector: target.connector, clock: systemClock, logger: silentLogger, backoff: { baseMs: 20, capMs: 200 }, intervalMs: 100, probeMs: 50, timeoutRetryFloorMs: 200, ...engine });
  rig = {
    db,
    engine: e,
    target,
    async dispose() {
      await e.stop();
      await target.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

const settled = (db: Db, n: number) => () => {
  const s = rowsByState(db);
  return (s.done ?? 0) + (s.failed_permanent ?? 0) + (s.skipped_protected ?? 0) >= n;
};

function queue(r: Rig, m: Partial<MarkInput> & { i: number }): number {
  const misId = m.misId ?? r.target.students[m.i % r.target.students.length]!;
  return queueMark(r.db, { eventId: `e${m.i}-${Math.random()}`, studentId: `K${misId}`, misId, code: r.target.code, localTime: '09:07', ...m });
}

const targets: [string, Make][] = [
  ['PowerSchool Daily', psTarget('daily')],
  ['PowerSchool Time', psTarget('time')],
  ['PowerSchool Meeting', psTarget('meeting')],
  ['PowerSchool Daily on a server without batches', psTarget('daily', { batch: false })],
  ...EDFI_ERROR_SHAPES.map((shape): [string, Make] => [`Ed-Fi (errors as ${shape})`, edfiTarget(shape)]),
  ['File export', fileTarget],
];

describe.each(targets)('%s behind the sync engine', (_name, make) => {
  it('writes each queued mark once', async () => {
    const r = await start(make);
    const ids = r.target.students.map((misId, i) => queue(r, { i, misId }));
    r.engine.start();
    await until(settled(r.db, ids.length), 'all settled');
    await r.target.flush?.();
    for (const id of ids) expect(outboxRow(r.db, id).state).toBe('done');
    for (const s of r.target.students) expect(r.target.held(s)).toBe(1);
    // Read-back (issue 12 point 5): the day's register holds each mark, comparable with what was sent.
    if (r.target.connector.readRegister) {
      const marks = await r.target.connector.readRegister({ date: '2026-11-24', target: 'session', misIds: r.target.students });
      for (const s of r.target.students) expect(marks.find((m) => m.misId === s && m.session === 'AM')?.code).toBe(r.target.code);
    }
  });

  it('a code missing in the SIS parks that mark with a message naming the code; the others go', async () => {
    const r = await start(make);
    const good = queue(r, { i: 0 });
    const bad = queue(r, { i: 1, code: r.target.missingCode });
    r.engine.start();
    await until(settled(r.db, 2), 'both settled');
    await r.target.flush?.();
    expect(outboxRow(r.db, good).state).toBe('done');
    expect(outboxRow(r.db, bad)).toMatchObject({ state: 'failed_permanent', last_error_kind: 'unknown_code' });
    expect(outboxRow(r.db, bad).last_error).toMatch(/"?TX"?|Field trip/);
    expect(r.target.held(r.target.students[1]!)).toBe(0);
  });

  const faults: [string, Fault][] = [
    ['a 500', { path: /attendance|AttendanceEvents/i, method: 'POST', status: 500, times: 2 }],
    ['a 429 with Retry-After', { path: /attendance|AttendanceEvents/i, method: 'POST', status: 429, headers: { 'Retry-After': '0' } }],
    ['a dropped connection', { path: /attendance|AttendanceEvents/i, method: 'POST', drop: true, times: 2 }],
    ['a write that landed but whose answer was lost', { path: /attendance|AttendanceEvents/i, method: 'POST', dropAfterHandling: true }],
  ];
  for (const [what, fault] of faults) {
    it(`retries after ${what} until the mark is held exactly once`, async (ctx) => {
      const r = await start(make);
      if (!r.target.inject) return ctx.skip();
      r.target.inject(fault);
      const id = queue(r, { i: 0 });
      r.engine.start();
      await until(settled(r.db, 1), 'settled');
      expect(outboxRow(r.db, id).state).toBe('done');
      expect(r.target.held(r.target.students[0]!)).toBe(1);
      if (fault.dropAfterHandling && r.target.confirmsByReading) expect(r.target.writes(r.target.students[0]!)).toBe(1);
    });
  }
});

describe('PowerSchool specifics through the engine', () => {
  it('a token that expires mid-drain is renewed once and the backlog carries on', async () => {
    const fake = await demoPowerschool('daily', { batch: false }).start();
    const r = await start(async () => ({ ...(await psTarget('daily')()), connector: psConnector(fake, 'daily'), close: () => fake.close() }), { batchSize: 2, concurrency: 1 });
    fake.expireTokensAfterWrites(2);
    const ids = Array.from({ length: 6 }, (_, i) => queue(r, { i, misId: ['1001', '1002', '1003'][i % 3]!, date: `2026-11-${20 + Math.floor(i / 3)}` }));
    r.engine.start();
    await until(settled(r.db, 6), 'backlog drained');
    for (const id of ids) expect(outboxRow(r.db, id).state).toBe('done');
    expect(fake.tokensIssued).toBe(2);
    expect(fake.attendance).toHaveLength(6);
    // Reads in flight together may each meet the dead token; they share one new token.
    expect(fake.requests.filter((q) => q.path === '/oauth/access_token')).toHaveLength(2);
  });

  it('Meeting mode: a mark at a period boundary goes to the period that starts then', async () => {
    const fake = await demoPowerschool('meeting').start();
    const r = await start(async () => ({ ...(await psTarget('meeting')()), connector: psConnector(fake, 'meeting'), close: () => fake.close() }));
    const a = queue(r, { i: 0, misId: '1001', localTime: '10:00' });
    const b = queue(r, { i: 1, misId: '1002', localTime: '09:59' });
    r.engine.start();
    await until(settled(r.db, 2), 'settled');
    expect([outboxRow(r.db, a).state, outboxRow(r.db, b).state]).toEqual(['done', 'done']);
    expect(fake.attendance.map((x) => [x.studentid, x.periodid])).toEqual(
      expect.arrayContaining([
        ['1001', '303'],
        ['1002', '302'],
      ]),
    );
  });

  it('a protected code the school entered holds: the mark is skipped, not written over it', async () => {
    const fake = await demoPowerschool('daily').start();
    fake.addMark({ studentid: '1001', att_date: '2026-11-24', schoolid: '100', yearid: psYear, att_mode_code: 'ATT_ModeDaily', attendance_codeid: '14' });
    const r = await start(async () => ({ ...(await psTarget('daily')()), connector: psConnector(fake, 'daily'), close: () => fake.close() }), { rulesFor: () => ({ protectedCodes: ['ISS'] }) });
    const id = queue(r, { i: 0, misId: '1001' });
    r.engine.start();
    await until(settled(r.db, 1), 'settled');
    expect(outboxRow(r.db, id)).toMatchObject({ state: 'skipped_protected', previous_mark: 'ISS' });
    expect(fake.attendance.map((x) => x.attendance_codeid)).toEqual(['14']);
  });

  it('a school switched off in the settings writes nothing and says why', async () => {
    const fake = await demoPowerschool('daily').start();
    const r = await start(async () => ({
      ...(await psTarget('daily')()),
      connector: psConnector(fake, 'daily', { schools: [{ schoolId: '100', enabled: false }] }),
      close: () => fake.close(),
    }));
    const id = queue(r, { i: 0, misId: '1001' });
    r.engine.start();
    await until(settled(r.db, 1), 'settled');
    // Issue 12 point 4: a school with writeback disabled is "not sent" (stored as skipped + outcome), not a failure.
    expect(outboxRow(r.db, id)).toMatchObject({ state: 'skipped_protected', outcome: 'not_sent', last_error_kind: 'writeback_off' });
    expect(fake.writes()).toHaveLength(0);
  });
});
