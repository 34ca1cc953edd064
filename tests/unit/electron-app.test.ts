// The Electron entry (runKiosk) against a stubbed 'electron': one instance only, the kiosk
// window with the IPC contract bound, the screen kept awake and alive, secrets sealed with
// safeStorage and a loud warning when Linux only obfuscates them, and a clear error box when the
// Electron build of the database driver is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNEL_PREFIX, callNames } from '../../shared/ipc/contract';
import { KioskCore, type KioskCoreOptions } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import { runKiosk, type RunningKiosk } from '../../electron/main/app';
import {
  FakeBrowserWindow,
  Menu,
  app,
  dialog,
  invokeFrom,
  ipcHandlers,
  powerSaveBlocker,
  recordingLogger,
  resetElectronStub,
  safeStorage,
  state,
} from './electron-stub';

vi.mock('electron', async () => (await import('./electron-stub')).electronModule);

const repoResources = path.resolve(__dirname, '../../resources');
let root: string;
let opened: KioskCoreOptions[];
let running: RunningKiosk | null;

/** An app folder as `npm start` leaves it: resources/ and the Electron build of better-sqlite3. */
function makeAppDir(withNative = true, electron = 'unknown') {
  const appPath = path.join(root, 'app');
  fs.mkdirSync(path.join(appPath, 'resources'), { recursive: true });
  fs.copyFileSync(path.join(repoResources, 'demo-roster.csv'), path.join(appPath, 'resources', 'demo-roster.csv'));
  if (withNative) {
    const native = path.join(appPath, '.electron-native');
    fs.mkdirSync(native);
    fs.writeFileSync(path.join(native, 'better_sqlite3.node'), 'not really a binary');
    const stamp = { electron, platform: 'linux', arch: process.arch, betterSqlite3: '12.11.1' };
    fs.writeFileSync(path.join(native, 'stamp.json'), JSON.stringify(stamp));
  }
  state.appPath = appPath;
  state.userData = path.join(root, 'userData');
}

async function start(env: NodeJS.ProcessEnv = {}, argv: string[] = ['electron', '.']) {
  const log = recordingLogger();
  running = await runKiosk({
    argv,
    env,
    platform: 'linux',
    log,
    // Under Node the real `nativeBinding` (an Electron build) cannot load: open with Node's own.
    openCore: (o) => {
      opened.push(o);
      return KioskCore.open({ ...o, nativeBinding: undefined, clock: fixedClock('2026-11-24T09:07:00Z') });
    },
  });
  return { log, win: FakeBrowserWindow.instances[0] };
}

beforeEach(() => {
  resetElectronStub();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-electron-'));
  opened = [];
  running = null;
});
afterEach(() => {
  app.emit('will-quit');
  fs.rmSync(root, { recursive: true, force: true });
});

