// Figures for benchmarks: medians and tail percentiles, never means (one GC pause skews a mean).
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN };
}

export const ms = (v: number) => `${v.toFixed(3)} ms`;

export function line(label: string, samples: number[]): string {
  const r = summarise(samples);
  return `${label.padEnd(44)} n=${r.n}  median ${ms(r.median)}  p95 ${ms(r.p95)}  p99 ${ms(r.p99)}`;
}

/** The marker run.ts looks for: it gathers these lines and repeats them, in the order, at the end. */
export const TARGET_MARK = '@@target ';

/**
 * One row of issue 16's table, in the form the issue asks for:
 * `target <short name>: <value> (goal <goal>) met` (or `NOT met`).
 */
export function target(name: string, value: string, goal: string, met: boolean): void {
  console.log(`${TARGET_MARK}target ${name}: ${value} (goal ${goal}) ${met ? 'met' : 'NOT met'}`);
}
