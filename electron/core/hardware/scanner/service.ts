// Reads HID POS barcode scanners in the main process and hands each whole code to listeners.
//
// Enumerates every `rescanMs` (one enumeration at a time), opens each scanner that is new,
// notices an unplug through the read error (or its absence from the list) and picks the
// scanner up again when it comes back, without a restart. A scanner that cannot be opened is a
// problem in status() with the fix, retried quietly on every rescan, logged once per change.
// Codes are never logged: a login QR code (Clever Badges, ClassLink) is a password.
import type { Clock } from '../../clock';
import { systemClock } from '../../clock';
import type { Logger } from '../../logging/logger';
import { ReportAssembler } from './assembler';
import type { ScannerProblem } from './problems';
import { DEFAULT_UDEV_RULE_PATH, backendFailure, deviceName, openFailure, unplugged } from './problems';
import { codeFromData } from './report';
import { selectScanners } from './select';
import type {
  HidBackend,
  HidConnection,
  HidDeviceInfo,
  HidScannerSettings,
  ScannerCode,
  ScannerDevice,
  ScannerStatus,
  ScannerTimers,
} from './types';
import { globalTimers } from './types';

export interface HidScannerServiceOptions {
  /** The backend, or a loader for it (node-hid is loaded only once HID scanning is wanted). */
  backend: HidBackend | (() => Promise<HidBackend>);
  settings: HidScannerSettings;
  logger: Logger;
  clock?: Clock;
  timers?: ScannerTimers;
  /** How often to look for scanners plugged in (or back in). */
  rescanMs?: number;
  /** Gap that ends a code on scanners that do not flag "more data follows". */
  joinGapMs?: number;
  /** How long a flagged continuation may take before the partial code is dropped. */
  moreDataTimeoutMs?: number;
  maxCodeBytes?: number;
  platform?: string;
  /** Where the udev rule is on this install, for the fix shown to the admin. */
  udevRulePath?: string;
}

interface OpenScanner {
  device: ScannerDevice;
  identity: string;
  connection: HidConnection;
  assembler: ReportAssembler;
}

type Listener<T> = (value: T) => void;

const identityOf = (info: HidDeviceInfo) => `${info.vendorId}:${info.productId}:${info.serialNumber ?? ''}`;

export class HidScannerService {
  private settings: HidScannerSettings;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly timers: ScannerTimers;
  private readonly rescanMs: number;
  private readonly joinGapMs: number;
  private readonly moreDataTimeoutMs: number;
  private readonly maxCodeBytes: number;
  private readonly platform: string;
  private readonly udevRulePath: string;

  private backend: HidBackend | null = null;
  private backendProblem: ScannerProblem | null = null;
  private running = false;
  private rescanTimer: unknown = null;
  private scanning: Promise<void> | null = null;
  private readonly open = new Map<string, OpenScanner>();
  private readonly opening = new Set<string>();
  private readonly failed = new Map<string, ScannerProblem>();
  /** Scanners seen and then lost, by identity (the path changes when it is plugged back in). */
  private readonly lost = new Map<string, ScannerProblem>();
  private readonly keyboardModeNoted = new Set<string>();
  private readonly codeListeners = new Set<Listener<ScannerCode>>();
  private readonly statusListeners = new Set<Listener<ScannerStatus>>();
  private lastStatusKey = '';
  /** When the last code arrived, for the admin screen. */
  lastCodeAt: Date | null = null;

  constructor(private readonly options: HidScannerServiceOptions) {
    this.settings = options.settings;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? globalTimers;
    this.rescanMs = options.rescanMs ?? 2000;
    this.joinGapMs = options.joinGapMs ?? 50;
    this.moreDataTimeoutMs = options.moreDataTimeoutMs ?? 500;
    this.maxCodeBytes = options.maxCodeBytes ?? 4096;
    this.platform = options.platform ?? process.platform;
    this.udevRulePath = options.udevRulePath ?? DEFAULT_UDEV_RULE_PATH;
  }

  /** Listen for whole codes. Returns the unsubscribe function. */
  onCode(listener: Listener<ScannerCode>): () => void {
    this.codeListeners.add(listener);
    return () => this.codeListeners.delete(listener);
  }

