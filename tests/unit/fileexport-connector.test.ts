// The file export: the fields an admin picks, codes as the SIS spells them, files that appear
// whole (temp file, then rename), each mark in exactly one scheduled file, re-runs of a day, SFTP.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileExportConnector } from '../../electron/core/mis/fileexport/connector';
import { folderDestination, type Destination } from '../../electron/core/mis/fileexport/destination';
import { ExportLedger } from '../../electron/core/db/file-export-ledger';
import type { SessionMarkWrite } from '../../electron/core/mis/types';
import { caught } from '../fakes/powerschool/caught';
import { silentLogger } from '../../electron/core/logging/logger';
import { fixedClock } from '../../electron/core/clock';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { exportCron, fileExportUsSettings, usSecretKeys, type FileExportUsSettingsInput } from '../../shared/mis-us';
import type { Period } from '../../shared/settings';
import { FakeSftp, ed25519KeyPair } from '../fakes/sftp/server';
import { tempDir } from '../helpers/core';

const bell: Period[] = [
  { name: 'HR', start: '07:50', end: '08:00' },
  { name: '1', start: '08:00', end: '08:55' },
  { name: '2', start: '08:55', end: '09:50' },
];
const names: Record<string, { forename: string; surname: string }> = { '240001': { forename: 'Ava', surname: 'Lopez' }, '240002': { forename: 'Ben', surname: "O'Neil, Jr" } };

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

