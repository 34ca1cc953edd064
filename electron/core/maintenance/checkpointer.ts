// The WAL folded back into the database file on a thread of its own (issue 16). SQLite's automatic
// checkpoint runs inside whichever commit takes the WAL past 1,000 pages: a sign-in's, or the late
// counts' fold, on the kiosk's main thread, copying the pages and syncing the database file (the
// fleet bench: a 57 ms commit, the desk's longest stall while backups ran). Here a worker thread
// with its own connection runs a PASSIVE checkpoint every few seconds: it never takes the write
// lock, never waits for a reader (a backup's snapshot only holds back the part it still reads),
// and costs nothing when the WAL has nothing new. The main connection keeps SQLite's own checkpoint
// as a fallback, at a higher threshold, for a worker that lags or dies. An eval'd worker like the
// backup's (maintenance/backup.ts), so no bundle entry.
import { Worker } from 'node:worker_threads';
import { bindingOptions, checkpointWorkerRunning, type Db } from '../db/database';
import type { Logger } from '../logging/logger';
import { betterSqlitePath } from './backup';

/** How often the worker folds the WAL back (a desk's sign-ins between two: a few dozen pages at most). */
const EVERY_MS = 2000;

// The worker: one connection (synchronous NORMAL, better-sqlite3's default in WAL mode: a
// checkpoint still syncs the WAL before it copies and the database file before it marks the frames
// copied, so the WAL is never restarted over frames not yet in the file; only OFF would skip
// that), the checkpoint on a timer, a first one at once. A failed checkpoint (the disk) is
// reported once and tried again at the next tick; 'stop' closes it.
const SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
let db;
try {
  const Database = require(w.module);
  db = new Database(w.file, { fileMustExist: true, ...(w.nativeBinding ? { nativeBinding: w.nativeBinding } : {}) });
  db.pragma('wal_autocheckpoint = 0');
} catch (e) {
  parentPort.postMessage({ type: 'failed', error: String((e && e.message) || e) });
  process.exit(0);
}
let reported = false;
const fold = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    reported = false;
  } catch (e) {
    if (!reported) parentPort.postMessage({ type: 'error', error: String((e && e.message) || e) });
    reported = true;
  }
};
const timer = setInterval(fold, w.everyMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
fold();
`;

export interface WalCheckpointer {
  /** Stop the worker and put the main connection's own checkpoint back to SQLite's default. */
  stop(): Promise<void>;
}

/**
 * Start folding `db`'s WAL back on a worker thread. Nothing to do for a database in memory or a
 * read-only one. Until the worker says it is ready (and if it never starts), the main connection
 * keeps checkpointing as it always did.
 */
export function startCheckpointer(db: Db, options: { nativeBinding?: string; log: Logger; everyMs?: number }): WalCheckpointer {
  if (db.memory || db.readonly) return { stop: async () => {} };
  const { log } = options;
  let worker: Worker;
  try {
    worker = new Worker(SOURCE, {
      eval: true,
      name: 'passdesk-checkpoint',
      workerData: { file: db.name, module: betterSqlitePath(), nativeBinding: bindingOptions(options.nativeBinding).nativeBinding, everyMs: options.everyMs ?? EVERY_MS },
    });
  } catch (e) {
    log.warn('checkpoint worker not started; the kiosk checkpoints on its own thread', { error: (e as Error).message });
    return { stop: async () => {} };
  }
  // It never keeps the process alive (a CLI, a test): the main connection's fallback covers its absence.
  worker.unref();
  // The main connection's own checkpoint (db/database.ts: a fallback while the worker runs, off
  // while a roster import writes, SQLite's own otherwise) follows the worker's life.
  let running = false;
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (m: { type: string; error?: string }) => {
    if (m.type === 'ready') {
      running = true;
      checkpointWorkerRunning(db, true);
    } else if (m.type === 'failed' || m.type === 'error') {
      log.warn('checkpoint worker: the WAL was not folded back', { error: m.error });
    }
  });
  worker.on('error', (e) => log.warn('checkpoint worker stopped', { error: e.message }));
  void ended.then(() => {
    if (running) checkpointWorkerRunning(db, false);
  });
  return {
    stop: async () => {
      // Held by its end now: an unreferenced worker's exit would not keep an awaiting process alive.
      worker.ref();
      worker.postMessage('stop');
      await ended;
    },
  };
}
