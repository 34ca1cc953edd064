// The kiosk window's settings and its self-recovery, without an Electron binary.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepRendererAlive, kioskWindowOptions, reloadDelay } from '../../electron/main/window';
import { FakeWebContents, recordingLogger } from './electron-stub';

describe('kioskWindowOptions', () => {
  const kiosk = kioskWindowOptions({ windowed: false, preloadPath: '/app/dist/electron/preload.cjs' });
  const admin = kioskWindowOptions({ windowed: true, preloadPath: '/app/dist/electron/preload.cjs' });

  it('locks the web page away from Node in both modes', () => {
    for (const o of [kiosk, admin]) {
      expect(o.webPreferences).toMatchObject({
        preload: '/app/dist/electron/preload.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
      });
    }
  });

  it('fills the screen in kiosk mode, with no devtools and no dialogs', () => {
    expect(kiosk).toMatchObject({ kiosk: true, fullscreen: true, frame: false, show: false });
    expect(kiosk.webPreferences?.devTools).toBe(false);
    expect(kiosk.webPreferences?.disableDialogs).toBe(true);
    expect(kiosk.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('gives an admin a framed window with devtools', () => {
    expect(admin).toMatchObject({ kiosk: false, fullscreen: false, frame: true, resizable: true });
    expect(admin.webPreferences?.devTools).toBe(true);
  });
});

describe('keepRendererAlive', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reloads the screen when the renderer crashes, and says why in the log', () => {
    const contents = new FakeWebContents();
    const log = recordingLogger();
    keepRendererAlive(contents as never, { log });
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(contents.reloads).toBe(1);
    expect(log.lines.find((l) => l.level === 'error')?.fields).toMatchObject({ reason: 'crashed' });
  });

  it('leaves a clean exit (the app quitting) alone', () => {
    const contents = new FakeWebContents();
    keepRendererAlive(contents as never, { log: recordingLogger() });
    contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(contents.reloads).toBe(0);
  });

  it('pauses before reloading when the renderer keeps crashing', () => {
    vi.useFakeTimers();
    const contents = new FakeWebContents();
    let now = 1_000_000;
    keepRendererAlive(contents as never, { log: recordingLogger(), now: () => now, loopCrashes: 3, loopDelayMs: 10_000 });
    for (let i = 0; i < 3; i++) {
      contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
      now += 1_000;
    }
    expect(contents.reloads).toBe(2);
    vi.advanceTimersByTime(10_000);
    expect(contents.reloads).toBe(3);
  });

  it('restarts a hung renderer, but not one that recovers', () => {
    vi.useFakeTimers();
    const contents = new FakeWebContents();
    keepRendererAlive(contents as never, { log: recordingLogger(), hangLimitMs: 15_000 });
    contents.emit('unresponsive');
    contents.emit('responsive');
    vi.advanceTimersByTime(20_000);
    expect(contents.forcedCrashes).toBe(0);
    contents.emit('unresponsive');
    vi.advanceTimersByTime(20_000);
    expect(contents.forcedCrashes).toBe(1);
  });

  it('does nothing after it is stopped or the window is gone', () => {
    const contents = new FakeWebContents();
    const stop = keepRendererAlive(contents as never, { log: recordingLogger() });
    stop();
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(contents.reloads).toBe(0);
  });
});

describe('reloadDelay', () => {
  it.each([
    { crashes: [], expected: 0 },
    { crashes: [100], expected: 0 },
    { crashes: [90, 95, 100], expected: 5 },
    { crashes: [1, 2, 100], expected: 0 }, // old crashes fall out of the window
  ])('$crashes → $expected', ({ crashes, expected }) => {
    expect(reloadDelay(crashes, 100, 50, 3, 5)).toBe(expected);
  });
});
