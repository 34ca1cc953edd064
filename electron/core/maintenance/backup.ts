// The nightly online backup. better-sqlite3's backup API copies the live database page by page
// while the kiosk keeps taking sign-ins (WAL: readers and the one writer do not block each other).
// A backup is written as `.partial`, checked with a full integrity check, flushed to disk and
// only then renamed into place: a file named passdesk-….sqlite is always a good one, which is
// what the start-up recovery and `kiosk restore` rely on.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Db } from '../db/database';
import { bindingOptions, latestVersion } from '../db/database';
import { EVENT_STATS_SQL, eventStats } from '../db/maintenance-queries';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../logging/logger';

export const BACKUP_DIR_NAME = 'backups';
const PREFIX = 'passdesk-';
const SUFFIX = '.sqlite';
// passdesk-2026-01-24T02-30-00-000Z.sqlite: an ISO instant with the characters Windows refuses replaced.
const NAME = /^passdesk-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.sqlite$/;

export interface BackupInfo {
  file: string;
  /** When the backup was taken (UTC ISO instant, from its name). */
  takenAt: string;
  bytes: number;
}

export type BackupCheck =
  | { ok: true; schemaVersion: number; events: number; newestEventAt: string | null }
  | { ok: false; problem: string };

export class BackupError extends Error {
  constructor(
    readonly kind: 'failed' | 'unusable' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupOptions {
  keep: number;
  clock?: Clock;
  log?: Logger;
  nativeBinding?: string;
}

// ---- "this kiosk has been set up" -------------------------------------------------------------
// A file beside the database, not in it: when the database vanishes (deleted, truncated to 0
// bytes, replaced by an empty file) the marker is still there to say that an empty database is a
// loss to recover from, never a new kiosk to set up. Written once the kiosk holds something a
// school put there (the first site admin PIN, saved settings, the first sign-in).
export const SETUP_MARKER_FILE = 'passdesk-setup.json';

export function setupMarkerOf(dataDir: string): string {
  return path.join(dataDir, SETUP_MARKER_FILE);
}

export function hasSetupMarker(dataDir: string): boolean {
  return fs.existsSync(setupMarkerOf(dataDir));
}

/** Write the marker if it is not there yet (flushed: it must outlive a power cut). */
export function writeSetupMarker(dataDir: string, at: Date, why: string): void {
  const file = setupMarkerOf(dataDir);
  if (fs.existsSync(file)) return;
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ setUpAt: at.toISOString(), why }, null, 2));
  fsyncFile(tmp);
  fs.renameSync(tmp, file);
  fsyncDir(dataDir);
}

// Whether a kiosk was ever set up (the marker, or a backup with content): maintenance/recovery.ts setUpBefore.

export function backupsDirOf(dataDir: string): string {
  return path.join(dataDir, BACKUP_DIR_NAME);
}

export function backupFileName(at: Date): string {
  return `${PREFIX}${at.toISOString().replace(/[:.]/g, '-')}${SUFFIX}`;
}

/**
 * Take one backup of the open database into `dir`, then keep only the newest `keep`.
 *
 * Issue 16: the copy, the switch to a self-contained file, the full integrity check and the
 * description all run in a worker thread with its own read-only connection to the live file (WAL:
 * a reader never blocks the kiosk's writes, nor they it); this thread only awaits it, then renames
 * and prunes. The worker holds one read transaction across the copy, so the backup is one snapshot
 * of everything committed when it started (a sign-in recorded while it runs is in the next one),
 * and the kiosk's writes never restart it. Where no worker can start, or for an in-memory
 * database, the same steps run here, paced (backupPacer) so that no step is a long stall.
 */
