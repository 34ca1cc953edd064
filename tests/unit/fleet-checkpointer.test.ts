// The WAL is folded back into the database file on a worker thread (maintenance/checkpointer.ts,
// issue 16), not inside a sign-in's commit on the desk's thread. What an IT admin would check: the
// sign-ins reach the database file itself while the kiosk runs, the kiosk's own checkpoint stays
// as a fallback (at a higher threshold while the worker runs, SQLite's default again after), and a
// worker that cannot start changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestCore, tempDir } from '../helpers/core';
import { startCheckpointer } from '../../electron/core/maintenance/checkpointer';
import { checkpointWorkerRunning, FALLBACK_AUTOCHECKPOINT_PAGES as FALLBACK_PAGES, pauseAutoCheckpoint } from '../../electron/core/db/database';
import type { Logger } from '../../electron/core/logging/logger';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

const autoPages = (db: { pragma: (s: string, o: { simple: true }) => unknown }) => db.pragma('wal_autocheckpoint', { simple: true });

/** Is the event in the database file alone (a copy of it without its WAL)? */
function inFileAlone(dataDir: string, eventId: string): boolean {
  const dir = tempDir('passdesk-ckpt-copy-');
  try {
    const copy = path.join(dir, 'copy.sqlite');
    fs.copyFileSync(path.join(dataDir, 'passdesk.sqlite'), copy);
    const db = new Database(copy);
    try {
      // A new database's very tables may still be in the WAL only.
      if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'events'`).get()) return false;
      return !!db.prepare('SELECT 1 FROM events WHERE id = ?').get(eventId);
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the WAL checkpoint on its own thread', () => {
  it('puts the sign-ins into the database file while the kiosk runs, and hands the checkpoint back when stopped', async () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    const { core } = t;
    expect(autoPages(core.db)).toBe(1000);
    const signed = await core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    // Committed to the WAL; a few pages are far below the kiosk's own checkpoint.
    expect(inFileAlone(t.dataDir, signed.event.id)).toBe(false);

    core.runtime.startCheckpointer();
    await vi.waitFor(() => expect(inFileAlone(t.dataDir, signed.event.id)).toBe(true), { timeout: 30_000, interval: 50 });
    await vi.waitFor(() => expect(autoPages(core.db)).toBe(FALLBACK_PAGES), { timeout: 30_000, interval: 20 });
    // The desk goes on meanwhile.
    const next = await core.record({ studentId: 'demo-2', direction: 'sign_in', reasonId: 'overslept' });
    expect(core.db.prepare('SELECT COUNT(*) AS n FROM events WHERE id IN (?, ?)').get(signed.event.id, next.event.id)).toEqual({ n: 2 });

    await core.stop();
    expect(autoPages(core.db)).toBe(1000);
  });

  it('folds again and again on its timer, and stops cleanly', async () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    const { core } = t;
    const c = startCheckpointer(core.db, { log: silentLog(), everyMs: 50 });
    disposers.unshift(() => void c.stop());
    await vi.waitFor(() => expect(autoPages(core.db)).toBe(FALLBACK_PAGES), { timeout: 30_000, interval: 20 });
    for (const student of ['demo-3', 'demo-4']) {
      const r = await core.record({ studentId: student, direction: 'sign_in', reasonId: 'overslept' });
      await vi.waitFor(() => expect(inFileAlone(t.dataDir, r.event.id)).toBe(true), { timeout: 30_000, interval: 50 });
    }
    await c.stop();
    expect(autoPages(core.db)).toBe(1000);
    // Stopping twice is harmless.
    await c.stop();
  });

  it('changes nothing where its worker cannot open the database, and says so', async () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    const { core } = t;
    // The file is gone from under the kiosk (its own connection still holds it open).
    fs.renameSync(path.join(t.dataDir, 'passdesk.sqlite'), path.join(t.dataDir, 'moved.sqlite'));
    const warnings: string[] = [];
    const c = startCheckpointer(core.db, { log: { ...silentLog(), warn: (msg) => warnings.push(msg) }, everyMs: 50 });
    await vi.waitFor(() => expect(warnings).toContain('checkpoint worker: the WAL was not folded back'), { timeout: 30_000, interval: 20 });
    await c.stop();
    expect(autoPages(core.db)).toBe(1000);
  });

  it('keeps the desk\'s own checkpoint off while a roster import writes, whenever the worker starts or stops', () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    const db = t.core.db;
    // The worker ready during an import: still off until the import ends, then the fallback.
    const resume = pauseAutoCheckpoint(db);
    expect(autoPages(db)).toBe(0);
    checkpointWorkerRunning(db, true);
    expect(autoPages(db)).toBe(0);
    resume();
    resume(); // once is enough
    expect(autoPages(db)).toBe(FALLBACK_PAGES);
    // The worker stopped during an import: SQLite's own once the import ends, not the fallback.
    const again = pauseAutoCheckpoint(db);
    checkpointWorkerRunning(db, false);
    expect(autoPages(db)).toBe(0);
    again();
    expect(autoPages(db)).toBe(1000);
  });

  it('does nothing for a database in memory', async () => {
    const db = new Database(':memory:');
    disposers.push(() => db.close());
    const c = startCheckpointer(db, { log: silentLog() });
    await c.stop();
    expect(autoPages(db)).toBe(1000);
  });
});

function silentLog(): Logger {
  const none = () => {};
  return { debug: none, info: none, warn: none, error: none };
}
