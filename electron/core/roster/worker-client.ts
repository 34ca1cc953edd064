// Starting the roster import worker and speaking to it (issue 16). From TypeScript sources (tsx,
// vitest, the CLI in development) the worker is import-worker.ts, loaded through tsx's loader,
// which a worker thread does not inherit on Node 20: a tiny ES module boot registers it first.
// In the Electron bundle it is roster-worker.mjs beside main.mjs (scripts/build-electron.mjs;
// Electron 17.3+ loads a worker from inside app.asar).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bindingOptions } from '../db/database';
import { mainWriteGate } from '../db/write-gate';
import type { Logger } from '../logging/logger';
import type { JobFinish, JobInput } from './import-job';
import { RosterError, type ProgressListener } from './model';
import type { SourceSpec } from './sources/spec-types';
import type { RosterPage } from '../mis/types';
import type { FromWorker, ToWorker, WorkerStart } from './worker-protocol';

const fromSources = import.meta.url.endsWith('.ts');

/** The worker's entry, and whether it is the bundle (which needs none of this process's loader flags). */
function workerEntry(): { url: URL; bundled: boolean } {
  if (!fromSources) return { url: new URL('./roster-worker.mjs', import.meta.url), bundled: true };
  // From the sources only (never in the shipped app, whose fuses shut such doors): a built
  // roster-worker.mjs instead of the sources, so that the roster bench measures the worker the kiosk ships.
  const built = process.env.PASSDESK_ROSTER_WORKER;
  if (built) return { url: pathToFileURL(built), bundled: true };
  const tsxApi = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  const entry = new URL('./import-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(pathToFileURL(tsxApi).href)}; register(); await import(${JSON.stringify(entry)});`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(boot)}`), bundled: false };
}

/**
 * Is the worker the built bundle (the kiosk as shipped, or the bench)? From the sources (tests,
 * development) a worker compiles TypeScript for a second or more as it starts.
 */
export function workerIsBundled(): boolean {
  return workerEntry().bundled;
}

export interface WorkerImport {
  file: string;
  nativeBinding?: string;
  job: JobInput;
  spec: SourceSpec;
  /** For a `pages` spec: the main thread fetches each page. */
  page?: (cursor: string | null) => Promise<RosterPage>;
  progress: ProgressListener;
  logger: Logger;
  signal?: AbortSignal;
  /** A worker started ahead (startImportWorker) and not yet given a job; else one is started now. */
  worker?: Worker;
}

/**
 * A worker thread running the import worker's code, idle until runInWorker hands it its job. It
 * does not keep the process alive while it waits (runInWorker takes it back).
 */
export function startImportWorker(): Worker {
  const entry = workerEntry();
  // The bundle starts as it does in Electron, whose main process has no loader flags: under tsx
  // (the bench) inheriting them would load tsx's hooks and source maps into the worker too. A
  // CPU profile asked of this process (the bench's PASSDESK_BENCH_PROFILE) is asked of it too.
  const profile = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
  const worker = new Worker(entry.url, { name: 'passdesk-roster-import', ...(entry.bundled ? { execArgv: profile } : {}) });
  worker.unref();
  return worker;
}

/** The newest import worker started: only its exit may lower the gate's chunk flag. */
let newest = 0;

/** Run one import in a fresh worker; resolves with what finishRun needs, rejects as the import failed. */
export function runInWorker(w: WorkerImport): Promise<JobFinish> {
  const start: WorkerStart = { file: w.file, nativeBinding: bindingOptions(w.nativeBinding).nativeBinding, gate: mainWriteGate.buffer, job: w.job, spec: w.spec };
  return new Promise<JobFinish>((resolve, reject) => {
    const worker = w.worker ?? startImportWorker();
    // An import in progress keeps the process alive (the CLI's, a test's) until it ends.
    worker.ref();
    const generation = ++newest;
    let settled = false;
    const send = (m: ToWorker) => worker.postMessage(m);
    const onAbort = () => send({ type: 'abort' });
    w.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      w.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'ready':
          return;
        case 'progress':
          w.progress(m.progress);
          return;
        case 'log':
          w.logger[m.level](m.msg, m.fields);
          return;
        case 'page':
          if (!w.page) return send({ type: 'page', id: m.id, error: 'This source has no pages to fetch.' });
          w.page(m.cursor).then(
            (page) => send({ type: 'page', id: m.id, page }),
            (e: Error) => send({ type: 'page', id: m.id, error: e.message }),
          );
          return;
        case 'done':
          settle(() => resolve(m.finish));
          return;
        case 'failed':
          settle(() => {
            if (m.rosterError) reject(new RosterError(m.rosterError.kind, m.rosterError.message));
            else reject(Object.assign(new Error(m.message), { stack: m.stack ?? m.message }));
          });
          return;
      }
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => {
      // A thread that died inside a chunk left its flag up: the main thread must not wait on it.
      // (Not if a newer import has started meanwhile: the flag may be its chunk's.)
      if (generation === newest) mainWriteGate.reset();
      settle(() => reject(new Error(`the import worker stopped (exit code ${code})`)));
    });
    // Its job: a worker started ahead has been waiting for it (messages queue until it listens).
    send({ type: 'start', start });
  });
}
