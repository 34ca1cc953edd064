// Binds the IPC contract to a KioskCore in this process, for the real renderer bundle in real
// Chromium: `window.kiosk` is built from the contract's call and event names exactly as the
// preload builds it, and every call runs through the same dispatch() that electron/main uses.
// Only the transport differs (page.exposeBinding instead of ipcRenderer.invoke).
// Used by the e2e suite, the screenshots and the scan-to-screen benchmark.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { callNames, eventNames } from '../../shared/ipc/contract';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { forwardCoreEvents } from '../../electron/core/ipc/events';
import type { KioskCore } from '../../electron/core/kiosk';
import type { PageGlobals } from './page-globals';

/** A made-up origin that never touches the network: page.route serves it from dist/renderer. */
export const KIOSK_ORIGIN = 'http://passdesk.test';
export const KIOSK_URL = `${KIOSK_ORIGIN}/index.html`;
export const RENDERER_DIST = path.resolve(import.meta.dirname, '../../dist/renderer');

export function assertRendererBuilt(): void {
  if (!fs.existsSync(path.join(RENDERER_DIST, 'index.html')))
    throw new Error(`No renderer bundle in ${RENDERER_DIST}: run \`npm run build:renderer\` first.`);
}

/** Call before page.goto. Returns a function that unbinds the core's events from the page. */
export async function bindKiosk(page: Page, core: KioskCore): Promise<() => void> {
  assertRendererBuilt();
  await page.route(`${KIOSK_ORIGIN}/**`, async (route) => {
    const rel =
      decodeURIComponent(new URL(route.request().url()).pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(RENDERER_DIST, rel);
    if (!file.startsWith(RENDERER_DIST + path.sep) || !fs.existsSync(file))
      return route.fulfill({ status: 404 });
    return route.fulfill({ path: file });
  });

  await page.exposeBinding('__kioskInvoke', (_source, name: unknown, payload: unknown) =>
    dispatch(core, name, payload),
  );

  // Runs in the page before any of the bundle: the same shape electron/preload exposes.
  await page.addInitScript(
    ({ calls, events }: { calls: string[]; events: string[] }) => {
      const page = globalThis as unknown as PageGlobals;
      const listeners = new Map<string, Set<(payload: unknown) => void>>();
      const api: Record<string, unknown> = {};
      for (const name of calls) api[name] = (request: unknown) => page.__kioskInvoke!(name, request ?? {});
      api.on = (event: string, listener: (payload: unknown) => void) => {
        if (!events.includes(event)) throw new Error(`Unknown kiosk event: ${event}`);
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
        return () => listeners.get(event)?.delete(listener);
      };
      Object.defineProperty(page, 'kiosk', { value: Object.freeze(api), writable: false });
      page.__kioskEmit = (event, payload) => listeners.get(event)?.forEach((l) => l(payload));
    },
    { calls: callNames as string[], events: eventNames as string[] },
  );

  // The same schema check production makes (electron/main/ipc.ts): a payload that breaks the
  // contract is dropped here too, so a test sees what the real screen would.
  return forwardCoreEvents(core, {
    send(name, payload) {
      // A page that has gone (test over) just misses the event, as a closed window would.
      page
        .evaluate(([n, p]) => (globalThis as unknown as PageGlobals).__kioskEmit?.(n, p), [name, payload] as const)
        .catch(() => {});
    },
    dropped(name) {
      console.error(`kiosk-binding: event "${name}" dropped: it does not match the IPC contract`);
    },
  });
}
