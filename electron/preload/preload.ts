// The preload: the only bridge between the kiosk page and main. It exposes `window.kiosk`, built
// from the IPC contract's names, and nothing else: never ipcRenderer, never an event object
// (its `sender` would hand the page ipcRenderer back). Bundled into one CommonJS file by
// scripts/build-electron.mjs, because a sandboxed preload can require only 'electron'.
import { contextBridge, ipcRenderer } from 'electron';
import {
  IPC_CHANNEL_PREFIX,
  callNames,
  eventNames,
  type CallName,
  type EventName,
  type EventPayload,
  type IpcResult,
  type KioskApi,
} from '../../shared/ipc/contract';

const notReady: IpcResult<never> = {
  ok: false,
  error: { code: 'internal', message: 'The kiosk is still starting. Try again in a moment.' },
};

type CallMethods = { [N in CallName]: KioskApi[N] };

const methods = Object.fromEntries(
  callNames.map((name) => [
    name,
    // invoke rejects only when main has no handler (still starting, or shutting down): that too
    // comes back as a value, as the contract promises.
    (request: unknown) => ipcRenderer.invoke(IPC_CHANNEL_PREFIX + name, request).catch(() => notReady),
  ]),
) as CallMethods;

const knownEvents = new Set<string>(eventNames);

export const kioskApi = {
  ...methods,
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!knownEvents.has(event)) throw new Error(`Unknown kiosk event: ${String(event)}`);
    const channel = IPC_CHANNEL_PREFIX + event;
    const relay = (_event: unknown, payload: unknown) => listener(payload as EventPayload<E>);
    ipcRenderer.on(channel, relay);
    return () => {
      ipcRenderer.removeListener(channel, relay);
    };
  },
} satisfies KioskApi;

contextBridge.exposeInMainWorld('kiosk', kioskApi);
