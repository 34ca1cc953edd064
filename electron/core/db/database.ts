// Opening the kiosk's SQLite database: pragmas, integrity check, migrations.
// WAL + synchronous=FULL: a student who saw "signed in" must survive a power cut.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations';
import { giveWritesPriority } from './write-gate';

export type { Db };

export class DatabaseError extends Error {
  constructor(
    readonly kind: 'newer_version' | 'corrupt' | 'migration_failed',
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

export interface OpenOptions {
  /** Native binding path: Electron passes its own build of better-sqlite3 (see scripts/rebuild-electron-native.mjs). */
  nativeBinding?: string;
  migrations?: Migration[];
  readonly?: boolean;
}

export function latestVersion(migrations: Migration[] = allMigrations): number {
  return migrations.reduce((v, m) => Math.max(v, m.version), 0);
}

/** Set by `passdesk --cli` so that every database the CLI opens uses Electron's build. */
export const NATIVE_BINDING_ENV = 'PASSDESK_NATIVE_BINDING';

/**
 * better-sqlite3's options for the right native build: the explicit one, else the process-wide
 * one electron/main sets (Electron cannot load the build that plain Node's tests use).
 */
export function bindingOptions(explicit?: string): { nativeBinding?: string } {
  const b = explicit ?? process.env[NATIVE_BINDING_ENV];
  return b ? { nativeBinding: b } : {};
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, {
    ...bindingOptions(options.nativeBinding),
    readonly: options.readonly ?? false,
  });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DatabaseError('corrupt', `The kiosk database failed its integrity check: ${String(check)}`);
    // Issue 16: this connection's writes go before the roster import's (db/write-gate.ts).
    if (!options.readonly) giveWritesPriority(db);
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof DatabaseError) throw e;
    // SQLITE_NOTADB and friends: the file is not a database we can read.
    const code = (e as { code?: string }).code ?? '';
    if (/NOTADB|CORRUPT/.test(code)) throw new DatabaseError('corrupt', `The kiosk database is damaged (${code}).`);
    throw e;
  }
}

