// The MIS port: ONE stable object the rest of the kiosk holds for "the MIS". Behind it, the
// connector for the configured MIS and the sync engine draining the outbox into it; a settings
// save rebinds both (one reconnection at a time), and nobody else needs to know. Until the
// runtime starts it, it reports "not connected" and every call is a safe no-op.
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../security/secrets';
import type { MisConnector } from '../mis/types';
import type { MisCode } from '../db/mis-codes';
import type { SessionMarkPayload } from './outbox';
import type { RowRules } from './writeback';
import type { SiteSettings } from '../../../shared/settings';
import { retryRows } from './outbox';
import { SyncEngine } from './engine';
import { createConnector } from '../mis';
import { FileExportConnector } from '../mis/fileexport/connector';

/** What the rest of the core may ask of the MIS. */
export interface SyncPort {
  kick(): void;
  /** null: no MIS connected. */
  online(): boolean | null;
  testConnection(): Promise<{ ok: boolean; message: string }>;
  /** Requeue failed rows and lift any pause, so the admin's retry goes at once. */
  retry(which: number[] | 'all_failed'): number;
}

export interface MisPortOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  secrets: SecretStore;
  dataDir: string;
  nativeBinding?: string;
  settings: () => SiteSettings;
  /** The school's rules for a row at send time (attendance/ resolves them). */
  rulesFor: (payload: SessionMarkPayload) => RowRules;
  studentName: (misId: string) => { forename: string; surname: string } | null;
  /** Something the status chips show changed. */
  onStatus: () => void;
}

export const NO_MIS_MESSAGE = 'No MIS is connected. Choose one and save the settings first.';

export class MisPort implements SyncPort {
  private engineNow: SyncEngine | null = null;
  private connectorNow: MisConnector | null = null;
  /** A connector a test (or the admin screen's harness) attached without an engine. */
  private attachedFileExport: FileExportConnector | null = null;
  private misKey = '';
  private schedules = false;
  private bound = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: MisPortOptions) {}

  /** Start following the settings: connect the configured MIS and (with schedules) run the engine. */
  start(options: { schedules: boolean }): Promise<void> {
    this.schedules = options.schedules;
    this.bound = true;
    return this.rebind(this.o.settings(), true);
  }

  /**
   * Connect to the MIS the settings name. Saves can come in quick succession (a client id, then
   * its secret): reconnections run one after another, never side by side, so there is only ever
   * one engine draining the outbox. `force`: secrets may have changed with the same settings.
   */
  rebind(s: SiteSettings, force = true): Promise<void> {
    if (!this.bound) return Promise.resolve();
    if (force) this.misKey = '';
    this.chain = this.chain.then(() => this.reconnect(s)).catch((e: unknown) => this.o.logger.error('MIS reconnection failed', { error: String(e) }));
    return this.chain;
  }

  async stop(): Promise<void> {
    this.bound = false;
    await this.chain;
    await this.engineNow?.stop();
    await this.connectorNow?.close?.();
    this.engineNow = null;
    this.connectorNow = null;
    this.misKey = '';
  }

  private async reconnect(s: SiteSettings): Promise<void> {
    const key = JSON.stringify(s.mis);
    if (key === this.misKey || !this.bound) return;
    this.misKey = key;
    const log = this.o.logger;
    await this.engineNow?.stop();
    await this.connectorNow?.close?.();
    this.engineNow = null;
    this.connectorNow = null;
    let c: MisConnector | null;
    try {
      c = createConnector(s.mis, this.o.secrets, log, {
        dataDir: this.o.dataDir,
        nativeBinding: this.o.nativeBinding,
        site: this.o.settings,
        studentName: this.o.studentName,
      });
    } catch (e) {
      log.error('MIS connector unavailable', { connector: s.mis.connector, error: (e as Error).message });
      return;
    }
    if (!c) return;
    const settings = this.o.settings;
    const eng = new SyncEngine({
      db: this.o.db,
      connector: c,
      clock: this.o.clock,
      logger: log,
      rulesFor: this.o.rulesFor,
      // Issue 12: read each sent mark back from the register, as the site settings say.
      confirmation: () => {
        const k = settings().confirmation;
        return { enabled: k.enabled, firstReadMs: k.firstReadSeconds * 1000, windowMs: k.windowMinutes * 60_000 };
      },
    });
    this.connectorNow = c;
    this.engineNow = eng;
    // Issue 16: 'change', not 'status': the status chips count only what they show (runtime/status.ts).
    eng.on('change', () => this.o.onStatus());
    if (this.schedules) eng.start();
    log.info('sync engine ready', { connector: c.name });
  }

  // ---- SyncPort ------------------------------------------------------------------------------

  kick(): void {
    this.engineNow?.kick();
  }

  online(): boolean | null {
    return this.engineNow ? this.engineNow.isOnline() : null;
  }

  async testConnection(): Promise<{ ok: boolean; message: string }> {
    const c = this.connectorNow;
    if (!c) return { ok: false, message: NO_MIS_MESSAGE };
    try {
      await c.ping();
      return { ok: true, message: `Connected to ${c.name}.` };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  }

  retry(which: number[] | 'all_failed'): number {
    // Without an engine the rows are requeued in the outbox; they go when one runs.
    return this.engineNow ? this.engineNow.retry(which) : retryRows(this.o.db, which, this.o.clock.now().toISOString());
  }

  // ---- for the doctor, the admin screen and electron/main --------------------------------------

  /** Whether a connector is bound (the MIS is configured and the port started). */
  get connected(): boolean {
    return this.connectorNow !== null;
  }

  get misName(): string | undefined {
    return this.connectorNow?.name;
  }

  /** Resolves when the MIS answers and accepts the credentials; undefined when none is bound. */
  get misTest(): (() => Promise<void>) | undefined {
    const c = this.connectorNow;
    return c ? () => c.ping() : undefined;
  }

  /** The MIS's own attendance codes; undefined when none is bound. */
  get misCodes(): (() => Promise<MisCode[]>) | undefined {
    const c = this.connectorNow;
    return c ? () => c.fetchAttendanceCodes() : undefined;
  }

  /** The file export connector while it is the configured MIS ("Save & run now"). */
  get fileExport(): FileExportConnector | null {
    if (this.attachedFileExport) return this.attachedFileExport;
    return this.connectorNow instanceof FileExportConnector ? this.connectorNow : null;
  }

  /** Tests and screenshots: drive the admin screen's file export against a connector of their own. */
  attachFileExport(connector: FileExportConnector | null): void {
    this.attachedFileExport = connector;
  }

  engine(): SyncEngine | null {
    return this.engineNow;
  }

  /** The OS says the network is back (or gone). */
  connectivityChanged(online: boolean): void {
    this.engineNow?.connectivityChanged(online);
  }
}
