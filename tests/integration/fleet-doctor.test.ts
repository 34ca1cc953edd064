// kiosk doctor: each check against a fake that speaks the real protocol where there is one (the
// ESC/POS printer emulator over TCP, the Wonde fake over HTTP), and against small stand-ins for
// the operating system. What is asserted is what the admin reads: the verdict and the fix.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore, tempDir } from '../helpers/core';
import { formatDoctorReport, runDoctor, type DoctorPorts } from '../../electron/core/maintenance/doctor';
import { parseW32tmStatus } from '../../electron/core/maintenance/doctor-probes';
import { backupDatabase, backupsDirOf } from '../../electron/core/maintenance/backup';
import { tcpTransport } from '../../electron/core/hardware/printer';
import { WondeConnector } from '../../electron/core/mis/wonde/connector';
import { unlimited } from '../../electron/core/mis/rate-limit';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { silentLogger } from '../../electron/core/logging/logger';
import { secretKeys } from '../../shared/mis';
import { startPrinterEmulator } from '../fakes/printer/emulator';
import { startFakeWonde } from '../fakes/wonde/server';
import type { CheckId, CheckResult } from '../../shared/fleet';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const NOW = '2026-11-24T09:07:00Z';

/** A healthy kiosk as far as the operating system goes; each test breaks one thing. */
function healthy(over: Partial<DoctorPorts> = {}): DoctorPorts {
  const t = openTestCore(NOW);
  cleanups.push(t.dispose);
  return {
    dataDir: t.dataDir,
    db: t.core.db,
    settings: t.core.settings.get(),
    settingsSaved: true,
    secrets: { backend: 'safeStorage:gnome_libsecret', weak: false },
    clockSync: async () => ({ synchronised: true }),
    osTimeZone: () => 'Europe/London',
    diskSpace: async () => ({ freeBytes: 20 * 1024 ** 3, totalBytes: 64 * 1024 ** 3 }),
    hidrawNodes: async () => [],
    now: () => new Date(NOW),
    platform: 'linux',
    ...over,
  };
}

async function check(ports: DoctorPorts, id: CheckId): Promise<CheckResult> {
  const report = await runDoctor(ports, [id]);
  return report.checks[0]!;
}

describe('printer check, against the ESC/POS emulator over TCP', () => {
  it('ok when it answers with paper; FAIL with the fix when out of paper; a note when running low', async () => {
    const emu = await startPrinterEmulator({ lifetimeMs: 20_000 });
    cleanups.push(() => emu.close());
    const transport = tcpTransport({ host: emu.host, port: emu.port, timeoutMs: 1_500 });
    const ports = healthy({ printerStatus: () => transport.status() });

    expect(await check(ports, 'printer')).toMatchObject({ status: 'ok', summary: 'The printer answers and has paper.' });
    emu.setCondition({ paperOut: true });
    expect(await check(ports, 'printer')).toMatchObject({ status: 'fail', summary: 'Out of paper', fix: 'load a new roll.' });
    emu.setCondition({ paperOut: false, paperNearEnd: true });
    expect(await check(ports, 'printer')).toMatchObject({ status: 'note', summary: 'Paper is running low' });
    emu.setCondition({ paperNearEnd: false, coverOpen: true });
    const report = await runDoctor(ports);
    expect(report.needsAttention).toBe(true);
    expect(formatDoctorReport(report)).toMatch(/FAIL {2}Pass printer +The printer cover is open\n +Fix: close it\./);
  });

  it('FAIL when nothing answers on the port', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const transport = tcpTransport({ host: '127.0.0.1', port, timeoutMs: 1_000 });
    expect(await check(healthy({ printerStatus: () => transport.status() }), 'printer')).toMatchObject({
      status: 'fail',
      summary: 'The printer is not answering',
      fix: expect.stringMatching(/switched on and connected/),
    });
  });

  it('skipped when no printer is configured', async () => {
    expect(await check(healthy(), 'printer')).toMatchObject({ status: 'skipped' });
  });
});