export async function backupDatabase(db: Db, dir: string, options: BackupOptions): Promise<BackupInfo & Extract<BackupCheck, { ok: true }>> {
  const log = options.log ?? silentLogger;
  const at = (options.clock ?? systemClock).now();
  const file = path.join(dir, backupFileName(at));
  const partial = `${file}.partial`;
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    await fs.promises.rm(partial, { force: true });
    const check = await copyAndCheck(db, partial, options.nativeBinding);
    if (!check.ok) throw new BackupError('unusable', `The new backup failed its check: ${check.problem}`);
    await fsyncFileAsync(partial);
    await fs.promises.rename(partial, file);
    await fsyncDirAsync(dir);
    // Asynchronous: unlinking a year's backup is a big file's worth of disk work.
    const pruned = await pruneBackupsAsync(dir, options.keep);
    const info = { file, takenAt: at.toISOString(), bytes: (await fs.promises.stat(file)).size, ...check };
    log.info('backup written', { file: path.basename(file), bytes: info.bytes, events: check.events, pruned: pruned.length });
    return info;
  } catch (e) {
    try {
      fs.rmSync(partial, { force: true });
    } catch {
      // The folder itself is the problem; the message below says so.
    }
    const message = e instanceof BackupError ? e.message : `The backup could not be written to ${dir}: ${(e as Error).message}`;
    log.error('backup failed', { error: message });
    throw e instanceof BackupError ? e : new BackupError('failed', message);
  }
}

/**
 * Copy the live database to `partial`, make it self-contained and check it: in a worker, or here
 * when none can start. Throws when the copy cannot be written; a copy that fails its check is
 * `{ ok: false }`.
 */
async function copyAndCheck(db: Db, partial: string, nativeBinding?: string): Promise<BackupCheck> {
  if (!db.memory) {
    let r: BackupWorkerResult | null = null;
    try {
      r = await backupInWorker(db.name, partial, nativeBinding);
    } catch {
      // No worker (an unusual runtime), or it died before it could answer: the steps below, here.
      await fs.promises.rm(partial, { force: true });
    }
    if (r?.stage === 'done') return judgeBackup(r.integrity, r.schemaVersion, r.stats);
    if (r?.stage === 'copy') throw new Error(r.error);
    if (r) return { ok: false, problem: r.error };
  }
  await db.backup(partial, { progress: backupPacer() });
  selfContained(partial, nativeBinding);
  // Off the main thread where it can: a full integrity check of a year's database takes a third
  // of a second or more.
  return checkBackupOffThread(partial, nativeBinding);
}

/**
 * better-sqlite3 copies a backup in steps, one per turn of the event loop; `progress` returns the
 * pages for the next step (default 100). Issue 16: the step follows the time the last one took,
 * aiming at 2–8 ms, so a slow disk never turns one step into a stall a scan would feel.
 */
function backupPacer(): (info: { totalPages: number; remainingPages: number }) => number {
  let pages = 100;
  let last = performance.now();
  return () => {
    const now = performance.now();
    const took = now - last;
    pages = took > 8 ? Math.max(8, Math.floor(pages / 2)) : took < 2 ? Math.min(1000, pages * 2) : pages;
    last = now;
    return pages;
  };
}

/** Backups in `dir`, newest first. Unfinished (.partial) and foreign files are ignored. */
export function listBackups(dir: string): BackupInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupInfo[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    try {
      out.push({ file, takenAt: `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`, bytes: fs.statSync(file).size });
    } catch {
      // Deleted between readdir and stat (a prune running in the kiosk while the CLI lists).
    }
  }
  return out.sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
}

/** Delete all but the newest `keep` backups, and any `.partial` left by a crash. Returns what went. */
export function pruneBackups(dir: string, keep: number): string[] {
  const gone = prunable(dir, keep);
  for (const f of gone) fs.rmSync(f, { force: true });
  return gone;
}

/** pruneBackups without blocking this thread on the unlinks (the backup's own prune). */
async function pruneBackupsAsync(dir: string, keep: number): Promise<string[]> {
  const gone = prunable(dir, keep);
  await Promise.all(gone.map((f) => fs.promises.rm(f, { force: true })));
  return gone;
}

function prunable(dir: string, keep: number): string[] {
  const gone = listBackups(dir)
    .slice(Math.max(keep, 1))
    .map((b) => b.file);
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(PREFIX) && name.endsWith('.partial')) {
      const f = path.join(dir, name);
      // A .partial younger than an hour may be another process's backup in progress.
      if (Date.now() - fs.statSync(f).mtimeMs > 3_600_000) gone.push(f);
    }
  }
  return gone;
}

