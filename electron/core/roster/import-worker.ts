// The roster import's worker thread (issue 16): its own SQLite connection, the source read and
// converted here, the plan made here, the writes in short chunks that let the main thread's
// transactions go first. The main thread hears only progress, log lines, page requests (a
// connector's pages) and the result. Started by worker-client.ts, possibly ahead of its import
// (RosterService.prepareImport): it waits for its job in a 'start' message. Bundled as
// roster-worker.mjs.
import { parentPort } from 'node:worker_threads';
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

async function main(start: WorkerStart): Promise<void> {
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
