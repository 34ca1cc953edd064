// The driver fallback: for a pass printer that only has an OS driver (a Windows USB printer with
// no raw port), print the pass as a small HTML page with webContents.print. Silent, with an
// explicit page size: without one Chromium has defaulted to A4, a metre of wasted roll.
// Core builds the HTML (electron/core/hardware/printer/html.ts); this file only drives Electron.
import type { BrowserWindowConstructorOptions, WebContentsPrintOptions } from 'electron';
import type { OsPrint, OsPrintJob } from '../core/hardware/printer';

/** What we need of a BrowserWindow; tests pass a fake. */
export interface PrintWindowLike {
  webContents: {
    loadURL(url: string): Promise<void>;
    print(options: WebContentsPrintOptions, callback?: (success: boolean, failureReason: string) => void): void;
  };
  destroy(): void;
}

/** A hidden window for print jobs: no preload, no script, nothing to reach main with. */
export const osPrintWindowOptions: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, spellcheck: false },
};

export function osPrintOptions(job: OsPrintJob): WebContentsPrintOptions {
  return {
    silent: true,
    printBackground: false,
    color: false,
    landscape: false,
    margins: { marginType: 'none' },
    // Microns. The height follows the pass so the roll is cut right after it.
    pageSize: { width: job.widthMicrons, height: job.heightMicrons },
    ...(job.deviceName ? { deviceName: job.deviceName } : {}),
  };
}

/** Loads the pass into `win` and prints it; resolves with the driver's answer, never rejects. */
export async function printHtmlSilently(win: PrintWindowLike, job: OsPrintJob): Promise<{ ok: true } | { ok: false; problem: string }> {
  try {
    await win.webContents.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(job.html)}`);
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, problem: `the OS print did not finish within ${job.timeoutMs} ms` }), job.timeoutMs);
      win.webContents.print(osPrintOptions(job), (success, failureReason) => {
        clearTimeout(timer);
        // failureReason is "cancelled" or "failed" (e.g. an unknown deviceName).
        resolve(success ? { ok: true } : { ok: false, problem: `the OS printer said: ${failureReason || 'failed'}` });
      });
    });
  } catch (e) {
    return { ok: false, problem: `the pass page could not be prepared (${(e as Error).message})` };
  }
}

/** The OsPrint that PassPrinter takes: one hidden window per pass, always destroyed. */
export function makeOsPrint(createWindow: () => PrintWindowLike): OsPrint {
  return async (job) => {
    const win = createWindow();
    try {
      return await printHtmlSilently(win, job);
    } finally {
      win.destroy();
    }
  };
}
