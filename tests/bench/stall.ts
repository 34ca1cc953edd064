// Event-loop stalls, measured with a ticker (a 5 ms timer; the longest gap between its ticks).
//
// On a shared machine a gap has two parts: time the main thread was running or blocked in our
// code (JavaScript, a SQLite lock wait, an fsync) — the stall this issue is about — and time it
// sat ready on the OS run queue while other processes had the CPUs (with a load of 16 on two
// cores an idle Node process shows 300 ms gaps). Linux counts the second part per thread in
// /proc/<pid>/task/<tid>/schedstat (field 2, ns); the main thread's tid is the pid. So each gap
// is split: own = gap − run-queue wait. Elsewhere (no schedstat) own = gap.
import fs from 'node:fs';

const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

/** This thread's total run-queue wait so far (ms), or null where Linux schedstat is missing. */
export function runQueueMs(): number | null {
  const ns = runQueueNs();
  return ns === null ? null : ns / 1e6;
}

function runQueueNs(): number | null {
  try {
    return Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]);
  } catch {
    return null;
  }
}

export interface StallFigures {
  /** Longest gap between ticks beyond the tick interval, as a student at the desk would feel it. */
  maxGapMs: number;
  /** Longest gap less the time the thread waited for a CPU: what our own code blocked. */
  maxOwnMs: number;
  /** Run-queue wait inside the longest gap. */
  queueAtMaxGapMs: number;
  ticks: number;
}

export function startStallMonitor(everyMs = 5): { stop(): StallFigures } {
  let last = performance.now();
  let lastQ = runQueueNs();
  const f: StallFigures = { maxGapMs: 0, maxOwnMs: 0, queueAtMaxGapMs: 0, ticks: 0 };
  const tick = () => {
    const now = performance.now();
    const q = runQueueNs();
    const gap = Math.max(0, now - last - everyMs);
    const queued = q !== null && lastQ !== null ? (q - lastQ) / 1e6 : 0;
    const own = Math.max(0, gap - queued);
    if (gap > f.maxGapMs) {
      f.maxGapMs = gap;
      f.queueAtMaxGapMs = queued;
    }
    f.maxOwnMs = Math.max(f.maxOwnMs, own);
    f.ticks++;
    last = now;
    lastQ = q;
  };
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      tick();
      clearInterval(timer);
      return f;
    },
  };
}

/** A ticker over `ms` with nothing else to do: the machine's own noise, for the report. */
export async function idleBaseline(ms = 2000): Promise<StallFigures> {
  const m = startStallMonitor();
  await new Promise((r) => setTimeout(r, ms));
  return m.stop();
}
