// The write gate between the main thread and the roster import's worker (db/write-gate.ts): a
// main-thread transaction waits for the worker's chunk to commit (not in SQLite's busy handler),
// and the worker starts no chunk while a main-thread transaction waits. Real threads, shared
// memory; no timings: each side records what it saw in a shared cell.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteGate } from '../../electron/core/db/write-gate';

const workers: Worker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.terminate();
});

/** A worker thread running `body(gate, seen, post)` with WriteGate from the sources (through tsx). */
function gateWorker(gate: WriteGate, seen: Int32Array, body: string): Worker {
  const tsxApi = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  const gateUrl = new URL('../../electron/core/db/write-gate.ts', import.meta.url).href;
  const code = `
    import { workerData, parentPort } from 'node:worker_threads';
    const { register } = await import(${JSON.stringify(pathToFileURL(tsxApi).href)});
    register();
    const { WriteGate } = await import(${JSON.stringify(gateUrl)});
    const gate = new WriteGate(workerData.gate);
    const seen = new Int32Array(workerData.seen);
    const post = (m) => parentPort.postMessage(m);
    ${body}
  `;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: { gate: gate.buffer, seen: seen.buffer } });
  workers.push(w);
  return w;
}

const message = (w: Worker, wanted: string) =>
  new Promise<void>((resolve, reject) => {
    w.on('message', (m) => m === wanted && resolve());
    w.once('error', reject);
  });

describe('the write gate', () => {
  it('a main-thread transaction waits for the chunk under way to commit, and the chunk ends as soon as it waits', async () => {
    const gate = new WriteGate(undefined, 60_000);
    const seen = new Int32Array(new SharedArrayBuffer(8));
    // The worker's chunk: it writes until a main-thread writer waits (as roster-writer's loop
    // does), then "commits" (seen[0] = 1) and lowers its flag.
    const w = gateWorker(
      gate,
      seen,
      `gate.beginChunk(60_000);
       post('in chunk');
       while (gate.waiting() === 0) {}
       Atomics.store(seen, 0, 1);
       gate.endChunk();`,
    );
    await message(w, 'in chunk');
    expect(gate.chunkUnderWay()).toBe(true);
    gate.enter();
    // enter() came back: the chunk had committed, and its flag is down.
    expect(Atomics.load(seen, 0)).toBe(1);
    expect(gate.chunkUnderWay()).toBe(false);
    gate.leave();
  });

  it('the worker starts no chunk while a main-thread transaction waits or writes', async () => {
    const gate = new WriteGate(undefined, 60_000);
    const seen = new Int32Array(new SharedArrayBuffer(8));
    gate.enter(); // a main-thread transaction holds the lock
    const w = gateWorker(
      gate,
      seen,
      `post('ready');
       gate.beginChunk(60_000);
       Atomics.store(seen, 0, 1);
       gate.endChunk();
       post('chunk done');`,
    );
    const done = message(w, 'chunk done');
    await message(w, 'ready');
    // Some work inside the transaction: the worker is blocked in beginChunk all along.
    let sum = 0;
    for (let i = 0; i < 1e6; i++) sum += i;
    expect(sum).toBeGreaterThan(0);
    expect(Atomics.load(seen, 0)).toBe(0);
    expect(gate.chunkUnderWay()).toBe(false);
    gate.leave();
    await done;
    expect(Atomics.load(seen, 0)).toBe(1);
  });

  it('a worker that died inside a chunk does not hold the main thread up (reset on its exit)', () => {
    const gate = new WriteGate(undefined, 60_000);
    gate.beginChunk(); // as a worker that never reached endChunk
    expect(gate.chunkUnderWay()).toBe(true);
    gate.reset();
    gate.enter();
    expect(gate.waiting()).toBe(1);
    gate.leave();
    expect(gate.waiting()).toBe(0);
  });
});
