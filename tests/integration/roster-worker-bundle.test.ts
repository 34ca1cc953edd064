// Issue 16: the roster import's worker as it ships. scripts/build-electron.mjs bundles it as
// roster-worker.mjs beside main.mjs; the bundled main finds it there (not the .ts through tsx).
// Here a small bundled entry, built with the same settings into the same folder, imports a CSV
// into a kiosk database through RosterService, under plain Node, and must see it applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { buildElectron, mainExternals } from '../../scripts/build-electron.mjs';

const root = path.resolve(__dirname, '../..');
// Inside the repository, so that the bundles' external imports (better-sqlite3) resolve from node_modules.
let outDir: string;
let dataDir: string;

beforeAll(async () => {
  fs.mkdirSync(path.join(root, '.scratch'), { recursive: true });
  outDir = fs.mkdtempSync(path.join(root, '.scratch', 'bundle-'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-bundle-data-'));
  await buildElectron({ outDir, logLevel: 'silent' });
  const entry = path.join(outDir, 'entry.ts');
  fs.writeFileSync(
    entry,
    `import { KioskCore } from ${JSON.stringify(path.join(root, 'electron/core/kiosk'))};
import { csvTextSource } from ${JSON.stringify(path.join(root, 'electron/core/roster/sources/files'))};
const core = KioskCore.open({ dataDir: process.argv[2], demo: false });
// As when the admin opens the roster screen: the worker starts ahead of the import.
await core.roster.prepareImport();
const run = await core.roster.importNow(csvTextSource('id,forename,surname,year,badge\\na,Amelia,Smith,9,100001\\nb,Oliver,Jones,10,100002\\n', 'roster.csv'));
console.log(JSON.stringify({ outcome: run.outcome, added: run.counts.added, students: core.students.count() }));
// A worker started ahead and never used must not keep the kiosk from closing (execFileSync's timeout).
void core.roster.prepareImport();
core.close();
`,
  );
  await esbuild.build({
    entryPoints: [entry],
    outfile: path.join(outDir, 'entry.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: mainExternals,
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'silent',
  });
}, 240_000);

afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the bundled roster import worker', () => {
  it('is built beside main.mjs and imports a roster from a bundled main under plain Node', () => {
    expect(fs.existsSync(path.join(outDir, 'roster-worker.mjs'))).toBe(true);
    const out = execFileSync(process.execPath, [path.join(outDir, 'entry.mjs'), dataDir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ outcome: 'applied', added: 2, students: 2 });
  }, 180_000);
});
