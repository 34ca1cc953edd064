// The main thread's writes go first (issue 16). SQLite lets one connection write at a time; the
// roster import writes from a worker thread on its own connection, in short chunks. A scan must
// never queue behind a run of those chunks, nor sleep in SQLite's busy handler: that handler
// polls, sleeping 1, 2, 5, 10 ms… between tries, so a scan that met a chunk slept whole
// milliseconds after the chunk had ended (measured: most of a scan's extra time during an
// import), and a worker that takes the lock again at once could win every poll.
//
// So the gate is two-way, in shared memory:
// - every transaction on the main connection announces itself (a counter) before it asks for
//   the lock; the worker does not start a chunk while the counter is above zero, and a chunk
//   under way ends early (commits what it has) as soon as the counter rises;
// - the worker raises a "chunk under way" flag before its BEGIN and lowers it (with a notify)
//   after its COMMIT; a main-thread transaction that finds the flag up waits on it
//   (Atomics.wait, woken the moment the chunk commits) instead of in the busy handler, so its
//   BEGIN IMMEDIATE finds the lock free.
// The two sides set their own cell and then read the other's (sequentially consistent atomics),
// so they never both go ahead. A scan waits at most for the chunk's last write and its commit.
//
// The main connection's transactions also become BEGIN IMMEDIATE: with another writer about, a
// deferred transaction that reads first and then writes can fail with SQLITE_BUSY_SNAPSHOT (the
// worker committed in between) instead of waiting; IMMEDIATE takes the write lock up front, with
// the busy timeout (still there as a fallback: a wait below that ran out, a worker that died).
import type { Database as Db } from 'better-sqlite3';

const WAITING = 0; // main-thread transactions waiting for or holding the lock
const CHUNK = 1; // 1 while a worker chunk holds (or is about to take) the lock

/** Longest a main-thread transaction waits on a worker chunk before leaving it to the busy handler. */
const CHUNK_WAIT_MS = 100;

/** Two cells in shared memory: main-thread writers waiting, and a worker chunk under way. */
export class WriteGate {
  readonly buffer: SharedArrayBuffer;
  private readonly cell: Int32Array;

  /** `chunkWaitMs`: longest a main-thread transaction waits on a chunk (tests lengthen it). */
  constructor(
    buffer: SharedArrayBuffer = new SharedArrayBuffer(8),
    private readonly chunkWaitMs = CHUNK_WAIT_MS,
  ) {
    this.buffer = buffer;
    this.cell = new Int32Array(buffer);
  }

  /** Main thread, before its BEGIN: announce, then let a chunk under way commit. */
  enter(): void {
    Atomics.add(this.cell, WAITING, 1);
    this.awaitChunk();
  }

  leave(): void {
    Atomics.sub(this.cell, WAITING, 1);
    Atomics.notify(this.cell, WAITING);
  }

  /** Main-thread writers waiting or writing right now. */
  waiting(): number {
    return Atomics.load(this.cell, WAITING);
  }

  /** A worker chunk holds (or is about to take) the write lock. */
  chunkUnderWay(): boolean {
    return Atomics.load(this.cell, CHUNK) !== 0;
  }

  /**
   * For the worker (Atomics.wait blocks; never call it on the main thread): return once no
   * main-thread transaction waits. `maxMs` bounds the wait so a stuck counter never stops an import.
   */
  waitClear(maxMs = 2000): void {
    const until = Date.now() + maxMs;
    for (let v = Atomics.load(this.cell, WAITING); v > 0; v = Atomics.load(this.cell, WAITING)) {
      const left = until - Date.now();
      if (left <= 0) return;
      Atomics.wait(this.cell, WAITING, v, Math.min(left, 20));
    }
  }

  /**
   * For the worker, before a chunk's BEGIN: wait until no main-thread transaction waits, then
   * raise the flag. A main-thread writer that announced itself meanwhile goes first. Bounded
   * like waitClear: a stuck counter slows the import, never stops it.
   */
  beginChunk(maxMs = 2000): void {
    const until = Date.now() + maxMs;
    for (;;) {
      this.waitClear(Math.max(0, until - Date.now()));
      Atomics.store(this.cell, CHUNK, 1);
      if (Atomics.load(this.cell, WAITING) === 0 || Date.now() >= until) return;
      this.endChunk();
    }
  }

  /** For the worker, after the chunk's COMMIT (or its failure): lower the flag, wake the waiting writer. */
  endChunk(): void {
    Atomics.store(this.cell, CHUNK, 0);
    Atomics.notify(this.cell, CHUNK);
  }

  /** The worker's import has ended (or its thread died): no chunk can be under way. */
  reset(): void {
    this.endChunk();
  }

  private awaitChunk(): void {
    if (Atomics.load(this.cell, CHUNK) === 0) return;
    const until = performance.now() + this.chunkWaitMs;
    while (Atomics.load(this.cell, CHUNK) !== 0) {
      const left = until - performance.now();
      if (left <= 0) return;
      try {
        Atomics.wait(this.cell, CHUNK, 1, left);
      } catch {
        return; // a thread that may not block (a browser's main thread): the busy handler waits instead
      }
    }
  }
}

/** The process's gate: the main connection(s) announce on it; a worker is handed its buffer. */
export const mainWriteGate = new WriteGate();

type TxFn = ((...args: unknown[]) => unknown) & { deferred: unknown; immediate: unknown; exclusive: unknown };

/**
 * Make `db.transaction(fn)` give an IMMEDIATE transaction that announces itself on the gate.
 * Nested calls (a transaction inside another) stay savepoints, as better-sqlite3 makes them.
 */
export function giveWritesPriority(db: Db, gate: WriteGate = mainWriteGate): void {
  const original = db.transaction.bind(db) as unknown as (fn: (...args: unknown[]) => unknown) => TxFn;
  const patched = (fn: (...args: unknown[]) => unknown) => {
    const tx = original(fn);
    const immediate = tx.immediate as (...args: unknown[]) => unknown;
    const run = (...args: unknown[]) => {
      if (db.inTransaction) return immediate(...args); // a savepoint inside the outer one
      gate.enter();
      try {
        return immediate(...args);
      } finally {
        gate.leave();
      }
    };
    return Object.assign(run, { deferred: tx.deferred, immediate: run, exclusive: tx.exclusive });
  };
  (db as unknown as { transaction: unknown }).transaction = patched;
}
