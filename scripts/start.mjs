#!/usr/bin/env node
// `npm start`: build, make sure Electron and its build of better-sqlite3 are here, run the kiosk.
// Arguments after `--` go to the app: `npm start -- --windowed` opens an admin window.
//
// Each step says what it does, because the first run downloads Electron (~100 MB) and possibly
// compiles better-sqlite3, and a silent minute looks like a hang.
//
// On a fresh clone node_modules does not exist yet: only Node's own modules and ensure-deps.mjs
// are imported statically; everything from node_modules is imported after `npm ci` has run.
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { SetupError, ensureDeps } from './ensure-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const say = (line) => console.log(`start: ${line}`);

class StartError extends Error {}

function npmRun(script) {
  say(`npm run ${script}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new StartError(`npm run ${script} failed (exit ${r.status ?? r.signal}).`);
}

/** The Electron binary, downloaded now if the electron package has not fetched it yet. */
function ensureElectronBinary() {
  const { version } = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8'));
  const installed = () => {
    try {
      const rel = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
      const dist = fs.readFileSync(path.join(electronDir, 'dist', 'version'), 'utf8').replace(/^v/, '').trim();
      return dist === version && fs.existsSync(path.join(electronDir, 'dist', rel));
    } catch {
      return false;
    }
  };
  if (!installed()) {
    // electron 45 fetches its binary on first use rather than at npm install: do it here, in
    // the open, instead of deep inside require('electron').
    say(`downloading the Electron ${version} binary (about 100 MB, once; ELECTRON_MIRROR is honoured)…`);
    const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { cwd: electronDir, stdio: 'inherit' });
    if (r.status !== 0 || !installed()) {
      throw new StartError(
        `Could not download Electron ${version} (the error is above). Most often this machine cannot reach the ` +
          'Electron release server (github.com, or ELECTRON_MIRROR if set). Connect to the internet, or set ELECTRON_MIRROR to a mirror ' +
          'your school allows, and run `npm start` again. The tests and the admin CLI (`npm run kiosk`) do not need Electron.',
      );
    }
  }
  // The package's main export is the executable's path; it no longer downloads once installed.
  return createRequire(import.meta.url)('electron');
}

/** Set once the native-build helper is loaded, so that its errors read as known ones. */
let NativeBuildError = null;

async function main() {
  ensureDeps(root, 'start');
  const native = await import('./rebuild-electron-native.mjs');
  NativeBuildError = native.NativeBuildError;
  npmRun('build:renderer');
  npmRun('build:electron');
  const electron = ensureElectronBinary();
  say('checking the Electron build of better-sqlite3');
  await native.rebuildElectronNative({ log: (line) => console.log(line) });

  const args = ['.', ...process.argv.slice(2)];
  say(`electron ${args.join(' ')}`);
  const env = { ...process.env };
  // Set by some shells and IDEs; it would run main.mjs as plain Node and fail oddly.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((e) => {
  const known = e instanceof StartError || e instanceof SetupError || (NativeBuildError && e instanceof NativeBuildError);
  console.error(known ? `\nnpm start: ${e.message}` : e);
  process.exit(1);
});