  /** Called whenever status() changes. */
  onStatus(listener: Listener<ScannerStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (!this.settings.enabled) {
      this.notifyStatus();
      return;
    }
    this.running = true;
    await this.rescan();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.rescanTimer !== null) this.timers.clearTimeout(this.rescanTimer);
    this.rescanTimer = null;
    await this.scanning;
    await Promise.all([...this.open.keys()].map((path) => this.closeScanner(path, 'Passdesk is stopping the scanner')));
    this.failed.clear();
    this.lost.clear();
    this.notifyStatus();
  }

  /** New `scanner.hid` settings: everything is reopened under them. */
  async configure(settings: HidScannerSettings): Promise<void> {
    await this.stop();
    this.settings = settings;
    await this.start();
  }

  status(): ScannerStatus {
    const devices = [...this.open.values()].map((s) => s.device.name);
    if (!this.settings.enabled) return { state: 'none', message: 'HID POS scanners are switched off in the site settings.' };
    const problems = [...(this.backendProblem ? [this.backendProblem] : []), ...this.failed.values(), ...this.lost.values()];
    const first = problems[0];
    if (first) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more scanner problem(s))` : '';
      return { state: 'problem', message: first.message + more, fix: first.fix, devices };
    }
    if (devices.length > 0) return { state: 'ok', devices };
    return { state: 'none', message: 'No HID POS scanner is plugged in. Scanners in keyboard mode do not show here.' };
  }

  /** Look for scanners now. Concurrent calls share one enumeration. */
  rescan(): Promise<void> {
    this.scanning ??= this.enumerate().finally(() => {
      this.scanning = null;
      this.scheduleRescan();
    });
    return this.scanning;
  }

  private scheduleRescan(): void {
    if (!this.running || this.rescanTimer !== null) return;
    this.rescanTimer = this.timers.setTimeout(() => {
      this.rescanTimer = null;
      void this.rescan();
    }, this.rescanMs);
  }

  private async loadBackend(): Promise<HidBackend | null> {
    if (this.backend || this.backendProblem) return this.backend;
    const { backend } = this.options;
    try {
      this.backend = typeof backend === 'function' ? await backend() : backend;
    } catch (err) {
      // Not retried: a missing or mismatched native module does not mend itself.
      this.backendProblem = backendFailure(err);
      this.logger.error('HID scanner support could not start', { reason: this.backendProblem.message });
    }
    return this.backend;
  }

  private async enumerate(): Promise<void> {
    if (!this.running) return;
    const backend = await this.loadBackend();
    if (!backend) return this.notifyStatus();
    let listed: HidDeviceInfo[];
    try {
      listed = await backend.devices();
    } catch (err) {
      this.logger.warn('could not list HID devices; will try again', { reason: errorText(err) });
      return;
    }
    if (!this.running) return;
    const { scanners, keyboardMode } = selectScanners(listed, this.settings.devices);
    for (const info of keyboardMode) this.noteKeyboardMode(info);

    const present = new Set(scanners.map((s) => s.path));
    // Some platforms drop a device from the list before (or instead of) failing its read.
    for (const path of [...this.open.keys()]) if (!present.has(path)) await this.closeScanner(path, 'it was unplugged', true);
    for (const path of [...this.failed.keys()]) if (!present.has(path)) this.failed.delete(path);

    await Promise.all(
      scanners.filter((s) => !this.open.has(s.path) && !this.opening.has(s.path)).map((s) => this.openScanner(backend, s)),
    );
    this.notifyStatus();
  }

  private noteKeyboardMode(info: HidDeviceInfo): void {
    const identity = identityOf(info);
    if (this.keyboardModeNoted.has(identity)) return;
    this.keyboardModeNoted.add(identity);
    // Reading a keyboard interface would type each code twice (as keys and as reports), and
    // Windows and macOS refuse it anyway: the renderer's wedge capture reads this one.
    this.logger.info('configured scanner is in keyboard mode; its codes arrive as keystrokes', {
      device: deviceName(info),
    });
  }

  private async openScanner(backend: HidBackend, info: HidDeviceInfo): Promise<void> {
    this.opening.add(info.path);
    const device: ScannerDevice = {
      name: deviceName(info),
      vendorId: info.vendorId,
      productId: info.productId,
      path: info.path,
    };
    try {
      const connection = await backend.open(info.path);
      if (!this.running) {
        await closeQuietly(connection);
        return;
      }
      const identity = identityOf(info);
      const assembler = new ReportAssembler({
        timers: this.timers,
        joinGapMs: this.joinGapMs,
        moreDataTimeoutMs: this.moreDataTimeoutMs,
        maxCodeBytes: this.maxCodeBytes,
        onCode: (data) => this.deliver(device, data),
        onDrop: (reason) => this.logger.warn('scanner read dropped', { device: device.name, reason }),
      });
      this.open.set(info.path, { device, identity, connection, assembler });
      this.failed.delete(info.path);
      this.lost.delete(identity);
      connection.on('data', (report) => assembler.push(report));
      connection.on('error', (err) => {
        if (!this.open.has(info.path)) return;
        this.logger.warn('scanner disconnected', { device: device.name, reason: errorText(err) });
        void this.closeScanner(info.path, 'the scanner was unplugged mid-scan', true).then(() => this.notifyStatus());
      });
      this.logger.info('scanner connected', { device: device.name, path: info.path });
    } catch (err) {
      const problem = openFailure(err, info, { platform: this.platform, udevRulePath: this.udevRulePath });
      if (this.failed.get(info.path)?.message !== problem.message) {
        this.logger.warn('scanner could not be opened', { device: device.name, reason: errorText(err), fix: problem.fix });
      }
      this.failed.set(info.path, problem);
    } finally {
      this.opening.delete(info.path);
    }
  }

  private async closeScanner(path: string, reason: string, lost = false): Promise<void> {
    const scanner = this.open.get(path);
    if (!scanner) return;
    this.open.delete(path);
    scanner.assembler.abandon(reason);
    if (lost) this.lost.set(scanner.identity, unplugged(scanner.device.name));
    await closeQuietly(scanner.connection);
  }

  private deliver(device: ScannerDevice, data: Uint8Array): void {
    const { code, symbology } = codeFromData(data);
    if (code.length === 0) return;
    this.lastCodeAt = this.clock.now();
    // Length and symbology only: the code itself may be a password.
    this.logger.debug('scanner read a code', { device: device.name, length: code.length, symbology });
    for (const listener of this.codeListeners) {
      try {
        listener({ code, symbology, device });
      } catch (err) {
        this.logger.error('a scanner code listener failed', { reason: errorText(err) });
      }
    }
  }

  private notifyStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    for (const listener of this.statusListeners) listener(status);
  }
}

async function closeQuietly(connection: HidConnection): Promise<void> {
  try {
    await connection.close();
  } catch {
    // Closing a device that has gone away fails on some platforms; it is gone either way.
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
