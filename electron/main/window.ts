// The kiosk's one window. The options are a pure function so that a unit test can assert every
// security-relevant setting without an Electron binary; crash and hang recovery live here too,
// because a reception kiosk nobody can reach a keyboard for must bring itself back.
import type { BrowserWindowConstructorOptions, RenderProcessGoneDetails, WebContents } from 'electron';
import type { Logger } from '../core/logging/logger';

/** Painted before the first frame, so a reload never flashes white at the desk. */
export const KIOSK_BACKGROUND = '#f4f6f8';

export interface KioskWindowChoice {
  /** An admin's window (`--windowed` / PASSDESK_WINDOWED=1): framed, resizable, devtools allowed. */
  windowed: boolean;
  preloadPath: string;
}

export function kioskWindowOptions({ windowed, preloadPath }: KioskWindowChoice): BrowserWindowConstructorOptions {
  return {
    title: 'Passdesk',
    // Shown on 'ready-to-show', so the student never sees a half-painted screen.
    show: false,
    backgroundColor: KIOSK_BACKGROUND,
    kiosk: !windowed,
    fullscreen: !windowed,
    frame: windowed,
    resizable: windowed,
    autoHideMenuBar: true,
    ...(windowed ? { width: 1280, height: 800, minWidth: 800, minHeight: 600 } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A student at the desk must not be able to open devtools; an admin in a window may.
      devTools: windowed,
      // alert()/confirm() would block the kiosk behind a dialog nobody expects.
      disableDialogs: !windowed,
      // The idle timer and the "done" countdown must keep running even when unfocused.
      backgroundThrottling: false,
    },
  };
}

/** Events of WebContents this module needs; the stubbed 'electron' of the tests provides them. */
export type RendererWatch = Pick<WebContents, 'on' | 'reload' | 'forcefullyCrashRenderer' | 'isDestroyed'>;

export interface KeepAliveOptions {
  log: Logger;
  /** How long a hang may last before the renderer is restarted. */
  hangLimitMs?: number;
  /** Crashes within this window count towards a crash loop. */
  loopWindowMs?: number;
  /** After this many crashes in the window, wait before reloading (a crash loop must not spin a core). */
  loopCrashes?: number;
  loopDelayMs?: number;
  now?: () => number;
}

/**
 * How long to wait before reloading after a crash: straight away normally, and a pause when the
 * renderer keeps dying, so a crash loop shows up in the log instead of pinning the CPU.
 */
export function reloadDelay(crashTimes: readonly number[], now: number, windowMs: number, loopCrashes: number, loopDelayMs: number): number {
  const recent = crashTimes.filter((t) => now - t <= windowMs).length;
  return recent >= loopCrashes ? loopDelayMs : 0;
}

/** Reload the renderer when it crashes or is killed, and restart it when it hangs. */
export function keepRendererAlive(contents: RendererWatch, options: KeepAliveOptions): () => void {
  const { log } = options;
  const hangLimitMs = options.hangLimitMs ?? 15_000;
  const windowMs = options.loopWindowMs ?? 60_000;
  const loopCrashes = options.loopCrashes ?? 3;
  const loopDelayMs = options.loopDelayMs ?? 10_000;
  const now = options.now ?? Date.now;
  const crashes: number[] = [];
  let hangTimer: NodeJS.Timeout | undefined;
  let reloadTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const reload = () => {
    if (stopped || contents.isDestroyed()) return;
    contents.reload();
  };

  contents.on('render-process-gone', (_event: unknown, details: RenderProcessGoneDetails) => {
    clearTimeout(hangTimer);
    // 'clean-exit' happens when the window closes on quit: nothing to recover.
    if (stopped || details.reason === 'clean-exit') return;
    const at = now();
    crashes.push(at);
    while (crashes.length > 20) crashes.shift();
    const delay = reloadDelay(crashes, at, windowMs, loopCrashes, loopDelayMs);
    log.error('kiosk screen stopped; reloading', { reason: details.reason, exitCode: details.exitCode, delayMs: delay });
    if (delay === 0) reload();
    else reloadTimer = setTimeout(reload, delay);
  });
  contents.on('unresponsive', () => {
    log.warn('kiosk screen is not responding');
    clearTimeout(hangTimer);
    hangTimer = setTimeout(() => {
      if (stopped || contents.isDestroyed()) return;
      log.error('kiosk screen hung; restarting it', { afterMs: hangLimitMs });
      // The crash handler above then reloads it.
      contents.forcefullyCrashRenderer();
    }, hangLimitMs);
  });
  contents.on('responsive', () => {
    clearTimeout(hangTimer);
  });
  return () => {
    stopped = true;
    clearTimeout(hangTimer);
    clearTimeout(reloadTimer);
  };
}
