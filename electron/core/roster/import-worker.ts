// The roster import's worker thread (issue 16): its own SQLite connection, the source read and
// converted here, the plan made here, the writes in short chunks that let the main thread's
// transactions go first. The main thread hears only progress, log lines, page requests (a
// connector's pages) and the result. Started by worker-client.ts, possibly ahead of its import
// (RosterService.prepareImport): it waits for its job in a 'start' message. Bundled as
// roster-worker.mjs.
import fs from 'node:fs';
import os from 'node:os';
import { isMainThread, parentPort } from 'node:worker_threads';
import { openSideConnection } from '../db/database';
import { WriteGate } from '../db/write-gate';
import type { Logger } from '../logging/logger';
import type { RosterPage } from '../mis/types';
import { runImportJob } from './import-job';
import { RosterError } from './model';
import { readerFor } from './sources/spec';
import { RosterStore } from '../db/roster-store';
import type { FromWorker, ToWorker, WorkerStart } from './worker-protocol';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

const logger: Logger = {
  debug: (msg, fields) => post({ type: 'log', level: 'debug', msg, fields }),
  info: (msg, fields) => post({ type: 'log', level: 'info', msg, fields }),
  warn: (msg, fields) => post({ type: 'log', level: 'warn', msg, fields }),
  error: (msg, fields) => post({ type: 'log', level: 'error', msg, fields }),
};

const abort = new AbortController();
const pageWaits = new Map<number, { resolve: (p: RosterPage) => void; reject: (e: Error) => void }>();
let nextPage = 0;
let started = false;
port.on('message', (m: ToWorker) => {
  // One job per thread (a second start is a caller's mistake, and ignored).
  if (m.type === 'start' && !started) {
    started = true;
    void main(m.start);
  }
  if (m.type === 'abort') abort.abort();
  if (m.type === 'page') {
    const w = pageWaits.get(m.id);
    pageWaits.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.page!);
  }
});

/**
 * How far below the desk's priority the import's thread runs (a Linux nice value, added to the
 * desk's). On two cores the import's thread, V8's helper threads and the desk's thread are often
 * three that want a CPU, and then the desk's thread waited 3-15 ms for one in the middle of a
 * scan; a scan-sized task beside two busy processes waited p99 5-6 ms for a CPU at their priority,
 * 0.1-1.6 ms with them at nice 19 (issue 16's bench, docs/roster.md). Nice sets shares, not strict
 * order: at 10 below, the desk's thread gets about nine times the import's share of a contended
 * CPU. Lowered, the scans' p99 during a 50,000-student CSV import fell from 12.8-13.8 ms in five
 * runs to 9.3-11.2 ms in four (Wonde: 10.1-12.9 against 9.2-11.3, overlapping). At 19 the import
 * would get ~1.5% of a CPU against a busy program at the desk's priority and in the same session
 * (nice counts only within it: autogroup, sched(7)), minutes for a large roster; at 10, a tenth.
 * On an idle machine it changes nothing. The cost: a scan that waits at the write gate for a chunk
 * to commit may now wait longer for the lowered thread to finish it (seen once, 11.6 ms). A chunk
 * ends as soon as a scan waits, so that is at most one statement's work, but its time stretches
 * with the contention.
 */
const IMPORT_NICE = 10;

/**
 * Lower this thread's priority (IMPORT_NICE), Linux only: there a thread's nice value is its own,
 * and setpriority's id 0 is the calling thread (setpriority(2), NPTL). Elsewhere Node sets only a
 * whole process's priority, which would slow the desk too, so nothing changes. Never on the main
 * thread (the desk's). Threads this thread starts afterwards inherit the value: libuv's pool is
 * started first (see main), so that the desk's asynchronous file work never runs lowered.
 * Returns the nice values, or null where nothing was lowered.
 */
function lowerThisThreadsPriority(): { nice: number; desk: number } | null {
  if (process.platform !== 'linux' || isMainThread) return null;
  try {
    const desk = os.getPriority(process.pid);
    const now = os.getPriority(0);
    // Never a lower nice value than the thread has: that would raise its priority (refused without
    // privilege, and done as root).
    os.setPriority(0, Math.max(now, Math.min(19, desk + IMPORT_NICE)));
    const nice = os.getPriority(0);
    return nice > desk ? { nice, desk } : null;
  } catch (e) {
    logger.debug('roster: the import\'s CPU priority could not be lowered', { code: (e as NodeJS.ErrnoException).code, error: (e as Error).message });
    return null;
  }
}

async function main(start: WorkerStart): Promise<void> {
  // libuv's thread pool is made by the first thread to use it, and its threads take that thread's
  // priority: it is started (one stat on the pool) before this thread is lowered.
  await fs.promises.stat(start.file).catch(() => undefined);
  const lowered = lowerThisThreadsPriority();
  if (lowered) logger.info('roster: the import runs at a lower CPU priority than the desk', lowered);
  const db = openSideConnection(start.file, start.nativeBinding);
  try {
    const store = new RosterStore(db);
    const read = readerFor(start.spec, {
      logger,
      page: (cursor) =>
        new Promise<RosterPage>((resolve, reject) => {
          const id = ++nextPage;
          pageWaits.set(id, { resolve, reject });
          post({ type: 'page', id, cursor });
        }),
      pendingRollover: () => {
        const p = store.pendingRollover(true);
        if (!p) throw new RosterError('no_pending_rollover', 'There is no new academic year waiting for approval.');
        return { records: p.records, issues: [], label: p.sourceLabel };
      },
    });
    const finish = await runImportJob(
      { db, store, logger, progress: (p) => post({ type: 'progress', progress: p }), gate: new WriteGate(start.gate), signal: abort.signal, syncBetween: true },
      start.job,
      read,
    );
    post({ type: 'done', finish });
  } catch (e) {
    const err = e as Error;
    post({ type: 'failed', rosterError: e instanceof RosterError ? { kind: e.kind, message: e.message } : undefined, message: err.message, stack: err.stack });
  } finally {
    db.close();
    port.close();
    // A page asked for ahead when the import had already ended (failed, stopped) must not keep the
    // thread alive through its retries; a second after the result went out, the thread ends.
    setTimeout(() => process.exit(0), 1000).unref();
  }
}

// Loaded: a worker started ahead of its import (RosterService.prepareImport) says it is ready.
post({ type: 'ready' });