function setup(o: { settings?: Partial<FileExportUsSettingsInput>; destination?: Destination; dir?: string; ledgerFile?: string; secrets?: Record<string, string> } = {}) {
  const dir = o.dir ?? tempDir('passdesk-export-');
  const out = path.join(dir, 'out');
  fs.mkdirSync(out, { recursive: true });
  const settings = fileExportUsSettings.parse({
    connector: 'file',
    schoolId: '042',
    fields: [{ field: 'student_id' }, { field: 'full_name' }, { field: 'date' }, { field: 'time' }, { field: 'period' }, { field: 'code' }, { field: 'comment', header: 'Note' }, { field: 'minutes_late' }],
    codeMap: { L: 'TU', M: 'TE' },
    destination: { kind: 'folder', path: out },
    fileName: 'tardy-{school}-{date}-{run}.csv',
    ...o.settings,
  });
  const clock = fixedClock('2026-11-24T21:00:00Z');
  const connector = new FileExportConnector({
    settings,
    secrets: memorySecretStore(o.secrets ?? {}),
    logger: silentLogger,
    ledgerFile: o.ledgerFile ?? path.join(dir, 'file-export.sqlite'),
    timeZone: 'America/Chicago',
    bellSchedule: () => bell,
    studentName: (id) => names[id] ?? null,
    clock,
    ...(o.destination ? { destination: o.destination } : {}),
  });
  cleanup.push(async () => {
    await connector.close().catch(() => undefined);
    if (!o.dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return { connector, out, dir, clock };
}

let ref = 0;
const mark = (o: Partial<SessionMarkWrite> = {}): SessionMarkWrite => ({
  ref: ++ref,
  misId: '240001',
  date: '2026-11-24',
  session: 'AM',
  localTime: '08:55',
  occurredAt: '2026-11-24T14:55:00Z',
  direction: 'sign_in',
  code: 'L',
  comment: 'Bus late',
  minutesLate: 55,
  ...o,
});

const files = (dir: string) => fs.readdirSync(dir).sort();

describe('file export: content', () => {
  it('writes the chosen fields in order, with the SIS’s external codes and the period in force', async () => {
    const { connector, out } = setup();
    await connector.writeSessionMarks([mark(), mark({ misId: '240002', localTime: '08:10', code: 'M', comment: 'Said "dentist"', minutesLate: 10 })]);
    const run = await connector.runNow();
    expect(run).toMatchObject({ state: 'done', records: 2, fileName: `tardy-042-20261124-${run!.id}.csv` });
    expect(fs.readFileSync(path.join(out, run!.fileName), 'utf8')).toBe(
      [
        'Student ID,Student Name,Date,Time,Period,Code,Note,Minutes Late',
        `240002,"Ben O'Neil, Jr",11/24/2026,08:10,1,TE,"Said ""dentist""",10`,
        '240001,Ava Lopez,11/24/2026,08:55,2,TU,Bus late,55',
        '',
      ].join('\r\n'),
    );
  });

  it('follows the admin’s formats: delimiter, ISO dates, 12-hour times, no header, LF', async () => {
    const { connector, out } = setup({
      settings: { fields: [{ field: 'student_id' }, { field: 'time' }, { field: 'event_type' }, { field: 'school_id' }], delimiter: '\t', dateFormat: 'YYYY-MM-DD', timeFormat: 'h:mm A', header: false, lineEnding: 'lf' },
    });
    await connector.writeSessionMarks([mark({ localTime: '13:05', direction: 'sign_out', session: 'PM' })]);
    const run = await connector.runNow();
    expect(fs.readFileSync(path.join(out, run!.fileName), 'utf8')).toBe('240001\t1:05 PM\tEarly Dismissal\t042\n');
  });

  it('a code the export does not send fails permanently and names the code; the others are staged', async () => {
    const { connector } = setup();
    const bad = mark({ code: 'U' });
    const e = await caught(connector.writeSessionMarks([mark(), bad]));
    expect(e.kind).toBe('unknown_code');
    expect(e.message).toContain('"U"');
    expect(e.details.refs).toEqual([bad.ref]);
    expect(connector.status().waiting).toBe(0);
  });

  it('the schedule becomes a cron pattern in the school’s zone', () => {
    expect(exportCron({ frequency: 'daily', at: '16:30' })).toBe('30 16 * * *');
    expect(exportCron({ frequency: 'weekdays', at: '07:05' })).toBe('5 7 * * 1-5');
    expect(exportCron({ frequency: 'every_15_minutes', at: '00:00' })).toBe('*/15 * * * *');
  });
});

describe('file export: exactly once', () => {
  it('each mark goes in one file; a resent mark is not staged twice; nothing new → no file', async () => {
    const { connector, out } = setup();
    const a = mark();
    await connector.writeSessionMarks([a]);
    await connector.writeSessionMarks([a]); // the engine resends after a crash: same outbox row
    const first = await connector.runNow();
    expect(first!.records).toBe(1);
    expect(await connector.runNow()).toBeNull();
    await connector.writeSessionMarks([mark({ misId: '240002' })]);
    const second = await connector.runNow();
    expect(second!.records).toBe(1);
    expect(fs.readFileSync(path.join(out, second!.fileName), 'utf8')).toContain('240002');
    expect(fs.readFileSync(path.join(out, second!.fileName), 'utf8')).not.toContain('240001');
    expect(files(out)).toEqual([first!.fileName, second!.fileName].sort());
  });

  it('a re-run of a day writes that day again into its own file and does not disturb the next one', async () => {
    const { connector, out } = setup();
    await connector.writeSessionMarks([mark(), mark({ date: '2026-11-23', misId: '240002' })]);
    await connector.runNow();
    const rerun = await connector.rerunDay('2026-11-24');
    expect(rerun.fileName).toMatch(/-rerun-20261124\.csv$/);
    expect(rerun.records).toBe(1);
    expect(fs.readFileSync(path.join(out, rerun.fileName), 'utf8')).toContain('240001');
    expect(await connector.runNow()).toBeNull();
  });

  it('a file that could not be written is written again, whole and under the same name, before anything new', async () => {
    let failing = true;
    const dir = tempDir('passdesk-export-');
    const real = folderDestination(path.join(dir, 'out'));
    const flaky: Destination = { ...real, put: (name, content) => (failing ? Promise.reject(Object.assign(new Error('share offline'))) : real.put(name, content)) };
    const { connector, out } = setup({ dir, destination: flaky });
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    await connector.writeSessionMarks([mark()]);
    await expect(connector.runNow()).rejects.toThrow(/share offline/);
    expect(files(out)).toEqual([]);
    await connector.writeSessionMarks([mark({ misId: '240002' })]);
    failing = false;
    const run = await connector.runNow();
    const written = files(out);
    expect(written).toHaveLength(2);
    const texts = written.map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    expect(texts.filter((t) => t.includes('240001'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('240002'))).toHaveLength(1);
    expect(run!.records).toBe(1);
  });

  it('after a crash between claiming a run and writing it, the next start writes that run, not a duplicate', async () => {
    const dir = tempDir('passdesk-export-');
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const ledgerFile = path.join(dir, 'file-export.sqlite');
    const first = setup({ dir, ledgerFile });
    await first.connector.writeSessionMarks([mark(), mark({ misId: '240002' })]);
    await first.connector.close();
    // The crash: the run is claimed in the ledger, the process dies before the file is renamed.
    const ledger = new ExportLedger(ledgerFile);
    const claimed = ledger.claim('scheduled', [], (id) => `tardy-042-20261124-${id}.csv`, '2026-11-24T21:00:00Z', false)!;
    ledger.close();
    fs.writeFileSync(path.join(first.out, `.${claimed.fileName}.part`), '240001,half a li');
    const second = setup({ dir, ledgerFile });
    expect(await second.connector.runNow()).toMatchObject({ id: claimed.id, state: 'done', records: 2 });
    expect(files(second.out)).toEqual([claimed.fileName]);
    expect(fs.readFileSync(path.join(second.out, claimed.fileName), 'utf8').split('\r\n')).toHaveLength(4);
  });

  it('never leaves a temporary file behind, and refuses a folder it may not write to', async () => {
    const { connector, out } = setup();
    await connector.writeSessionMarks([mark()]);
    await connector.runNow();
    expect(files(out).filter((f) => f.endsWith('.part'))).toEqual([]);
    const missing = setup({ settings: { destination: { kind: 'folder', path: '/nonexistent/sis-import' } } });
    const e = await caught(missing.connector.ping());
    expect(e.kind).toBe('network');
    expect(e.message).toMatch(/Is the share mounted/);
  });
});

describe('file export over SFTP', () => {
  async function sftpSetup(o: { password?: string; pinned?: string; key?: boolean } = {}) {
    const root = tempDir('passdesk-sftp-');
    fs.mkdirSync(path.join(root, 'inbox'));
    const client = ed25519KeyPair();
    const server = await new FakeSftp({ root, username: 'sis', password: 'pw', authorizedKey: client.public }).start();
    cleanup.push(async () => {
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    });
    const { connector } = setup({
      settings: { destination: { kind: 'sftp', host: server.host, port: server.port, username: 'sis', folder: 'inbox', auth: o.key ? 'key' : 'password', hostKeySha256: o.pinned ?? server.fingerprint } },
      secrets: o.key ? { [usSecretKeys.sftpPrivateKey]: client.private } : { [usSecretKeys.sftpPassword]: o.password ?? 'pw' },
    });
    return { connector, server, inbox: path.join(root, 'inbox') };
  }

  it('uploads under a temporary name and renames it into place (password, then key)', async () => {
    for (const key of [false, true]) {
      const { connector, server, inbox } = await sftpSetup({ key });
      await connector.ping();
      await connector.writeSessionMarks([mark()]);
      const run = await connector.runNow();
      expect(files(inbox)).toEqual([run!.fileName]);
      expect(fs.readFileSync(path.join(inbox, run!.fileName), 'utf8')).toContain('240001,Ava Lopez');
      expect(server.ops.some((op) => op.startsWith('open inbox/.tardy-') && op.endsWith('.part'))).toBe(true);
      expect(server.ops).toContain(`rename inbox/.${run!.fileName}.part inbox/${run!.fileName}`);
    }
  });

  it('refuses a server whose host key is not the pinned one, and a wrong password', async () => {
    const wrongKey = await sftpSetup({ pinned: 'SHA256:' + 'A'.repeat(43) });
    const e = await caught(wrongKey.connector.ping());
    expect(e.kind).toBe('forbidden');
    expect(e.message).toMatch(/host key/);
    const wrongPw = await sftpSetup({ password: 'nope' });
    expect((await caught(wrongPw.connector.ping())).kind).toBe('auth');
  });
});
