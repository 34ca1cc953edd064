// The shapes the HID scanner service works with. The backend is an interface so that the
// service runs the same against node-hid (real scanners) and the replaying fake in tests.

/** HID usage page of point-of-sale barcode scanners (USB HID POS Usage Tables, page 0x8C). */
export const HID_POS_USAGE_PAGE = 0x8c;

/** One entry of an enumeration. hidapi lists one entry per top-level collection, so one path can appear twice. */
export interface HidDeviceInfo {
  path: string;
  vendorId: number;
  productId: number;
  usagePage?: number;
  usage?: number;
  product?: string;
  manufacturer?: string;
  serialNumber?: string;
  interface?: number;
}

/** An open device. node-hid's HIDAsync fits this shape as it is. */
export interface HidConnection {
  on(event: 'data', listener: (report: Uint8Array) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): Promise<void> | void;
}

export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  /** Rejects with the OS's reason (e.g. "…: Permission denied") when the device cannot be opened. */
  open(path: string): Promise<HidConnection>;
}

/** The `scanner.hid` part of the site settings (shared/settings.ts). */
export interface HidScannerSettings {
  enabled: boolean;
  devices: { vendorId: number; productId: number }[];
}

/** Which scanner a code came from; enough for the admin screen and the logs, nothing secret. */
export interface ScannerDevice {
  name: string;
  vendorId: number;
  productId: number;
  path: string;
}

export interface ScannerCode {
  /** The data as scanned, AIM identifier and trailing CR/LF/NUL removed. May be a password: never log it. */
  code: string;
  /** The AIM symbology identifier such as "]C0" (Code 128) or "]Q1" (QR), when the scanner sent one. */
  symbology: string | null;
  device: ScannerDevice;
}

export type ScannerStatus =
  | { state: 'none'; message: string }
  | { state: 'ok'; devices: string[] }
  | { state: 'problem'; message: string; fix: string; devices: string[] };

/** Timers come in so that tests can drive them; the defaults are the global ones. */
export interface ScannerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const globalTimers: ScannerTimers = {
  // Looked up on every call (not captured at import) so that fake timers installed later apply.
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A pending rescan or join must never keep the CLI or a test process alive.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