describe('MIS check, against the Wonde fake over HTTP', () => {
  async function wonde(token: string) {
    const fake = await startFakeWonde({ schools: [{ id: 'A1930499544', students: [] }], tokens: ['good-token'], lifetimeMs: 20_000 });
    cleanups.push(() => fake.close());
    const connector = new WondeConnector({
      settings: { connector: 'wonde', domain: '127.0.0.1', schoolId: 'A1930499544', requestsPerSecond: 100, protocol: 'http' },
      secrets: memorySecretStore({ [secretKeys.wondeToken]: token }),
      logger: silentLogger,
      baseUrl: fake.baseUrl,
      limiter: unlimited,
      timeoutMs: 2_000,
    });
    return { fake, ports: healthy({ misTest: () => connector.ping(), misName: 'Wonde' }) };
  }

  it('ok when the MIS answers and takes the token', async () => {
    const { ports } = await wonde('good-token');
    expect(await check(ports, 'mis')).toMatchObject({ status: 'ok', summary: "Wonde answers and accepts the kiosk's token." });
  });

  it('FAIL with "issue a new token" when the token is refused', async () => {
    const { ports } = await wonde('revoked-token');
    const r = await check(ports, 'mis');
    expect(r).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^Wonde refused the kiosk's credentials/) });
    expect(r.fix).toMatch(/new token/);
  });

  it('FAIL with "check the network" when the MIS cannot be reached', async () => {
    const { fake, ports } = await wonde('good-token');
    await fake.close();
    const r = await check(ports, 'mis');
    expect(r).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^Wonde cannot be reached/) });
    expect(r.fix).toMatch(/network|firewall/);
  });
});