describe('runKiosk', () => {
  it('quits at once when another Passdesk holds the single-instance lock', async () => {
    makeAppDir();
    state.singleInstanceLock = false;
    const { win } = await start();
    expect(running).toBeNull();
    expect(app.quit).toHaveBeenCalled();
    expect(win).toBeUndefined();
    expect(opened).toHaveLength(0);
    expect(ipcHandlers.size).toBe(0);
  });

  it('brings the running kiosk to the front when a second one is launched', async () => {
    makeAppDir();
    const { win } = await start();
    win!.minimized = true;
    app.emit('second-instance', {}, ['electron', '.'], root);
    expect(win!.minimized).toBe(false);
    expect(win!.focused).toBe(true);
  });

  it('opens the core in userData with the Electron build of better-sqlite3', async () => {
    makeAppDir();
    await start();
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      dataDir: state.userData,
      nativeBinding: path.join(state.appPath, '.electron-native', 'better_sqlite3.node'),
      resourcesDir: path.join(state.appPath, 'resources'),
    });
    expect(app.enableSandbox).toHaveBeenCalled();
  });

  it('shows one full-screen kiosk window with the preload, and hides the menu', async () => {
    makeAppDir();
    const { win } = await start();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win!.options).toMatchObject({
      kiosk: true,
      fullscreen: true,
      webPreferences: { preload: path.join(state.appPath, 'dist', 'electron', 'preload.cjs'), sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    expect(win!.loadedFile).toBe(path.join(state.appPath, 'dist', 'renderer', 'index.html'));
    expect(Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    win!.emit('ready-to-show');
    expect(win!.shown).toBe(true);
  });

  it.each([
    [{ PASSDESK_WINDOWED: '1' }, ['electron', '.']],
    [{}, ['electron', '.', '--windowed']],
  ])('opens an admin window with %o %o', async (env, argv) => {
    makeAppDir();
    const { win } = await start(env, argv);
    expect(win!.options).toMatchObject({ kiosk: false, fullscreen: false, webPreferences: { devTools: true } });
    expect(Menu.setApplicationMenu).not.toHaveBeenCalled();
  });

  it('binds every contract call, answering the kiosk page and refusing anything else', async () => {
    makeAppDir();
    const { win } = await start();
    expect([...ipcHandlers.keys()].sort()).toEqual(callNames.map((n) => IPC_CHANNEL_PREFIX + n).sort());
    const contents = win!.webContents;
    const info = await invokeFrom(contents, contents.mainFrame, `${IPC_CHANNEL_PREFIX}getKioskInfo`, {});
    expect(info).toMatchObject({ ok: true, value: { timeZone: expect.any(String) } });
    contents.mainFrame.url = 'https://evil.example/';
    const refused = await invokeFrom(contents, contents.mainFrame, `${IPC_CHANNEL_PREFIX}getKioskInfo`, {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('forwards core events to the window', async () => {
    makeAppDir();
    const { win } = await start();
    running!.core.emit('scannerCode', { code: '100001' });
    expect(win!.webContents.sent).toContainEqual({ channel: `${IPC_CHANNEL_PREFIX}scannerCode`, payload: { code: '100001' } });
  });

  it('keeps the display awake, and lets it sleep again on quit', async () => {
    makeAppDir();
    await start();
    expect(powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    app.emit('will-quit');
    expect(powerSaveBlocker.stop).toHaveBeenCalledWith(42);
    expect(ipcHandlers.size).toBe(0);
    // The services finish first, then the database closes and the app exits.
    await vi.waitFor(() => expect(() => running!.core.students.count()).toThrow(), { timeout: 30_000 }); // a ceiling for a busy machine
    expect(app.exit).toHaveBeenCalledWith(0);
  });

  it('reloads the screen when the renderer process dies', async () => {
    makeAppDir();
    const { win } = await start();
    win!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 });
    expect(win!.webContents.reloads).toBe(1);
  });

  it('blocks navigation and new windows in the kiosk window', async () => {
    makeAppDir();
    const { win } = await start();
    const e = { preventDefault: vi.fn(), url: 'https://evil.example/' };
    win!.webContents.emit('will-navigate', e, e.url);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(win!.webContents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('secrets', () => {
  it('seals secrets with safeStorage when a keyring is there, without warning', async () => {
    makeAppDir();
    const { log } = await start();
    expect(running!.secretsWarning).toBeNull();
    expect(running!.core.secrets).toMatchObject({ backend: 'safeStorage:gnome_libsecret', weak: false });
    running!.core.secrets.set('wonde.token', 'tok-123');
    const file = fs.readFileSync(path.join(state.userData, 'secrets.json'), 'utf8');
    expect(file).not.toContain('tok-123');
    expect(safeStorage.encryptString).toHaveBeenCalledWith('tok-123');
    expect(running!.core.secrets.get('wonde.token')).toBe('tok-123');
    expect(log.lines.some((l) => l.level === 'warn')).toBe(false);
  });

  it('warns in the log, and visibly in an admin window, when Linux falls back to basic_text', async () => {
    makeAppDir();
    state.storageBackend = 'basic_text';
    const { log } = await start({ PASSDESK_WINDOWED: '1' });
    expect(running!.core.secrets).toMatchObject({ backend: 'safeStorage:basic_text', weak: true });
    expect(running!.secretsWarning?.message).toMatch(/only obfuscated.*keyring/);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'secrets are not protected by an OS key' }));
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ type: 'warning', detail: running!.secretsWarning!.message }));
  });

  it('never puts a dialog over the full-screen kiosk, but still logs the warning', async () => {
    makeAppDir();
    state.storageBackend = 'basic_text';
    const { log } = await start();
    expect(running!.secretsWarning).not.toBeNull();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    expect(log.lines.some((l) => l.level === 'warn')).toBe(true);
  });

  it('falls back to an unencrypted file, marked weak, when safeStorage is unavailable', async () => {
    makeAppDir();
    state.encryptionAvailable = false;
    await start();
    expect(running!.core.secrets).toMatchObject({ backend: 'file', weak: true });
    expect(running!.secretsWarning?.backend).toBe('file');
  });
});

describe('start-up failures', () => {
  it('tells the admin to rebuild when the Electron build of better-sqlite3 is missing', async () => {
    makeAppDir(false);
    await start();
    expect(running).toBeNull();
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Passdesk cannot start', expect.stringContaining('npm run rebuild:electron'));
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('refuses a build made for another Electron version', async () => {
    makeAppDir(true, '44.0.0');
    await start();
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Passdesk cannot start', expect.stringMatching(/built for Electron 44\.0\.0.*rebuild:electron/));
  });

  it('explains an ABI mismatch when the driver fails to load', async () => {
    makeAppDir();
    await runKiosk({
      argv: [],
      env: {},
      platform: 'linux',
      log: recordingLogger(),
      openCore: () => {
        throw new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.');
      },
    });
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Passdesk cannot start', expect.stringContaining('rebuild:electron'));
  });

  it('refuses a dev URL that is not local', async () => {
    makeAppDir();
    await start({ PASSDESK_DEV_URL: 'https://evil.example/' });
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Passdesk cannot start', expect.stringContaining('local http address'));
  });
});