/**
 * Is this file a kiosk database we could run on? Full integrity check (not the quick one: a
 * backup is read once a night and must be trustworthy), a schema this version knows, and the
 * events table readable to its last row.
 */
export function checkBackup(file: string, nativeBinding?: string): BackupCheck {
  let integrity: string;
  try {
    integrity = withReadOnly(file, nativeBinding, (db) => String(db.pragma('integrity_check', { simple: true })));
  } catch (e) {
    return { ok: false, problem: (e as Error).message };
  }
  return describeBackup(file, integrity, nativeBinding);
}

/** checkBackup with the integrity check in a worker thread; in-thread if a worker cannot start. */
export async function checkBackupOffThread(file: string, nativeBinding?: string): Promise<BackupCheck> {
  let integrity: { ok: true; value: string } | { ok: false; error: string } | null = null;
  try {
    integrity = await integrityInWorker(file, nativeBinding);
  } catch {
    // No worker (an unusual runtime): the check still runs, on this thread.
  }
  if (!integrity) return checkBackup(file, nativeBinding);
  if (!integrity.ok) return { ok: false, problem: integrity.error };
  return describeBackup(file, integrity.value, nativeBinding);
}

/** The cheap half of the check (milliseconds): schema version and the events table. */
function describeBackup(file: string, integrity: string, nativeBinding?: string): BackupCheck {
  if (integrity !== 'ok') return { ok: false, problem: `integrity check: ${integrity}` };
  try {
    return withReadOnly(file, nativeBinding, (db) => judgeBackup(integrity, db.pragma('user_version', { simple: true }) as number, eventStats(db)));
  } catch (e) {
    return { ok: false, problem: (e as Error).message };
  }
}

/** What the check's figures (from this thread or the backup's worker) say about a backup. */
function judgeBackup(integrity: string, schemaVersion: number, stats: { events: number; newestEventAt: string | null }): BackupCheck {
  if (integrity !== 'ok') return { ok: false, problem: `integrity check: ${integrity}` };
  if (schemaVersion === 0) return { ok: false, problem: 'it is not a Passdesk database (no schema).' };
  if (schemaVersion > latestVersion()) {
    return { ok: false, problem: `it was written by a newer Passdesk (schema ${schemaVersion}; this version knows up to ${latestVersion()}).` };
  }
  return { ok: true, schemaVersion, ...stats };
}

function withReadOnly<T>(file: string, nativeBinding: string | undefined, use: (db: Db) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...bindingOptions(nativeBinding) });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

// The worker is given better-sqlite3's resolved path: an eval'd worker resolves bare names from
// the working directory, not from here. In a packaged app the module is unpacked from the asar.
// It runs one pragma on its own connection (read-only unless told otherwise) and answers with its
// first column.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try {
  const Database = require(workerData.module);
  const db = new Database(workerData.file, { readonly: workerData.readonly, fileMustExist: true, ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}) });
  try {
    db.pragma('busy_timeout = 5000');
    parentPort.postMessage({ ok: true, value: String(db.pragma(workerData.pragma, { simple: true })) });
  } finally { db.close(); }
} catch (e) {
  parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
}`;

/** PRAGMA integrity_check of a database file (live or not) in a worker; in-thread if no worker starts. */
export async function integrityCheckOffThread(file: string, nativeBinding?: string): Promise<string> {
  let r: { ok: true; value: string } | { ok: false; error: string } | null = null;
  try {
    r = await integrityInWorker(file, nativeBinding);
  } catch {
    // No worker: below, on this thread.
  }
  if (!r) return withReadOnly(file, nativeBinding, (db) => String(db.pragma('integrity_check', { simple: true })));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function integrityInWorker(file: string, nativeBinding?: string): Promise<{ ok: true; value: string } | { ok: false; error: string }> {
  return pragmaInWorker(file, 'integrity_check', true, nativeBinding);
}

/**
 * One pragma on a connection of a worker thread's own to a database file: `{ ok: false }` when it
 * failed there; rejects only when no worker could start (the caller then runs it on this thread).
 */
export function pragmaInWorker(file: string, pragma: string, readonly: boolean, nativeBinding?: string): Promise<{ ok: true; value: string } | { ok: false; error: string }> {
  return evalWorker(WORKER_SOURCE, 'passdesk-pragma', { file, pragma, readonly, nativeBinding: bindingOptions(nativeBinding).nativeBinding, module: betterSqlitePath() });
}

/** An eval'd worker's one answer; rejects when it could not start or died without answering. */
function evalWorker<T>(source: string, name: string, workerData: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, name, workerData });
    worker.once('message', (m: T) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${name} worker exited with ${code}`)));
  });
}

