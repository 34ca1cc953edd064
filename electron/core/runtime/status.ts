// The kiosk's status (the idle screen's chips): outbox, MIS, printer, scanner, secrets, recovery.
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { SyncPort } from '../sync/mis-port';
import { awaitingRegister, queueCounts } from '../sync/outbox';
import { recoveryStatus } from '../maintenance/recovery';
import type { KioskEvents } from './events';
import type { PrinterSlot, ScannerSlot } from './ports';
import type { KioskStatus } from '../../../shared/ipc/contract';
import type { SiteSettings } from '../../../shared/settings';

export interface StatusDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  dataDir: string;
  settings: () => SiteSettings;
  printer: PrinterSlot;
  scanner: ScannerSlot;
  mis: Pick<SyncPort, 'online'>;
  secrets: { readonly backend: KioskStatus['secrets']['backend']; readonly weak: boolean };
  events: KioskEvents;
}

export class StatusReporter {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: StatusDeps) {}

  async get(): Promise<KioskStatus> {
    // Issue 16: computed 50 ms after every sign-in and every sent batch, so only what the chips
    // show, through the state index (queueCounts), never a count of every mark ever sent.
    const counts = queueCounts(this.d.db);
    // Sent marks still not shown by the register after the confirmation window (issue 12).
    const windowStart = new Date(this.d.clock.now().getTime() - this.d.settings().confirmation.windowMinutes * 60_000).toISOString();
    const printer = await this.d.printer.status();
    return {
      online: this.d.mis.online(),
      outbox: {
        pending: counts.waiting,
        failed: counts.failed,
        oldestPendingAt: counts.oldestPendingAt,
        sentWaiting: awaitingRegister(this.d.db, windowStart),
      },
      printer,
      scanner: this.d.scanner.status(),
      secrets: { backend: this.d.secrets.backend, weak: this.d.secrets.weak },
      recovery: recoveryStatus(this.d.dataDir),
    };
  }

  /** Tell the renderer's status chips, coalesced and off the event path. */
  schedule(): void {
    if (this.timer || !this.d.events.listening('status')) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.get().then(
        (st) => this.d.events.emit('status', st),
        (e: unknown) => this.d.log.warn('status failed', { error: String(e) }),
      );
    }, 50);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
