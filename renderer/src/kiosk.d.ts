// window.kiosk: built by electron/preload from the IPC contract (and by the e2e fixture the same way).
import type { KioskApi } from '../../shared/ipc/contract';

declare global {
  interface Window {
    kiosk: KioskApi;
  }
}

export {};