describe('checks of the kiosk itself', () => {
  it('all ok on a healthy kiosk; exit code would be 0', async () => {
    const ports = healthy({ scannerStatus: () => ({ state: 'ok', devices: ['Honeywell 1900'] }) });
    await backupDatabase(ports.db!, backupsDirOf(ports.dataDir), { keep: 3 });
    const report = await runDoctor({ ...ports, now: () => new Date() });
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.needsAttention).toBe(false);
    expect(formatDoctorReport(report)).toMatch(/Nothing needs a person\.$/);
  });

  it('scanner: a permission problem from the scanner service is a FAIL with its fix', async () => {
    const ports = healthy({
      scannerStatus: () => ({ state: 'problem', message: 'The scanner cannot be opened: permission denied.', fix: 'Install the scanner rule…', devices: [] }),
    });
    expect(await check(ports, 'scanner')).toMatchObject({ status: 'fail', fix: 'Install the scanner rule…' });
  });

  it('scanner: without the service, unreadable hidraw nodes are named with the fix', async () => {
    const ports = healthy({ hidrawNodes: async () => [{ path: '/dev/hidraw3', name: 'Zebra DS2208', readable: false }, { path: '/dev/hidraw0', name: 'Keyboard', readable: true }] });
    const r = await check(ports, 'scanner');
    expect(r).toMatchObject({ status: 'note', summary: expect.stringContaining('Zebra DS2208') });
    expect(r.fix).toMatch(/scanner rule/);
  });

  it('clock: not synchronised is a FAIL; the Windows answer is read too', async () => {
    expect(await check(healthy({ clockSync: async () => ({ synchronised: false }) }), 'clock')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/timedatectl set-ntp true/),
    });
    expect(parseW32tmStatus('Leap Indicator: 0(no warning)\nSource: time.windows.com,0x9\n')).toEqual({ synchronised: true, source: 'time.windows.com,0x9' });
    expect(parseW32tmStatus('Leap Indicator: 3(not synchronized)\nSource: Local CMOS Clock\n')).toMatchObject({ synchronised: false });
  });

  it("time zone: settings never saved is a FAIL; the PC's own zone differing is a note", async () => {
    expect(await check(healthy({ settingsSaved: false }), 'timezone')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/never saved/) });
    expect(await check(healthy({ osTimeZone: () => 'UTC' }), 'timezone')).toMatchObject({
      status: 'note',
      fix: expect.stringContaining('timedatectl set-timezone Europe/London'),
    });
  });

  it('disk: below 200 MiB free is a FAIL', async () => {
    const r = await check(healthy({ diskSpace: async () => ({ freeBytes: 100 * 1024 ** 2, totalBytes: 16 * 1024 ** 3 }) }), 'disk');
    expect(r).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^100 MiB free/) });
  });

  it('database: a failed integrity check is a FAIL pointing at restore; a recent recovery is a note', async () => {
    const ports = healthy();
    await ports.db!.backup(path.join(ports.dataDir, 'copy.sqlite'));
    const file = path.join(ports.dataDir, 'copy.sqlite');
    const raw = new Database(file);
    const { rootpage } = raw.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'events_day'`).get() as { rootpage: number };
    raw.close();
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (rootpage - 1) * 4096);
    fs.closeSync(fd);
    const damaged = new Database(file);
    cleanups.push(() => damaged.close());
    expect(await check({ ...ports, db: damaged }, 'database')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/kiosk restore/) });
    expect(await check({ ...ports, db: null, dbOpenError: 'file is not a database' }, 'database')).toMatchObject({ status: 'fail' });

    fs.writeFileSync(path.join(ports.dataDir, 'recovery-notice.json'), JSON.stringify([{ at: NOW, message: 'The kiosk database was damaged and has been restored.', eventsSalvaged: 2, startedEmpty: false }]));
    expect(await check(ports, 'database')).toMatchObject({ status: 'note', summary: expect.stringMatching(/restored/) });
  });

  it('secrets: an obfuscated store is a note with the keyring fix', async () => {
    expect(await check(healthy({ secrets: { backend: 'safeStorage:basic_text', weak: true } }), 'secrets')).toMatchObject({
      status: 'note',
      fix: expect.stringMatching(/keyring/),
    });
  });

  it('outbox: refused marks are a FAIL; the oldest pending mark is timed', async () => {
    const t = openTestCore(NOW);
    cleanups.push(t.dispose);
    const ports = healthy({ db: t.core.db, dataDir: t.dataDir });
    const { event } = await t.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    expect(await check({ ...ports, now: () => new Date('2026-11-24T09:20:00Z') }, 'outbox')).toMatchObject({ status: 'ok', summary: '1 mark(s) waiting; the oldest for 13 min.' });
    expect(await check({ ...ports, now: () => new Date('2026-11-24T12:07:00Z') }, 'outbox')).toMatchObject({ status: 'note' });
    expect(await check({ ...ports, now: () => new Date('2026-11-25T10:00:00Z') }, 'outbox')).toMatchObject({ status: 'fail' });
    t.core.db.prepare(`UPDATE outbox SET state = 'failed_permanent' WHERE event_id = ?`).run(event.id);
    expect(await check(ports, 'outbox')).toMatchObject({ status: 'fail', summary: '1 mark(s) were refused by the MIS and need a decision.' });
  });

  it('backups: none yet is a note; none for three days is a FAIL', async () => {
    const ports = healthy();
    expect(await check(ports, 'backups')).toMatchObject({ status: 'note' });
    await backupDatabase(ports.db!, backupsDirOf(ports.dataDir), { keep: 3, clock: { now: () => new Date('2026-11-20T02:30:00Z') } });
    expect(await check(ports, 'backups')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^1 backup\(s\); the newest is 103 h old/) });
  });

  it('a check that hangs is cut off and one that throws fails alone; the rest still report', async () => {
    const ports = healthy({
      timeoutMs: 200,
      printerStatus: () => new Promise(() => undefined),
      scannerStatus: () => {
        throw new Error('node-hid is missing');
      },
    });
    const report = await runDoctor(ports);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.printer).toMatchObject({ status: 'fail', summary: 'No answer within 0 s.' });
    expect(byId.scanner).toMatchObject({ status: 'fail', summary: 'The check itself failed: node-hid is missing' });
    expect(byId.database).toMatchObject({ status: 'ok' });
    expect(report.checks).toHaveLength(11);
  });
});

describe('doctor without a data folder', () => {
  it('runs on an empty folder', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const report = await runDoctor({ dataDir: dir, db: null, dbOpenError: 'no database yet', settings: { timeZone: 'Europe/London' }, clockSync: async () => ({ synchronised: null }) });
    expect(report.checks.find((c) => c.id === 'database')).toMatchObject({ status: 'fail' });
    expect(report.checks.find((c) => c.id === 'outbox')).toMatchObject({ status: 'skipped' });
  });
});
