import { builtinModules } from 'node:module';
// window.kiosk as the preload exposes it: exactly the contract's calls plus `on`, each call an
// ipcRenderer.invoke on the contract's channel, never ipcRenderer itself, never an event object.
// Checked twice: on the TypeScript source (vi.mock'ed 'electron') and on the bundled
// dist preload.cjs run in a bare VM context the way a sandboxed preload runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNEL_PREFIX, callNames, eventNames } from '../../shared/ipc/contract';
import { contextBridge, exposed, ipcRenderer, resetElectronStub } from './electron-stub';
import { buildElectron } from '../../scripts/build-electron.mjs';

vi.mock('electron', async () => (await import('./electron-stub')).electronModule);

type Api = Record<string, (...args: unknown[]) => unknown>;

describe('the preload (source)', () => {
  let api: Api;
  beforeAll(async () => {
    resetElectronStub();
    await import('../../electron/preload/preload');
    api = exposed.kiosk as Api;
  });
  beforeEach(() => {
    ipcRenderer.removeAllListeners();
    ipcRenderer.invoke.mockClear();
  });

  it('exposes window.kiosk once, with exactly the contract calls and `on`', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(contextBridge.exposeInMainWorld.mock.calls[0]?.[0]).toBe('kiosk');
    expect(Object.keys(api).sort()).toEqual([...callNames, 'on'].sort());
    for (const value of Object.values(api)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(ipcRenderer.invoke);
    }
    expect(Object.values(api)).not.toContain(ipcRenderer);
  });

  it('sends each call on its contract channel and returns main\'s answer', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { ok: false, reason: 'unknown_badge' } });
    await expect(api.scan!({ code: '123' })).resolves.toEqual({ ok: true, value: { ok: false, reason: 'unknown_badge' } });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(`${IPC_CHANNEL_PREFIX}scan`, { code: '123' });
    for (const name of callNames) {
      await api[name]!({});
      expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC_CHANNEL_PREFIX + name, {});
    }
  });

  it('turns a missing handler (main still starting) into an error value', async () => {
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'kiosk:scan'"));
    await expect(api.scan!({ code: '1' })).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('delivers event payloads without the event object, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.on!('scannerCode', (payload: unknown) => seen.push(payload)) as () => void;
    ipcRenderer.emit(`${IPC_CHANNEL_PREFIX}scannerCode`, { sender: ipcRenderer }, { code: '100001' });
    expect(seen).toEqual([{ code: '100001' }]);
    off();
    ipcRenderer.emit(`${IPC_CHANNEL_PREFIX}scannerCode`, { sender: ipcRenderer }, { code: '100002' });
    expect(seen).toHaveLength(1);
    expect(ipcRenderer.listenerCount(`${IPC_CHANNEL_PREFIX}scannerCode`)).toBe(0);
  });

  it('refuses to subscribe to a channel that is not a contract event', () => {
    expect(() => api.on!('kiosk:scan' as never, () => {})).toThrow(/Unknown kiosk event/);
    expect(ipcRenderer.eventNames()).toEqual([]);
  });
});

describe('the bundled preload (dist/electron/preload.cjs)', () => {
  let outDir: string;
  let code: string;
  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-build-'));
    await buildElectron({ outDir, logLevel: 'silent' });
    code = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('is one CommonJS file that requires only electron, without zod', () => {
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(code).not.toMatch(/zod/i);
  });

  it('runs in a bare context like a sandboxed preload and exposes the contract', async () => {
    const exposedHere: Record<string, Api> = {};
    const renderer = Object.assign(new EventEmitter(), { invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: 1 })) });
    const fakeElectron = { contextBridge: { exposeInMainWorld: (k: string, v: Api) => (exposedHere[k] = v) }, ipcRenderer: renderer };
    const sandboxRequire = (id: string) => {
      if (id === 'electron') return fakeElectron;
      throw new Error(`module not found: ${id}`);
    };
    const module = { exports: {} };
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, Promise });
    const api = exposedHere.kiosk!;
    expect(Object.keys(api).sort()).toEqual([...callNames, 'on'].sort());
    await api.getStatus!({});
    expect(renderer.invoke).toHaveBeenCalledWith(`${IPC_CHANNEL_PREFIX}getStatus`, {});
    for (const e of eventNames) {
      const off = api.on!(e, () => {}) as () => void;
      expect(renderer.listenerCount(IPC_CHANNEL_PREFIX + e)).toBe(1);
      off();
    }
  });

  it('bundles main as ESM that leaves Electron and native modules to node_modules', () => {
    const main = fs.readFileSync(path.join(outDir, 'main.mjs'), 'utf8');
    const imported = new Set([...main.matchAll(/^import .* from "([^"]+)";?$/gm)].map((m) => m[1]!));
    expect(imported.has('electron')).toBe(true);
    expect(imported.has('better-sqlite3')).toBe(true);
    // Node's own modules (some dependencies write "crypto" rather than "node:crypto") and the
    // native or Electron-only packages; everything else is bundled.
    const allowed = (spec: string) => builtinModules.includes(spec) || /^(node:|electron$|better-sqlite3$|node-hid$|ssh2$|pino$|electron-updater$)/.test(spec);
    for (const spec of imported) expect(allowed(spec), spec).toBe(true);
  });
});
