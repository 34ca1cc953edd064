// `npm run bench`: every tests/bench/*.bench.ts in turn, each in its own process so one
// benchmark's heap and file handles never colour the next one's figures.
// `npm run bench -- scan` runs only the files whose name contains "scan".
// It ends with issue 16's table, one line per row, in the issue's order:
//   target <short name>: <value> (goal <goal>) met | NOT met
// (a row whose bench did not report is printed as not measured, NOT met).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TARGET_MARK } from './stats';

/** Issue 16's rows: short name → goal (for a row that was not measured). */
const ROWS: [string, string][] = [
  ['import stall', '≤ 50 ms'],
  ['scan p99 during import', '≤ 2×'],
  ['wonde import / paging', '≤ 1.5×'],
  ['scan path / bare insert', '≤ 2×'],
  ['name search p99', '≤ 5 ms'],
  ['purge / backup stall', '≤ 50 ms'],
  ['drain rate, cpu busy', '≥ 0.9'],
];

const dir = path.dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2];
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
const targets = new Map<string, string>();
const started = performance.now();

function runOne(file: string): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(dir, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout }).on('line', (l) => {
      if (l.startsWith(TARGET_MARK)) {
        const text = l.slice(TARGET_MARK.length);
        const name = /^target (.+?): /.exec(text)?.[1];
        if (name) targets.set(name, text);
        console.log(text);
      } else console.log(l);
    });
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'killed'));
  });
}

let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const t0 = performance.now();
  const status = await runOne(f);
  console.log(`(${f}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (status !== 0) {
    failed++;
    console.log(`(${f} exited with ${status})`);
  }
}

console.log(`\n=== issue 16 targets (whole bench ${((performance.now() - started) / 60_000).toFixed(1)} min)`);
for (const [name, goal] of ROWS) {
  if (filter && !targets.has(name)) continue;
  console.log(targets.get(name) ?? `target ${name}: not measured (goal ${goal}) NOT met`);
}
// Other issues' targets (the lateness report, the roll call print…), after issue 16's table.
const others = [...targets.keys()].filter((n) => !ROWS.some(([r]) => r === n));
if (others.length) {
  console.log('\n=== other targets');
  for (const n of others) console.log(targets.get(n));
}
process.exit(failed ? 1 : 0);
