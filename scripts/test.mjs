// `npm test`: everything CI checks, in order — typecheck, lint, dependency rules, unit + integration (vitest),
// end-to-end in Chromium (Playwright) — then one closing line "N passed, N failed".
// On a fresh clone it first runs `npm ci` (scripts/ensure-deps.mjs), and before the end-to-end
// step it makes sure Chromium is there (apt as root) or says in one line what to install.
// Only Node's own modules are imported: node_modules may not exist yet.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SetupError, ensureChromium, ensureDeps } from './ensure-deps.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-test-'));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const only = process.argv[2]; // e.g. `npm test -- unit`

try {
  ensureDeps(root, 'npm test');
} catch (e) {
  if (!(e instanceof SetupError)) throw e;
  console.error(`npm test: ${e.message}`);
  process.exit(1);
}

function step(name, cmd, args, env = {}) {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

let passed = 0;
let failed = 0;
const failures = [];
function count(name, ok, file, read) {
  let counted = false;
  try {
    const c = read(JSON.parse(fs.readFileSync(file, 'utf8')));
    passed += c.passed;
    failed += c.failed;
    counted = true;
  } catch {
    /* the runner died before writing its report */
  }
  if (!ok) {
    failures.push(name);
    if (!counted) failed += 1;
  }
}

if (!only || only === 'static') {
  for (const [name, cmd, args] of [
    ['typecheck (node)', npx, ['tsc', '-p', 'tsconfig.node.json', '--noEmit']],
    ['typecheck (web)', npx, ['tsc', '-p', 'tsconfig.web.json', '--noEmit']],
    ['typecheck (e2e, bench)', npx, ['tsc', '-p', 'tsconfig.e2e.json', '--noEmit']],
    ['lint', npx, ['eslint', '.', '--max-warnings=0']],
    ['dependency rules', process.execPath, ['scripts/deps.mjs']],
  ]) {
    if (step(name, cmd, args)) passed++;
    else {
      failed++;
      failures.push(name);
    }
  }
}

if (!only || only === 'unit') {
  const file = path.join(tmp, 'vitest.json');
  const ok = step('unit + integration', npx, ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  count('unit + integration', ok, file, (j) => ({ passed: j.numPassedTests, failed: j.numFailedTests }));
}

if (!only || only === 'e2e') {
  const missing = ensureChromium('npm test');
  const built = !missing && step('build renderer', 'npm', ['run', '-s', 'build:renderer']);
  if (missing) {
    console.log(`\nnpm test: ${missing}`);
    failed++;
    failures.push('end-to-end (no Chromium)');
  } else if (!built) {
    failed++;
    failures.push('build renderer');
  } else {
    const file = path.join(tmp, 'playwright.json');
    const ok = step('end-to-end (Chromium)', npx, ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
    count('end-to-end', ok, file, (j) => ({ passed: j.stats.expected + (j.stats.flaky ?? 0), failed: j.stats.unexpected }));
  }
}

console.log(failures.length ? `\nFailed steps: ${failures.join(', ')}` : '\nAll steps passed.');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);
