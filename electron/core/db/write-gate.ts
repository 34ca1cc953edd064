// The main thread's writes go first (issue 16). SQLite lets one connection write at a time; the
// roster import writes from a worker thread on its own connection, in short chunks. A scan must
// never queue behind a run of those chunks: SQLite's busy handler polls (sleeping 1, 2, 5, 10 ms…)
// and a worker that takes the lock again at once could win every poll.
//
// So every transaction on the main connection announces itself on a counter in shared memory
// before it asks for the lock, and the worker does not start a chunk while the counter is above
// zero. A scan waits at most for the one chunk already under way (a few ms).
//
// The main connection's transactions also become BEGIN IMMEDIATE: with another writer about, a
// deferred transaction that reads first and then writes can fail with SQLITE_BUSY_SNAPSHOT (the
// worker committed in between) instead of waiting; IMMEDIATE takes the write lock up front, with
// the busy timeout.
import type { Database as Db } from 'better-sqlite3';

/** A counter in shared memory: how many main-thread transactions are waiting for or holding the lock. */
export class WriteGate {
  readonly buffer: SharedArrayBuffer;
  private readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.buffer = buffer;
    this.cell = new Int32Array(buffer);
  }

  enter(): void {
    Atomics.add(this.cell, 0, 1);
  }

  leave(): void {
    Atomics.sub(this.cell, 0, 1);
    Atomics.notify(this.cell, 0);
  }

  /** Main-thread writers waiting or writing right now. */
  waiting(): number {
    return Atomics.load(this.cell, 0);
  }

  /**
   * For the worker (Atomics.wait blocks; never call it on the main thread): return once no
   * main-thread transaction waits. `maxMs` bounds the wait so a stuck counter never stops an import.
   */
  waitClear(maxMs = 2000): void {
    const until = Date.now() + maxMs;
    for (let v = Atomics.load(this.cell, 0); v > 0; v = Atomics.load(this.cell, 0)) {
      const left = until - Date.now();
      if (left <= 0) return;
      Atomics.wait(this.cell, 0, v, Math.min(left, 20));
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