export function betterSqlitePath(): string {
  return createRequire(import.meta.url).resolve('better-sqlite3').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

type BackupWorkerResult =
  | { stage: 'done'; integrity: string; schemaVersion: number; stats: { events: number; newestEventAt: string | null } }
  | { stage: 'copy' | 'check'; error: string };

// The whole backup in a worker thread (see backupDatabase). Its source connection is read-only and
// holds one read transaction from before the first page to after the last: every step of the copy
// reads the same snapshot, so a sign-in committed meanwhile neither restarts the copy nor half
// appears in it. Then, on the copy: the rollback journal (self-contained), the full integrity
// check, the schema version and the events table (EVENT_STATS_SQL, from db/). Every failure is
// answered with the stage it happened in; the worker never throws past its own try.
const BACKUP_WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.module);
const binding = w.nativeBinding ? { nativeBinding: w.nativeBinding } : {};
let stage = 'copy';
(async () => {
  const source = new Database(w.source, { readonly: true, fileMustExist: true, ...binding });
  try {
    source.pragma('busy_timeout = 5000');
    source.exec('BEGIN');
    source.pragma('schema_version');
    await source.backup(w.partial, { progress: () => 0x7fffffff });
    source.exec('COMMIT');
  } finally {
    source.close();
  }
  const copy = new Database(w.partial, { fileMustExist: true, ...binding });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  stage = 'check';
  const check = new Database(w.partial, { readonly: true, fileMustExist: true, ...binding });
  try {
    const integrity = String(check.pragma('integrity_check', { simple: true }));
    if (integrity !== 'ok') return { stage: 'done', integrity, schemaVersion: 0, stats: { events: 0, newestEventAt: null } };
    const schemaVersion = check.pragma('user_version', { simple: true });
    // A schema this version does not know is judged by its number alone, as on the main thread.
    const known = schemaVersion > 0 && schemaVersion <= w.latestVersion;
    const row = known ? check.prepare(w.eventStatsSql).get() : { n: 0, newest: null };
    return { stage: 'done', integrity, schemaVersion, stats: { events: row.n, newestEventAt: row.newest } };
  } finally {
    check.close();
  }
})().then(
  (r) => parentPort.postMessage(r),
  (e) => parentPort.postMessage({ stage, error: String((e && e.message) || e) }),
);`;

/** The backup in a worker; rejects only when the worker could not start or died without answering. */
function backupInWorker(source: string, partial: string, nativeBinding?: string): Promise<BackupWorkerResult> {
  return evalWorker(BACKUP_WORKER_SOURCE, 'passdesk-backup', {
    source,
    partial,
    nativeBinding: bindingOptions(nativeBinding).nativeBinding,
    module: betterSqlitePath(),
    eventStatsSql: EVENT_STATS_SQL,
    latestVersion: latestVersion(),
  });
}

/**
 * The copy carries the live database's WAL flag; switching it to a rollback journal makes it
 * one self-contained file (no -wal/-shm appearing beside it when it is read, safe to copy to a
 * USB stick). Opening it as the kiosk database switches it back to WAL.
 */
function selfContained(file: string, nativeBinding?: string): void {
  const db = new Database(file, bindingOptions(nativeBinding));
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function fsyncFileAsync(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDirAsync(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Make a rename durable. Windows cannot open a folder for fsync; NTFS journals the rename itself. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
