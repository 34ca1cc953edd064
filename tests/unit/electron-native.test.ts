// Two builds of better-sqlite3 side by side: Node's in node_modules (tests, CLI) and Electron's in
// .electron-native/ (npm start). These tests prove the pieces that decide which one is used,
// and that neither step touches the other's build. (The real Electron build needs the network
// and a compiler; its offline failure message is checked by hand, see docs/native-modules.md.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainNativeLoadError, parseLaunchOptions, resolveNativeBinding } from '../../electron/main/launch';
import { buildState, compiledAbi, rebuildElectronNative, wantedStamp } from '../../scripts/rebuild-electron-native.mjs';

const nodeBuild = path.resolve(__dirname, '../../node_modules/better-sqlite3/build/Release/better_sqlite3.node');
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-native-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakeBuild(stamp: object) {
  fs.writeFileSync(path.join(dir, 'better_sqlite3.node'), 'binary');
  fs.writeFileSync(path.join(dir, 'stamp.json'), JSON.stringify(stamp));
}

describe('the rebuild script', () => {
  it('targets the installed Electron and better-sqlite3', () => {
    const { stamp, abi } = wantedStamp();
    const electron = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../node_modules/electron/package.json'), 'utf8'));
    expect(stamp).toEqual({ electron: electron.version, platform: process.platform, arch: process.arch, betterSqlite3: expect.any(String) });
    expect(abi).toMatch(/^\d+$/);
    // Electron's ABI is not Node's: this is why two builds exist at all.
    expect(abi).not.toBe(process.versions.modules);
  });

  it('knows a fresh build from a stale or missing one', () => {
    const { stamp } = wantedStamp();
    expect(buildState(dir, stamp)).toBe('missing');
    fakeBuild({ ...stamp, electron: '44.0.0' });
    expect(buildState(dir, stamp)).toBe('stale');
    fakeBuild({ ...stamp, abi: '150', builtAt: 'x' });
    expect(buildState(dir, stamp)).toBe('fresh');
  });

  it('skips at once, without touching anything, when the cached build matches', async () => {
    const { stamp } = wantedStamp();
    fakeBuild(stamp);
    const before = fs.statSync(nodeBuild).mtimeMs;
    const lines: string[] = [];
    const result = await rebuildElectronNative({ outDir: dir, log: (l) => lines.push(l) });
    expect(result.built).toBe(false);
    expect(lines.join('\n')).toMatch(/up to date/);
    expect(fs.statSync(nodeBuild).mtimeMs).toBe(before);
  });

  it("reads the ABI an add-on was compiled for (Node's build here)", () => {
    expect(compiledAbi(nodeBuild)).toBe(process.versions.modules);
  });

  it('writes a stamp that electron/main accepts', () => {
    const { stamp } = wantedStamp();
    const appPath = dir;
    fs.mkdirSync(path.join(appPath, '.electron-native'));
    fs.writeFileSync(path.join(appPath, '.electron-native', 'better_sqlite3.node'), 'binary');
    fs.writeFileSync(path.join(appPath, '.electron-native', 'stamp.json'), JSON.stringify({ ...stamp, abi: '150' }));
    const got = resolveNativeBinding({ packaged: false, appPath, resourcesPath: undefined, electronVersion: stamp.electron, platform: stamp.platform, arch: stamp.arch });
    expect(got).toEqual({ ok: true, path: path.join(appPath, '.electron-native', 'better_sqlite3.node') });
  });
});

describe('resolveNativeBinding', () => {
  const base = { appPath: '/app', resourcesPath: '/opt/Passdesk/resources', electronVersion: '45.4.1', platform: 'linux', arch: 'x64' };
  const files = (present: Record<string, string>) => ({
    exists: (f: string) => f in present,
    readText: (f: string) => {
      if (!(f in present)) throw new Error('ENOENT');
      return present[f]!;
    },
  });
  const stamp = JSON.stringify({ electron: '45.4.1', platform: 'linux', arch: 'x64', betterSqlite3: '12.11.1' });

  it('uses resources/native in a packaged app, or the module build electron-builder made', () => {
    const packed = '/opt/Passdesk/resources/native/better_sqlite3.node';
    expect(resolveNativeBinding({ ...base, packaged: true, ...files({ [packed]: '' }) })).toEqual({ ok: true, path: packed });
    expect(resolveNativeBinding({ ...base, packaged: true, ...files({}) })).toEqual({ ok: true, path: undefined });
  });

  it('uses .electron-native in development, and says how to make it when missing', () => {
    const bin = '/app/.electron-native/better_sqlite3.node';
    expect(resolveNativeBinding({ ...base, packaged: false, ...files({ [bin]: '', '/app/.electron-native/stamp.json': stamp }) })).toEqual({ ok: true, path: bin });
    const missing = resolveNativeBinding({ ...base, packaged: false, ...files({}) });
    expect(missing).toMatchObject({ ok: false, message: expect.stringContaining('npm run rebuild:electron') });
  });

  it('refuses a build made for another Electron, OS or CPU', () => {
    const bin = '/app/.electron-native/better_sqlite3.node';
    for (const other of [{ electron: '44.1.0' }, { platform: 'win32' }, { arch: 'arm64' }]) {
      const s = JSON.stringify({ ...JSON.parse(stamp), ...other });
      const got = resolveNativeBinding({ ...base, packaged: false, ...files({ [bin]: '', '/app/.electron-native/stamp.json': s }) });
      expect(got).toMatchObject({ ok: false, message: expect.stringMatching(/built for .* but this is Electron 45\.4\.1 \(linux-x64\)/) });
    }
  });

  it('turns a wrong-ABI load error into an instruction', () => {
    expect(explainNativeLoadError(new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115'))).toMatch(/rebuild:electron/);
    expect(explainNativeLoadError(new Error('SQLITE_CANTOPEN'))).toBeNull();
  });
});

describe('parseLaunchOptions', () => {
  it.each([
    [['electron', '.'], {}, false],
    [['electron', '.', '--windowed'], {}, true],
    [['electron', '.'], { PASSDESK_WINDOWED: '1' }, true],
    [['electron', '.'], { PASSDESK_WINDOWED: 'true' }, true],
    [['electron', '.'], { PASSDESK_WINDOWED: '0' }, false],
  ])('%j %j → windowed %s', (argv, env, windowed) => {
    expect(parseLaunchOptions(argv, env, true).windowed).toBe(windowed);
  });

  it('takes a local dev server URL in development only', () => {
    const env = { PASSDESK_DEV_URL: 'http://localhost:5173' };
    expect(parseLaunchOptions([], env, false).devUrl).toBe('http://localhost:5173/');
    expect(parseLaunchOptions([], env, true).devUrl).toBeNull();
    expect(() => parseLaunchOptions([], { PASSDESK_DEV_URL: 'http://10.0.0.5:5173' }, false)).toThrow(/local http address/);
    expect(() => parseLaunchOptions([], { PASSDESK_DEV_URL: 'file:///etc/passwd' }, false)).toThrow(/local http address/);
  });
});
