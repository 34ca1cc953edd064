// How this kiosk was started and where its files are. Pure functions of argv, env and a few
// facts from `app`, so the tests can check every combination without an Electron binary.
import fs from 'node:fs';
import path from 'node:path';

export interface LaunchOptions {
  /** An admin's framed window instead of the full-screen kiosk. */
  windowed: boolean;
  /** Load the renderer from the Vite dev server instead of dist/renderer (development only). */
  devUrl: string | null;
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

export function parseLaunchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, packaged: boolean): LaunchOptions {
  const windowed = argv.includes('--windowed') || truthy(env.PASSDESK_WINDOWED);
  // A packaged kiosk only ever shows its own bundled page: an environment variable must not be
  // able to point the desk at another site.
  let devUrl: string | null = null;
  if (!packaged && env.PASSDESK_DEV_URL) {
    const url = new URL(env.PASSDESK_DEV_URL);
    if (!/^https?:$/.test(url.protocol) || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new Error(`PASSDESK_DEV_URL must be a local http address, not ${url.origin}.`);
    }
    devUrl = url.href;
  }
  return { windowed, devUrl };
}

export interface KioskPaths {
  /** dist/renderer/index.html, inside app.asar when packaged. */
  indexHtml: string;
  /** The one-file CommonJS preload (sandboxed preloads cannot require our modules). */
  preload: string;
  /** demo-roster.csv, sample settings, udev rules. */
  resourcesDir: string;
}

export function kioskPaths(appPath: string, packaged: boolean, resourcesPath: string | undefined): KioskPaths {
  return {
    indexHtml: path.join(appPath, 'dist', 'renderer', 'index.html'),
    preload: path.join(appPath, 'dist', 'electron', 'preload.cjs'),
    resourcesDir: packaged && resourcesPath ? resourcesPath : path.join(appPath, 'resources'),
  };
}

// ---- better-sqlite3 for Electron's ABI ----------------------------------------------------------
// node_modules/better-sqlite3/build is compiled for Node (the tests, the CLI). Electron loads its
// own build, made by scripts/rebuild-electron-native.mjs, through better-sqlite3's `nativeBinding`
// option. See docs/native-modules.md.

/** Kept in step with scripts/rebuild-electron-native.mjs. */
export const ELECTRON_NATIVE_DIR = '.electron-native';
export const BETTER_SQLITE3_NODE = 'better_sqlite3.node';
export const NATIVE_STAMP = 'stamp.json';

export interface NativeStamp {
  electron: string;
  platform: string;
  arch: string;
  betterSqlite3: string;
}

export type NativeBinding = { ok: true; path: string | undefined } | { ok: false; message: string };

export interface NativeBindingInput {
  packaged: boolean;
  appPath: string;
  resourcesPath: string | undefined;
  electronVersion: string;
  platform: string;
  arch: string;
  exists?: (file: string) => boolean;
  readText?: (file: string) => string;
}

export function resolveNativeBinding(input: NativeBindingInput): NativeBinding {
  const exists = input.exists ?? fs.existsSync;
  const readText = input.readText ?? ((f: string) => fs.readFileSync(f, 'utf8'));
  if (input.packaged) {
    // electron-builder copies .electron-native/ to resources/native (outside the asar: a .node
    // file cannot be loaded from inside one). Without it, the module's own build is used, which
    // electron-builder rebuilt for Electron when it packed node_modules.
    const packed = path.join(input.resourcesPath ?? '', 'native', BETTER_SQLITE3_NODE);
    return { ok: true, path: input.resourcesPath && exists(packed) ? packed : undefined };
  }
  const dir = path.join(input.appPath, ELECTRON_NATIVE_DIR);
  const binary = path.join(dir, BETTER_SQLITE3_NODE);
  const rebuild = 'Run `npm run rebuild:electron` (npm start does this for you).';
  if (!exists(binary)) {
    return { ok: false, message: `The Electron build of the database driver is missing (${binary}). ${rebuild}` };
  }
  let stamp: Partial<NativeStamp> = {};
  try {
    stamp = JSON.parse(readText(path.join(dir, NATIVE_STAMP))) as Partial<NativeStamp>;
  } catch {
    // No stamp: an old or hand-made build; let better-sqlite3 itself say whether it loads.
    return { ok: true, path: binary };
  }
  const wanted = `Electron ${input.electronVersion} (${input.platform}-${input.arch})`;
  const built = `Electron ${stamp.electron} (${stamp.platform}-${stamp.arch})`;
  if (built !== wanted) {
    return { ok: false, message: `The database driver was built for ${built}, but this is ${wanted}. ${rebuild}` };
  }
  return { ok: true, path: binary };
}

/** better-sqlite3's error for a build of the wrong ABI, in words an admin can act on. */
export function explainNativeLoadError(error: unknown): string | null {
  const text = error instanceof Error ? error.message : String(error);
  if (/NODE_MODULE_VERSION|different Node\.js version|invalid ELF header|not a valid Win32 application/.test(text)) {
    return 'The database driver was compiled for another runtime than this Electron. Run `npm run rebuild:electron` and start again.';
  }
  return null;
}
