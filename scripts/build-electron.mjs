#!/usr/bin/env node
// Bundles the Electron side: electron/main/main.ts → dist/electron/main.mjs (ESM, for Electron's
// Node 22) and electron/preload/preload.ts → dist/electron/preload.cjs (ONE CommonJS file: a
// sandboxed preload can require 'electron' and nothing of ours), and the roster import's worker
// thread electron/core/roster/import-worker.ts → dist/electron/roster-worker.mjs, beside main.mjs
// where electron/core/roster/worker-client.ts looks for it (issue 16). `npm run build:electron`.
import * as esbuild from 'esbuild';
import { Buffer } from 'node:buffer';
import console from 'node:console';
import process from 'node:process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Left in node_modules and loaded at run time: Electron itself, native add-ons (their .node
 * files must sit next to their JavaScript, and better-sqlite3 is given its Electron build via
 * `nativeBinding`), and packages that start worker threads from files of their own.
 */
export const mainExternals = [
  'electron',
  'better-sqlite3',
  'node-hid',
  'ssh2',
  'cpu-features',
  'pino',
  'pino-pretty',
  'thread-stream',
  'electron-updater',
];

// CommonJS packages bundled into an ES module still call require() for Node's built-ins.
const requireShim =
  "import { createRequire as __passdeskCreateRequire } from 'node:module';\n" +
  'const require = __passdeskCreateRequire(import.meta.url);';

/**
 * The preload needs only the contract's names, not its zod schemas (zod alone is ~700 kB that
 * every page load would evaluate in the isolated world). So the contract is evaluated here, at
 * build time, and the preload's import of it is replaced by its names: still one source of truth.
 */
async function contractNames() {
  const contract = path.join(root, 'shared/ipc/contract.ts');
  const out = await esbuild.build({ entryPoints: [contract], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  return { callNames: mod.callNames, eventNames: mod.eventNames, IPC_CHANNEL_PREFIX: mod.IPC_CHANNEL_PREFIX };
}

function contractNamesPlugin(names) {
  return {
    name: 'contract-names',
    setup(build) {
      build.onResolve({ filter: /\/shared\/ipc\/contract$/ }, () => ({ path: 'contract', namespace: 'contract-names' }));
      build.onLoad({ filter: /.*/, namespace: 'contract-names' }, () => ({
        contents: Object.entries(names)
          .map(([k, v]) => `export const ${k} = ${JSON.stringify(v)};`)
          .join('\n'),
        loader: 'js',
      }));
    },
  };
}

/** Build the bundles into outDir; returns the esbuild metafiles (the tests inspect them). */
export async function buildElectron({ outDir = path.join(root, 'dist', 'electron'), logLevel = 'info' } = {}) {
  const common = { absWorkingDir: root, bundle: true, sourcemap: true, legalComments: 'none', logLevel, metafile: true };
  const names = await contractNames();
  const [main, preload, rosterWorker] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'electron/main/main.ts')],
      outfile: path.join(outDir, 'main.mjs'),
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: mainExternals,
      banner: { js: requireShim },
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'electron/preload/preload.ts')],
      outfile: path.join(outDir, 'preload.cjs'),
      // The preload runs in the sandboxed renderer: browser platform, so that a Node built-in
      // pulled in by mistake fails the build instead of failing on the kiosk.
      platform: 'browser',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
      plugins: [contractNamesPlugin(names)],
    }),
    // The roster import runs in a worker thread with its own SQLite connection (issue 16). Electron
    // (17.3+) loads a worker's file from inside app.asar; better-sqlite3 stays external, as in main.
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'electron/core/roster/import-worker.ts')],
      outfile: path.join(outDir, 'roster-worker.mjs'),
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: mainExternals,
      banner: { js: requireShim },
    }),
  ]);
  return { main: main.metafile, preload: preload.metafile, rosterWorker: rosterWorker.metafile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildElectron().catch((e) => {
    console.error(`build:electron failed: ${e.message}`);
    process.exit(1);
  });
}
