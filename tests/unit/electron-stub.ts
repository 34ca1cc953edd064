// A stand-in for the 'electron' module, for unit tests of electron/main and electron/preload
// (the Electron binary cannot run on CI). It records what the code under test asked Electron to
// do and lets a test play Electron's part: emit a crash, send an IPC call from some frame.
// Use: vi.mock('electron', async () => (await import('./electron-stub')).electronModule);
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { Logger } from '../../electron/core/logging/logger';

export class FakeFrame {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
    public processId = 7,
    public frameToken = 'top-frame',
  ) {}
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  mainFrame = new FakeFrame('about:blank');
  destroyed = false;
  sent: { channel: string; payload: unknown }[] = [];
  reloads = 0;
  forcedCrashes = 0;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  reload() {
    this.reloads++;
  }
  forcefullyCrashRenderer() {
    this.forcedCrashes++;
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedFile: string | null = null;
  loadedUrl: string | null = null;
  shown = false;
  focused = false;
  minimized = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
    // Electron emits 'web-contents-created' on app for every new WebContents.
    app.emit('web-contents-created', { preventDefault() {} }, this.webContents);
  }
  loadFile(file: string) {
    this.loadedFile = file;
    this.webContents.mainFrame.url = new URL(`file://${file}`).href;
    return Promise.resolve();
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show() {
    this.shown = true;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export const state = {
  singleInstanceLock: true,
  isPackaged: false,
  appPath: '/nonexistent',
  userData: '/nonexistent',
  storageBackend: 'gnome_libsecret' as string,
  encryptionAvailable: true,
};

class FakeApp extends EventEmitter {
  requestSingleInstanceLock = vi.fn(() => state.singleInstanceLock);
  quit = vi.fn();
  exit = vi.fn();
  enableSandbox = vi.fn();
  whenReady = vi.fn(() => Promise.resolve());
  getPath = vi.fn((_name: string) => state.userData);
  getAppPath = vi.fn(() => state.appPath);
  get isPackaged() {
    return state.isPackaged;
  }
}
export const app = new FakeApp();

type Handler = (event: unknown, payload: unknown) => unknown;
export const ipcHandlers = new Map<string, Handler>();
export const ipcMain = {
  handle: vi.fn((channel: string, handler: Handler) => {
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcHandlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => void ipcHandlers.delete(channel)),
};

/** Play the renderer: invoke `channel` as if sent from `frame` of `sender`. */
export async function invokeFrom(sender: { id: number }, frame: FakeFrame | null, channel: string, payload: unknown): Promise<unknown> {
  const handler = ipcHandlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  return handler({ sender, senderFrame: frame }, payload);
}

export class FakeSession extends EventEmitter {
  headersListener: ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | null = null;
  permissionRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void) | null = null;
  permissionCheck: ((...args: unknown[]) => boolean) | null = null;
  devicePermission: ((...args: unknown[]) => boolean) | null = null;
  webRequest = {
    onHeadersReceived: (listener: FakeSession['headersListener']) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(h: FakeSession['permissionRequest']) {
    this.permissionRequest = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheck']) {
    this.permissionCheck = h;
  }
  setDevicePermissionHandler(h: FakeSession['devicePermission']) {
    this.devicePermission = h;
  }
}
export const session = { defaultSession: new FakeSession() };

export const safeStorage = {
  isEncryptionAvailable: vi.fn(() => state.encryptionAvailable),
  getSelectedStorageBackend: vi.fn(() => state.storageBackend),
  encryptString: vi.fn((plain: string) => Buffer.from(`sealed:${plain}`)),
  decryptString: vi.fn((data: Buffer) => data.toString().replace(/^sealed:/, '')),
};

export const powerSaveBlocker = {
  started: new Set<number>(),
  start: vi.fn((_type: string) => {
    powerSaveBlocker.started.add(42);
    return 42;
  }),
  stop: vi.fn((id: number) => void powerSaveBlocker.started.delete(id)),
  isStarted: vi.fn((id: number) => powerSaveBlocker.started.has(id)),
};

export const dialog = {
  showErrorBox: vi.fn(),
  showMessageBox: vi.fn(() => Promise.resolve({ response: 0, checkboxChecked: false })),
};

export const Menu = { setApplicationMenu: vi.fn() };

export const powerMonitor = new EventEmitter();
export const net = { isOnline: vi.fn(() => true) };

export const exposed: Record<string, unknown> = {};
export const contextBridge = {
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    exposed[key] = api;
  }),
};

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn((_channel: string, _payload: unknown): Promise<unknown> => Promise.resolve({ ok: true, value: null }));
}
export const ipcRenderer = new FakeIpcRenderer();

export const electronModule = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain,
  session,
  safeStorage,
  powerSaveBlocker,
  dialog,
  Menu,
  powerMonitor,
  net,
  contextBridge,
  ipcRenderer,
};

export function resetElectronStub(): void {
  Object.assign(state, {
    singleInstanceLock: true,
    isPackaged: false,
    appPath: '/nonexistent',
    userData: '/nonexistent',
    storageBackend: 'gnome_libsecret',
    encryptionAvailable: true,
  });
  app.removeAllListeners();
  ipcHandlers.clear();
  FakeBrowserWindow.instances = [];
  session.defaultSession = new FakeSession();
  powerSaveBlocker.started.clear();
  powerMonitor.removeAllListeners();
  vi.clearAllMocks();
}

/** A Logger that keeps its lines, so a test can say "the admin was warned". */
export function recordingLogger(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
