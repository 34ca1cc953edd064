// Backups and the batched purge where no worker thread can start (an unusual runtime): the same
// steps run on the main thread, and every promise holds — a checked, self-contained backup file,
// and purged data gone from the file and its WAL.
import fs from 'node:fs';
import path from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestCore } from '../helpers/core';
import { backupDatabase, backupsDirOf, checkBackup, listBackups } from '../../electron/core/maintenance/backup';
import { purgeInBatches } from '../../electron/core/maintenance/retention';

vi.mock('node:worker_threads', async (importOriginal) => ({
  ...(await importOriginal<typeof WorkerThreads>()),
  Worker: class {
    constructor() {
      throw new Error('no worker threads in this runtime');
    }
  },
}));

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('without worker threads', () => {
  it('still writes a checked, self-contained backup while sign-ins go on', async () => {
    const t = openTestCore('2026-11-24T09:07:00Z');
    cleanups.push(t.dispose);
    await t.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    const backingUp = backupDatabase(t.core.db, backupsDirOf(t.dataDir), { keep: 3, clock: t.clock });
    await t.core.record({ studentId: 'demo-2', direction: 'sign_in', reasonId: 'overslept' });
    const info = await backingUp;
    expect(info).toMatchObject({ ok: true });
    expect(info.events).toBeGreaterThanOrEqual(1);
    expect(listBackups(backupsDirOf(t.dataDir)).map((b) => b.file)).toEqual([info.file]);
    expect(fs.readdirSync(backupsDirOf(t.dataDir))).toEqual([path.basename(info.file)]);
    const copy = new Database(info.file, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    expect(checkBackup(info.file)).toMatchObject({ ok: true });
  });

  it('still purges in batches with the data gone from the file and its WAL', async () => {
    const t = openTestCore('2026-09-01T08:07:00Z');
    cleanups.push(t.dispose);
    const r = await t.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'other', note: 'QZXW bus broke down' });
    t.core.db.prepare(`UPDATE outbox SET state = 'done' WHERE event_id = ?`).run(r.event.id);
    const result = await purgeInBatches(t.core.db, { days: 60, now: new Date('2026-11-24T02:30:00Z'), timeZone: 'Europe/London' });
    expect(result).toMatchObject({ events: 1 });
    const bytes = Buffer.concat(
      ['', '-wal'].filter((s) => fs.existsSync(path.join(t.dataDir, 'passdesk.sqlite' + s))).map((s) => fs.readFileSync(path.join(t.dataDir, 'passdesk.sqlite' + s))),
    );
    expect(bytes.includes('QZXW')).toBe(false);
  });
});
