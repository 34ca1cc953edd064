// Binds the IPC contract to the KioskCore in the Electron main process. Every handler first asks
// "is this really the kiosk screen talking?" (our window, its top frame, showing our own page),
// then hands the payload to the same `dispatch` the e2e tests use, which parses it with zod and
// returns errors as values. Nothing here throws across the boundary.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CHANNEL_PREFIX, callNames, type IpcResult } from '../../shared/ipc/contract';
import { dispatch } from '../core/ipc/dispatch';
import { forwardCoreEvents } from '../core/ipc/events';
import type { KioskCore } from '../core/kiosk';
import type { Logger } from '../core/logging/logger';

/** Where the kiosk page legitimately comes from. */
export type KioskPage =
  /** The built renderer: exactly this file:// URL (hash and query aside). */
  | { kind: 'file'; indexUrl: string }
  /** The Vite dev server (`PASSDESK_DEV_URL`, never in a packaged app): any page of this origin. */
  | { kind: 'dev'; origin: string };

/** True when `url` is our kiosk page, not some other file or site a frame was steered to. */
export function isKioskUrl(url: string, page: KioskPage): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (page.kind === 'dev') return parsed.origin === page.origin;
  if (parsed.protocol !== 'file:') return false;
  parsed.hash = '';
  parsed.search = '';
  const expected = new URL(page.indexUrl);
  expected.hash = '';
  expected.search = '';
  return parsed.href === expected.href;
}

type Frame = { readonly url: string; readonly parent: unknown; readonly processId: number; readonly frameToken: string };
export type KioskContents = Pick<WebContents, 'id' | 'isDestroyed' | 'send'> & { readonly mainFrame: Frame };
export type SenderEvent = { readonly sender: { readonly id: number }; readonly senderFrame: Frame | null };

export type SenderVerdict = { trusted: true } | { trusted: false; why: string };

/** Is this call from the top frame of our kiosk window, showing our page? */
export function checkSender(event: SenderEvent, contents: KioskContents | null, page: KioskPage): SenderVerdict {
  if (!contents || contents.isDestroyed()) return { trusted: false, why: 'no kiosk window' };
  if (event.sender.id !== contents.id) return { trusted: false, why: 'another window' };
  const frame = event.senderFrame;
  // null: the frame navigated away or was destroyed while the call was in flight.
  if (!frame) return { trusted: false, why: 'frame gone' };
  const top = contents.mainFrame;
  if (frame.parent !== null || frame.processId !== top.processId || frame.frameToken !== top.frameToken) {
    return { trusted: false, why: 'not the main frame' };
  }
  if (!isKioskUrl(frame.url, page)) return { trusted: false, why: 'not the kiosk page' };
  return { trusted: true };
}

export const refusedSender: IpcResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This request is only accepted from the kiosk screen.' },
};

export interface BindOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  core: KioskCore;
  /** The kiosk window's contents, looked up per call (null before the window exists). */
  contents: () => KioskContents | null;
  page: KioskPage;
  log: Logger;
}

/** Register one `ipcMain.handle` per contract call; returns a function that removes them all. */
export function bindKioskIpc({ ipcMain, core, contents, page, log }: BindOptions): () => void {
  for (const name of callNames) {
    ipcMain.handle(IPC_CHANNEL_PREFIX + name, async (event: IpcMainInvokeEvent, payload: unknown) => {
      const verdict = checkSender(event, contents(), page);
      if (!verdict.trusted) {
        log.warn('ipc call refused', { call: name, why: verdict.why });
        return refusedSender;
      }
      return dispatch(core, name, payload);
    });
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(IPC_CHANNEL_PREFIX + name);
  };
}

/**
 * Send every core event to the kiosk screen, parsed by the contract's schema first: the renderer
 * may rely on the shape, and a payload that does not match is logged and dropped, not sent.
 */
export function forwardKioskEvents(
  core: Pick<KioskCore, 'on'>,
  contents: () => Pick<WebContents, 'isDestroyed' | 'send'> | null,
  log: Logger,
): () => void {
  return forwardCoreEvents(core, {
    send(name, payload) {
      const target = contents();
      if (!target || target.isDestroyed()) return;
      target.send(IPC_CHANNEL_PREFIX + name, payload);
    },
    dropped(name) {
      log.error('event dropped: it does not match the IPC contract', { event: name });
    },
  });
}