/** Apply every pending migration in one transaction; refuse a database from a newer Passdesk. */
export function migrate(db: Db, migrations: Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new DatabaseError(
      'newer_version',
      `This database was written by a newer version of Passdesk (schema ${current}; this version knows up to ${latest}). ` +
        'Install the newer version again, or restore a backup made by this version.',
    );
  }
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      try {
        db.exec(m.sql);
      } catch (e) {
        throw new DatabaseError('migration_failed', `Migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
      }
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return latest;
}

/**
 * A second connection to an open kiosk database, for a worker thread (the roster import): no
 * integrity check and no migrations (the main connection did both). synchronous=NORMAL: its
 * commits skip the fsync while they hold the write lock (a scan would wait for it); the worker
 * syncs what it wrote with a PASSIVE checkpoint between steps, outside the lock (syncWrites), so
 * a scan's own fsync never has the import's pages to flush. An import cut short by a power cut
 * is run again.
 */
export function openSideConnection(file: string, nativeBinding?: string): Db {
  const db = new Database(file, bindingOptions(nativeBinding));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Its checkpoints are its own calls, between its chunks (syncWrites): SQLite's automatic one
  // would run inside a chunk's commit, with a scan waiting on the chunk.
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

/** SQLite's own threshold for a connection's automatic checkpoint, in pages. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/**
 * The main connection's threshold while a worker folds the WAL back (maintenance/checkpointer.ts):
 * a fallback for a worker that lags or dies (pages of 4 KiB: 32 MiB).
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 8192;
const walOwners = new WeakMap<Db, { worker: boolean; paused: number }>();

/**
 * The connection's automatic checkpoint has two owners, each saying what it needs, and this one
 * setting from both: off while a roster import writes from its worker (pauseAutoCheckpoint), a
 * fallback while the checkpoint worker runs, SQLite's own otherwise.
 */
function applyAutoCheckpoint(db: Db): void {
  if (!db.open) return;
  const o = walOwners.get(db) ?? { worker: false, paused: 0 };
  db.pragma(`wal_autocheckpoint = ${o.paused > 0 ? 0 : o.worker ? FALLBACK_AUTOCHECKPOINT_PAGES : SQLITE_AUTOCHECKPOINT_PAGES}`);
}

function ownersOf(db: Db): { worker: boolean; paused: number } {
  let o = walOwners.get(db);
  if (!o) walOwners.set(db, (o = { worker: false, paused: 0 }));
  return o;
}

/** The checkpoint worker started (ready) or stopped for this connection. */
export function checkpointWorkerRunning(db: Db, running: boolean): void {
  ownersOf(db).worker = running;
  applyAutoCheckpoint(db);
}

/** The connection's automatic checkpoint off until the returned function is called (once is enough). */
export function pauseAutoCheckpoint(db: Db): () => void {
  ownersOf(db).paused++;
  applyAutoCheckpoint(db);
  let resumed = false;
  return () => {
    if (resumed) return;
    resumed = true;
    ownersOf(db).paused--;
    applyAutoCheckpoint(db);
  };
}

/**
 * Fold the WAL into the database file and truncate it (after a purge or a rewrite with
 * secure_delete: the WAL still holds the old pages). Only one checkpoint runs at a time, and a
 * TRUNCATE that meets another (the checkpoint worker's, every 2 s) answers busy at once, without
 * waiting: it is tried again, a few ms apart, until ~1 s has gone. One that waits for a reader (a
 * backup's snapshot) spends the busy timeout in each try: never tried again after that, so the
 * main thread waits no longer than it always did. Returns whether the WAL was truncated.
 */
export function truncateWal(db: Db): boolean {
  if (db.memory) return true;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + 1000;
  for (;;) {
    const row = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (!row[0] || row[0].busy === 0) return true;
    if (performance.now() >= until) return false;
    // A synchronous pause (callers are synchronous): the other checkpoint is a few ms of copying.
    Atomics.wait(pause, 0, 0, 25);
  }
}

const kept = new WeakMap<Db, Map<string, Statement<unknown[]>>>();

/**
 * A statement prepared once per connection and kept, by its SQL text (which must come from a small
 * fixed set: no values spliced in). Never a PRAGMA: SQLite applies a setting, and reads most
 * values, as it prepares the statement, so a kept pragma run again may do nothing. Issue 16: a job that runs the same SQL in many small steps on
 * the main thread (the retention purge's batches, ~10 statements each) otherwise
 * leaves thousands of dead statements behind, and V8 finalizes them (sqlite3_finalize, one by one)
 * inside a full garbage collection: the purge of 60,000 events in the fleet bench had three such
 * collections of 27-32 ms each, the longest stalls of the purge.
 */
export function keptStatement(db: Db, sql: string): Statement<unknown[]> {
  let byText = kept.get(db);
  if (!byText) kept.set(db, (byText = new Map()));
  let stmt = byText.get(sql);
  if (!stmt) byText.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

/**
 * Issue 16: a write the kiosk can simply do again commits without its fsync, so a background job
 * never blocks the main thread on the disk: folding the late notes into their counts (the notes
 * stay until folded), a batch of the retention purge (what a power cut undoes is purged on the
 * next run). On this VM such a commit's fsync took up to 25-80 ms while a backup was writing,
 * measured as the desk's longest stall. Still atomic and consistent (WAL); only the last such
 * commits before a power cut may be undone, never one before a later FULL commit (a sign-in's):
 * that commit's sync carries the WAL up to itself. Inside a transaction, or on a connection that
 * already commits without a sync, `fn` runs as it is (the pragma cannot change in a transaction).
 */
export function withoutCommitSync<T>(db: Db, fn: () => T): T {
  if (db.memory || db.readonly || db.inTransaction) return fn();
  const level = db.pragma('synchronous', { simple: true }) as number;
  if (level <= 1) return fn();
  // Set through exec, which keeps no statement object behind (see keptStatement).
  db.exec('PRAGMA synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.exec(`PRAGMA synchronous = ${level}`);
  }
}

/**
 * Sync a database's WAL file on libuv's threads (the caller awaits, the event loop runs): what
 * withoutCommitSync's commits wrote is then on the disk, and a checkpoint after them finds the WAL
 * clean (its own sync of it is then cheap). No WAL file (in memory, or not yet written): nothing to
 * do; durability never depends on this (a checkpoint syncs the WAL itself before copying).
 */
export async function syncWalOffThread(db: Db): Promise<void> {
  if (db.memory) return;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(`${db.name}-wal`, 'r+');
  } catch {
    return;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** For a side connection between its write steps: sync the WAL and fold it into the file, taking no write lock. */
export function syncWrites(db: Db): void {
  db.pragma('wal_checkpoint(PASSIVE)');
}

/**
 * For a side connection between its write steps, more cheaply than syncWrites: sync its WAL file
 * only, outside the write lock (one fdatasync of the -wal file, opened once), so that a scan's
 * commit, which syncs the same file, still never has the import's pages to flush. A checkpoint
 * does that and more: a second fsync (the database file), and a copy of every page written since
 * the last one, the index pages an import touches again and again copied each time. An import
 * still checkpoints now and then (roster/import-job.ts CHECKPOINT_MS). Where the WAL file cannot
 * be opened, each sync is a checkpoint, as before.
 */
export function walSyncer(db: Db): { sync: () => void; close: () => void } {
  let fd: number | null = null;
  let unopened = false;
  return {
    sync: () => {
      if (fd === null && !unopened) {
        try {
          fd = fs.openSync(`${db.name}-wal`, 'r+');
        } catch {
          unopened = true;
        }
      }
      // A failed sync (an I/O error, a full disk) is thrown, as a failed checkpoint would be.
      if (fd !== null) fs.fdatasyncSync(fd);
      else syncWrites(db);
    },
    close: () => {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}
