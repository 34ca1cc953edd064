#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI into .electron-native/, leaving
// node_modules/better-sqlite3/build (Node's ABI, used by the tests, the CLI and the benchmarks)
// untouched. electron/main passes the result to better-sqlite3 as `nativeBinding`.
// See docs/native-modules.md.
//
//   npm run rebuild:electron            build if missing or made for another Electron
//   npm run rebuild:electron -- --force build again anyway
//
// node-hid needs nothing here: it is a Node-API add-on with prebuilt binaries, and Node-API is
// the same under Node and Electron.
import { rebuild } from '@electron/rebuild';
import console from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULE = 'better-sqlite3';
// Kept in step with electron/main/launch.ts.
const BINARY = 'better_sqlite3.node';
const STAMP = 'stamp.json';
const HEADERS_URL = 'https://www.electronjs.org/headers';

export class NativeBuildError extends Error {}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** What the build must match: the Electron in node_modules, this OS and CPU, this better-sqlite3. */
export function wantedStamp({ modulesDir = path.join(root, 'node_modules'), platform = process.platform, arch = process.arch } = {}) {
  let electron;
  try {
    electron = readJson(path.join(modulesDir, 'electron', 'package.json'));
  } catch {
    throw new NativeBuildError('The electron package is not installed. Run `npm install` first.');
  }
  const sqlite = readJson(path.join(modulesDir, MODULE, 'package.json'));
  const abi = fs.readFileSync(path.join(modulesDir, 'electron', 'abi_version'), 'utf8').trim();
  return { stamp: { electron: electron.version, platform, arch, betterSqlite3: sqlite.version }, abi };
}

/** 'fresh' when outDir already holds a build for exactly this stamp. */
export function buildState(outDir, stamp) {
  if (!fs.existsSync(path.join(outDir, BINARY))) return 'missing';
  try {
    const have = readJson(path.join(outDir, STAMP));
    return Object.keys(stamp).every((k) => have[k] === stamp[k]) ? 'fresh' : 'stale';
  } catch {
    return 'stale';
  }
}

/** The add-on names the ABI it was compiled for in its registration symbol. */
export function compiledAbi(file) {
  const m = /node_register_module_v(\d+)/.exec(fs.readFileSync(file).toString('latin1'));
  return m ? m[1] : null;
}

// npm passes its own config down as npm_config_* variables. A `nodedir` there (Debian sets
// /usr) would make node-gyp compile against the system Node's headers while calling it an
// Electron build: the very mismatch this script exists to avoid.
function cleanBuildEnv() {
  for (const key of Object.keys(process.env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|build_from_source)$/i.test(key)) delete process.env[key];
  }
}

async function reachable(url) {
  try {
    await globalThis.fetch(url, { method: 'HEAD', signal: globalThis.AbortSignal.timeout(8000) });
    return true;
  } catch {
    return false;
  }
}

/** Copy the module's sources (not its Node build) where @electron/rebuild can build it. */
function stageSources(workDir, modulesDir, stamp) {
  fs.rmSync(workDir, { recursive: true, force: true });
  const target = path.join(workDir, 'node_modules', MODULE);
  fs.cpSync(path.join(modulesDir, MODULE), target, {
    recursive: true,
    filter: (src) => !/[\\/](build|prebuilds|node_modules)$/.test(src),
  });
  fs.writeFileSync(
    path.join(workDir, 'package.json'),
    JSON.stringify({ name: 'passdesk-electron-native', private: true, dependencies: { [MODULE]: stamp.betterSqlite3 } }, null, 2),
  );
  return target;
}

export async function rebuildElectronNative({
  outDir = process.env.PASSDESK_NATIVE_DIR || path.join(root, '.electron-native'),
  modulesDir = path.join(root, 'node_modules'),
  force = false,
  log = (line) => console.log(line),
} = {}) {
  const { stamp, abi } = wantedStamp({ modulesDir });
  const label = `${MODULE} ${stamp.betterSqlite3} for Electron ${stamp.electron} (${stamp.platform}-${stamp.arch}, ABI ${abi})`;
  const rel = path.relative(process.cwd(), outDir) || outDir;
  if (!force && buildState(outDir, stamp) === 'fresh') {
    log(`rebuild:electron: ${label} is up to date in ${rel}/`);
    return { built: false, file: path.join(outDir, BINARY), stamp };
  }

  log(`rebuild:electron: building ${label} into ${rel}/ (node_modules stays as it is for Node)`);
  fs.mkdirSync(outDir, { recursive: true });
  const workDir = path.join(outDir, 'work');
  const moduleDir = stageSources(workDir, modulesDir, stamp);
  cleanBuildEnv();
  try {
    // A prebuilt binary for Electron is downloaded when one is published; otherwise node-gyp
    // compiles against Electron's headers (a C++ toolchain and Python are then needed).
    await rebuild({ buildPath: workDir, electronVersion: stamp.electron, arch: stamp.arch, onlyModules: [MODULE], force: true, mode: 'sequential' });
  } catch (e) {
    fs.rmSync(workDir, { recursive: true, force: true });
    const online = await reachable(`${HEADERS_URL}/v${stamp.electron}/SHASUMS256.txt`);
    const why = online
      ? `the build failed: ${String(e?.message ?? e).split('\n')[0]}. Check that a C++ compiler, make and Python 3 are installed.`
      : `this machine cannot reach ${HEADERS_URL} or github.com to fetch Electron's headers or a prebuilt binary.`;
    throw new NativeBuildError(
      `Cannot build ${label}: ${why}\n` +
        'Connect to the internet once and run `npm run rebuild:electron` again, or copy the .electron-native/ folder ' +
        'from a machine with the same Electron version, OS and CPU. (Node tests and the CLI do not need it.)',
    );
  }

  const built = path.join(moduleDir, 'build', 'Release', BINARY);
  if (!fs.existsSync(built)) throw new NativeBuildError(`Cannot build ${label}: @electron/rebuild finished but ${built} is missing.`);
  const got = compiledAbi(built);
  if (got !== null && got !== abi) {
    throw new NativeBuildError(`Cannot build ${label}: the result was compiled for ABI ${got}, not Electron's ${abi}.`);
  }
  fs.copyFileSync(built, path.join(outDir, BINARY));
  fs.writeFileSync(path.join(outDir, STAMP), JSON.stringify({ ...stamp, abi, builtAt: new Date().toISOString() }, null, 2));
  fs.rmSync(workDir, { recursive: true, force: true });
  log(`rebuild:electron: built ${rel}/${BINARY}`);
  return { built: true, file: path.join(outDir, BINARY), stamp };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  rebuildElectronNative({ force: process.argv.includes('--force') }).catch((e) => {
    console.error(e instanceof NativeBuildError ? `rebuild:electron: ${e.message}` : e);
    process.exit(1);
  });
}
