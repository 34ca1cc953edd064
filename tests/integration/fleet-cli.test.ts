// The fleet commands of the admin CLI, run as the CLI runs them (in-process, real files): a
// backup and a restore round trip, the doctor's exit code, a purge, and a support bundle that
// carries what support needs and nothing it must not.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore, tempDir } from '../helpers/core';
import { fleetCommandIn, fleetCommands } from '../../electron/core/cli/fleet-commands';
import { createFileLogger, logDirOf } from '../../electron/core/logging/file-logger';
import { KioskCore } from '../../electron/core/kiosk';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function cli(argv: string[], dataDir: string): Promise<{ code: number; out: string }> {
  const found = fleetCommandIn(argv);
  if (!found) throw new Error(`not a fleet command: ${argv.join(' ')}`);
  let out = '';
  const code = await found.run({ argv: found.argv, out: (s) => (out += s + '\n'), defaultDataDir: () => dataDir });
  return { code, out };
}

async function kioskWithEvents(n: number) {
  const t = openTestCore('2026-11-24T09:07:00Z');
  cleanups.push(t.dispose);
  for (let i = 1; i <= n; i++) await t.core.record({ studentId: `demo-${i}`, direction: 'sign_in', reasonId: 'other', note: `collected by Mrs Gruffalo ${i}` });
  return t;
}

const countEvents = (dataDir: string) => {
  const core = KioskCore.open({ dataDir, demo: false });
  try {
    return (core.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    core.close();
  }
};

describe('fleet CLI', () => {
  it('finds its command after --data-dir and leaves the others to the main CLI', () => {
    expect(fleetCommandIn(['--data-dir', '/srv/kiosk', 'doctor', '--json'])).toMatchObject({ name: 'doctor', argv: ['--data-dir', '/srv/kiosk', '--json'] });
    expect(fleetCommandIn(['scan', '100001'])).toBeNull();
    expect(Object.keys(fleetCommands).sort()).toEqual(['backup', 'backups', 'doctor', 'purge', 'restore', 'support-bundle']);
  });

  it('backup, list, then restore with --yes puts the earlier state back', async () => {
    const t = await kioskWithEvents(2);
    t.core.close();
    const backup = await cli(['backup'], t.dataDir);
    expect(backup).toMatchObject({ code: 0, out: expect.stringMatching(/^Backup written: .*passdesk-.*\.sqlite \(2 events/) });

    const more = KioskCore.open({ dataDir: t.dataDir, demo: false });
    await more.record({ studentId: 'demo-9', direction: 'sign_in', reasonId: 'overslept' });
    more.close();
    expect(countEvents(t.dataDir)).toBe(3);

    const list = await cli(['backups'], t.dataDir);
    expect(list.out).toMatch(/ok, 2 events/);

    const refused = await cli(['restore'], t.dataDir);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/Stop Passdesk first/);
    expect(countEvents(t.dataDir)).toBe(3);

    const restored = await cli(['restore', '--yes'], t.dataDir);
    expect(restored).toMatchObject({ code: 0, out: expect.stringMatching(/Restored passdesk-.*: 2 events\.\nThe database it replaced is kept at .*replaced/) });
    expect(countEvents(t.dataDir)).toBe(2);
  });

  it('doctor exits 1 when something needs a person, and --json gives the report', async () => {
    const t = await kioskWithEvents(1);
    t.core.db.prepare(`UPDATE outbox SET state = 'failed_permanent'`).run();
    t.core.close();
    const r = await cli(['doctor', '--json', '--only', 'outbox,database'], t.dataDir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { needsAttention: boolean; checks: { id: string; status: string }[] };
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['database', 'ok'],
      ['outbox', 'fail'],
    ]);
    expect((await cli(['doctor', '--only', 'database'], t.dataDir)).code).toBe(0);
    expect((await cli(['doctor', '--only', 'kettle'], t.dataDir)).code).toBe(2);
  });

  it('purge deletes old written-back events now and says what it kept', async () => {
    const t = openTestCore('2026-08-01T08:07:00Z');
    cleanups.push(t.dispose);
    await t.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    await t.core.record({ studentId: 'demo-2', direction: 'sign_in', reasonId: 'overslept' });
    t.core.db.prepare(`UPDATE outbox SET state = 'done' WHERE student_id = 'demo-1'`).run();
    t.core.close();
    const r = await cli(['purge', '--days', '30'], t.dataDir);
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/^Purged 1 event\(s\) dated before .* \(with 1 outbox\)\.\nKept 1 older event/) });
  });

  it('support-bundle writes logs, settings, doctor and outbox summary, without names, notes or secrets', async () => {
    const t = await kioskWithEvents(2);
    t.core.secrets.set('mis.wonde.token', 'wonde-secret-token-123');
    const settings = t.core.getSettings();
    t.core.updateSettings({ settings: { ...settings, schoolName: 'Oakfield Academy' } });
    // A log written at debug level (someone left it on) with a name and a token in it.
    const log = createFileLogger({ dir: logDirOf(t.dataDir), level: 'debug' });
    log.debug('flow', { forename: 'Amelia', surname: 'Gruffalo', student: 'demo-1' });
    log.warn('request failed', { url: 'https://api.wonde.com/v1.0/schools?token=wonde-secret-token-123' });
    log.close();
    t.core.close();

    const usb = tempDir('passdesk-usb-');
    cleanups.push(() => fs.rmSync(usb, { recursive: true, force: true }));
    const r = await cli(['support-bundle', usb], t.dataDir);
    expect(r.code).toBe(0);
    const [folder] = fs.readdirSync(usb);
    expect(folder).toMatch(/^passdesk-support-/);
    const root = path.join(usb, folder!);
    expect(fs.readdirSync(root).sort()).toEqual(['README.txt', 'doctor.json', 'doctor.txt', 'logs', 'outbox-summary.json', 'settings.json', 'system.json']);
    expect(fs.readdirSync(path.join(root, 'logs'))).toEqual(['passdesk.log']);

    const all = ['README.txt', 'doctor.json', 'doctor.txt', 'outbox-summary.json', 'settings.json', 'system.json', 'logs/passdesk.log']
      .map((f) => fs.readFileSync(path.join(root, f), 'utf8'))
      .join('\n');
    expect(all).not.toMatch(/Amelia|Gruffalo|wonde-secret-token-123/);
    expect(all).toContain('demo-1'); // ids are fine
    expect(JSON.parse(fs.readFileSync(path.join(root, 'outbox-summary.json'), 'utf8'))).toMatchObject({ counts: { pending: 2 } });
    expect(JSON.parse(fs.readFileSync(path.join(root, 'settings.json'), 'utf8'))).toMatchObject({ schoolName: 'Oakfield Academy' });
    expect(fs.readFileSync(path.join(root, 'doctor.txt'), 'utf8')).toMatch(/^Passdesk doctor, /);
  });
});
