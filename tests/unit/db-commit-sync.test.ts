// Background writes that can be done again (the late counts' fold, a purge batch) commit without
// their fsync (db/database.ts withoutCommitSync, issue 16). What must never change: the connection
// is back at its synced commit level (FULL) for the next sign-in, whatever ran before it, and the
// fold and the purge still land. (Whether the disk syncs cannot be seen from here: the level is.)
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { syncWalOffThread, withoutCommitSync } from '../../electron/core/db/database';
import { LateCountRepository } from '../../electron/core/db/late-counts';
import { purgeInBatches } from '../../electron/core/maintenance/retention';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

const FULL = 2;
const NORMAL = 1;
const level = (db: { pragma: (s: string, o: { simple: true }) => unknown }) => db.pragma('synchronous', { simple: true });

describe('commits without their fsync, for writes the kiosk can redo', () => {
  it('runs the write without the sync and puts the sync back, also when the write fails', () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    const db = t.core.db;
    expect(level(db)).toBe(FULL);
    expect(withoutCommitSync(db, () => level(db))).toBe(NORMAL);
    expect(level(db)).toBe(FULL);
    expect(() =>
      withoutCommitSync(db, () => {
        throw new Error('the write failed');
      }),
    ).toThrow('the write failed');
    expect(level(db)).toBe(FULL);
    // Inside a transaction the level cannot change: the write runs as it is.
    expect(db.transaction(() => withoutCommitSync(db, () => level(db)))()).toBe(FULL);
  });

  it('folds the late notes into counts and purges old events, and the next sign-in commits with its fsync', async () => {
    const t = openTestCore('2026-09-01T08:07:00Z');
    disposers.push(t.dispose);
    const { core } = t;
    const late = await core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    expect(late.event.minutesLate).toBeGreaterThan(0);
    // The fold (a second after the sign-in on the kiosk; called here) counts the late.
    // What the fold and the purge set the level to, and back (the kiosk's commit level, not its disk).
    // (Set through exec, which leaves no statement behind for the garbage collector.)
    const levels: string[] = [];
    const exec = core.db.exec.bind(core.db);
    core.db.exec = ((source: string) => {
      const m = /^PRAGMA (synchronous\s*=.*)$/.exec(source);
      if (m) levels.push(m[1]!);
      return exec(source);
    }) as typeof core.db.exec;
    const counts = new LateCountRepository(core.db);
    counts.catchUp();
    expect(levels).toEqual(['synchronous = NORMAL', 'synchronous = 2']);
    expect(level(core.db)).toBe(FULL);
    expect(core.db.prepare('SELECT SUM(lates) AS n FROM late_counts').get()).toEqual({ n: 1 });
    core.db.prepare(`UPDATE outbox SET state = 'done'`).run();
    const purged = await purgeInBatches(core.db, { days: 60, now: new Date('2026-11-24T02:30:00Z'), timeZone: 'Europe/London' });
    expect(purged.events).toBe(1);
    expect(levels.slice(2, 4)).toEqual(['synchronous = NORMAL', 'synchronous = 2']);
    expect(core.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 0 });
    // The count outlives the purge (db/retention.ts).
    expect(core.db.prepare('SELECT SUM(lates) AS n FROM late_counts').get()).toEqual({ n: 1 });
    expect(level(core.db)).toBe(FULL);
    t.clock.set('2026-11-24T08:07:00Z');
    const next = await core.record({ studentId: 'demo-2', direction: 'sign_in', reasonId: 'overslept' });
    expect(core.db.prepare('SELECT id FROM events').pluck().all()).toEqual([next.event.id]);
    expect(level(core.db)).toBe(FULL);
  });

  it('syncs the WAL off the main thread, and does nothing where there is no WAL file', async () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    await t.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    await expect(syncWalOffThread(t.core.db)).resolves.toBeUndefined();
    const memory = new Database(':memory:');
    disposers.push(() => memory.close());
    await expect(syncWalOffThread(memory)).resolves.toBeUndefined();
  });
});
