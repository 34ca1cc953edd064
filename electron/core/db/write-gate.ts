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
// The desk also goes first for the CPU. On a kiosk with two cores, the import worker (and the
// MIS, a printer driver, the renderer) keep both busy; a scan that lost its core half-way waited
// a whole time slice for it (8–10 ms in issue 16's bench, the p99). So while the main thread
// handles a student (a scan, a search, a sign-in: atDesk), a third cell says so, and the worker
// pauses its own CPU work at its next yield point (pauseForDesk: between students it converts,
// plans or writes), for at most a few ms, leaving a core free.
//
// The main connection's transactions also become BEGIN IMMEDIATE: with another writer about, a
// deferred transaction that reads first and then writes can fail with SQLITE_BUSY_SNAPSHOT (the
// worker committed in between) instead of waiting; IMMEDIATE takes the write lock up front, with
// the busy timeout (still there as a fallback: a wait below that ran out, a worker that died).
import type { Database as Db } from 'better-sqlite3';

const WAITING = 0; // main-thread transactions waiting for or holding the lock
const CHUNK = 1; // 1 while a worker chunk holds (or is about to take) the lock
const DESK = 2; // the main thread is handling a student (scan, search, sign-in) right now
const DESK_TURN = 3; // counts the desk's turns, so that the worker pauses once a turn
const CELLS = 4;

/**
 * Longest the worker pauses for one turn of the desk (a student at the desk takes about 1 ms of
 * CPU). Once a turn: on a machine so busy that the desk's turn itself waits long for a CPU, the
 * import is slowed by at most this much per student at the desk, never stopped.
 */
const DESK_WAIT_MS = 5;

/** Longest a main-thread transaction waits on a worker chunk before leaving it to the busy handler. */
const CHUNK_WAIT_MS = 100;

/** Three cells in shared memory: main-thread writers waiting, a worker chunk under way, the desk busy. */
export class WriteGate {
  readonly buffer: SharedArrayBuffer;
  private readonly cell: Int32Array;
  /** The desk's turn the worker last paused for (deskFirst). */
  private pausedTurn = -1;

  /** `chunkWaitMs`: longest a main-thread transaction waits on a chunk (tests lengthen it). */
  constructor(
    buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * CELLS),
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

  /** The desk is handling a student right now (the worker ends its chunk and pauses). */
  deskBusy(): boolean {
    return Atomics.load(this.cell, DESK) !== 0;
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

  /** Main thread: run `fn` (a scan, a search, a sign-in) with the desk marked busy for the worker. */
  atDesk<T>(fn: () => T): T {
    Atomics.add(this.cell, DESK_TURN, 1);
    Atomics.add(this.cell, DESK, 1);
    try {
      return fn();
    } finally {
      Atomics.sub(this.cell, DESK, 1);
      Atomics.notify(this.cell, DESK);
    }
  }

  /**
   * For the worker, at a yield point of its CPU work: while the desk is busy, wait, leaving it the
   * CPU; at most `maxMs`, and once per turn of the desk.
   */
  deskFirst(maxMs = DESK_WAIT_MS): void {
    let v = Atomics.load(this.cell, DESK);
    if (v === 0) return;
    const turn = Atomics.load(this.cell, DESK_TURN);
    if (turn === this.pausedTurn) return;
    this.pausedTurn = turn;
    const until = performance.now() + maxMs;
    for (; v > 0; v = Atomics.load(this.cell, DESK)) {
      const left = until - performance.now();
      if (left <= 0) return;
      Atomics.wait(this.cell, DESK, v, left);
    }
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

let yieldGate: WriteGate | null = null;

/** The import worker, at its start: its yield points (pauseForDesk) wait on this gate's desk. */
export function pauseForDeskOn(gate: WriteGate | null): void {
  yieldGate = gate;
}

/**
 * A yield point in the import's long CPU work (converting a page, planning, writing a chunk): if
 * the desk is handling a student, wait until it is done (a few ms at most). Nothing outside the
 * import worker (on the main thread the gate is never set: it must not block).
 */
export function pauseForDesk(): void {
  yieldGate?.deskFirst();
}

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
