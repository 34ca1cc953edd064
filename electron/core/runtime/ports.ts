// The hardware ports as the core holds them: stable objects that exist from the start and say
// "none/disabled" until the runtime binds a real device (or a test binds a fake).
import type { PassPrinterPort, PrinterPort } from '../attendance/passes';
import type { SignEvent, Student } from '../../../shared/model';
import type { SiteSettings } from '../../../shared/settings';
import type { KioskStatus, PassOutcome } from '../../../shared/ipc/contract';
import type { PrinterStatus } from '../../../shared/pass';
import type { ScannerPortStatus } from '../maintenance/doctor';

export class PrinterSlot implements PrinterPort {
  private port: PassPrinterPort | null;
  private diagnoseFn: (() => Promise<PrinterStatus>) | undefined;

  constructor(initial: PassPrinterPort | null = null) {
    this.port = initial;
  }

  get ready(): boolean {
    return this.port !== null;
  }

  print(event: SignEvent, student: Student, settings: SiteSettings): Promise<PassOutcome> {
    if (!this.port) return Promise.resolve({ status: 'disabled', problem: null });
    return this.port.print(event, student, settings);
  }

  status(): Promise<KioskStatus['printer']> {
    return this.port ? this.port.status() : Promise.resolve({ state: 'disabled', problem: null });
  }

  /** The printer's full status, for the doctor; undefined while no real printer runs. */
  get diagnose(): (() => Promise<PrinterStatus>) | undefined {
    return this.diagnoseFn;
  }

  bind(port: PassPrinterPort | null, diagnose?: () => Promise<PrinterStatus>): void {
    this.port = port;
    this.diagnoseFn = diagnose;
  }
}

export interface ScannerDevice {
  /** What the idle screen's chip shows. */
  status(): KioskStatus['scanner'];
  /** The full status, for the doctor. */
  diagnose(): ScannerPortStatus;
}

export class ScannerSlot {
  private device: ScannerDevice | null = null;

  status(): KioskStatus['scanner'] {
    return this.device ? this.device.status() : { state: 'none', problem: null };
  }

  get diagnose(): (() => ScannerPortStatus) | undefined {
    const d = this.device;
    return d ? () => d.diagnose() : undefined;
  }

  bind(device: ScannerDevice | null): void {
    this.device = device;
  }
}
