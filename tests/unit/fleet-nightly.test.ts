// The night's housekeeping: purge then backup, at the school's time in the school's zone, and a
// catch-up for kiosks that were switched off at night.
import { afterEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { openTestCore } from '../helpers/core';
import { runNightly, startNightly } from '../../electron/core/maintenance/nightly';
import { backupsDirOf, listBackups } from '../../electron/core/maintenance/backup';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function kiosk() {
  const t = openTestCore('2026-11-24T09:07:00Z');
  cleanups.push(t.dispose);
  return t;
}

describe('nightly housekeeping', () => {
  it('purges before it backs up, so the backup no longer holds purged events', async () => {
    const t = kiosk();
    t.clock.set('2026-08-03T08:07:00Z');
    const old = await t.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    t.core.db.prepare(`UPDATE outbox SET state = 'done'`).run();
    t.clock.set('2026-11-24T02:30:00Z');
    const run = await runNightly(t.core);
    expect(run.problems).toEqual([]);
    expect(run.purge).toMatchObject({ events: 1 });
    expect(run.backup).toMatchObject({ events: 0 });
    expect(t.core.events.get(old.event.id)).toBeFalsy();
  });

  it('schedules at the backup time in the school zone, and catches up soon after start when there is no recent backup', async () => {
    const t = kiosk();
    const scheduler = startNightly(t.core, { catchUpDelayMs: 20 });
    cleanups.push(() => scheduler.stop());
    const next = DateTime.fromJSDate(scheduler.nextRun()!, { zone: 'Europe/London' });
    expect(next.toFormat('HH:mm')).toBe('02:30');
    const deadline = Date.now() + 5_000;
    while (!listBackups(backupsDirOf(t.dataDir)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(listBackups(backupsDirOf(t.dataDir))).toHaveLength(1);
  });

  it('runs from the maintenance module with only the ports it needs, and stops', async () => {
    const t = kiosk();
    const scheduler = t.core.maintenance.startNightly({ catchUpDelayMs: 20 });
    cleanups.push(() => scheduler.stop());
    expect(DateTime.fromJSDate(scheduler.nextRun()!, { zone: 'Europe/London' }).toFormat('HH:mm')).toBe('02:30');
    const deadline = Date.now() + 5_000;
    while (!listBackups(backupsDirOf(t.dataDir)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(listBackups(backupsDirOf(t.dataDir))).toHaveLength(1);
  });
});
