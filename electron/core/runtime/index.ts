// The composition root: builds every port ONCE — the database and its repositories, the clock,
// the secrets, the logger, the printer, the scanner and the MIS port — and hands them to the
// use-case modules through their constructors. Nothing is assigned afterwards: the ports exist
// from the start and say "not connected / none" until start() binds the hardware and the MIS.
// start()/stop() run what has timers or devices: the pass printer, the HID scanner, the sync
// engine and the roster schedule. KioskCore (../kiosk.ts) is the facade over this.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../db/database';
import { StudentRepository } from '../db/students';
import { EventRepository } from '../db/events';
import { SettingsStore } from '../db/settings-store';
import { AuditRepository } from '../db/audit';
import { PassRepository } from '../db/passes';
import { MisCodeStore } from '../db/mis-codes';
import { ScanRejectionLog, scanSalt } from '../db/scan-rejections';
import { parseRosterCsv } from '../roster/csv';
import { RosterService, rosterSourceFactory } from '../roster';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../logging/logger';
import { fileSecretStore, type SecretStore } from '../security/secrets';
import { MisPort } from '../sync/mis-port';
import { Attendance, PassPrinting, RollCallService, type PassPrinterPort } from '../attendance';
import { CollectorRepository } from '../db/collectors';
import { LatenessService } from '../attendance/lateness/service';
import { StaffDesk } from '../staff/desk';
import { SettingsService, loadDistrictPolicy } from '../settings';
import { Maintenance } from '../maintenance';
import { startCheckpointer, type WalCheckpointer } from '../maintenance/checkpointer';
import { PassPrinter, type OsPrint } from '../hardware/printer';
import { kioskPrinterStatus } from '../hardware/printer/status';
import { HidScannerService, loadNodeHidBackend, toKioskScannerStatus } from '../hardware/scanner';
import type { HidBackend } from '../hardware/scanner/types';
import { KioskEvents } from './events';
import { PrinterSlot, ScannerSlot } from './ports';
import { StatusReporter } from './status';
import { MessageRepository } from '../db/messages';
import { MessageService, type MessageServiceOptions } from '../messages/service';
import { todayIn } from '../../../shared/school-time';
import { collectorText } from '../../../shared/roll-call';

export { PrinterSlot, ScannerSlot } from './ports';
export { KioskEvents } from './events';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_RESOURCES_DIR = path.resolve(here, '../../../resources');

export interface RuntimeOptions {
  dataDir: string;
  clock?: Clock;
  logger?: Logger;
  /** Seed the demo roster into an empty database (default true). */
  demo?: boolean;
  resourcesDir?: string;
  /** better-sqlite3 built for Electron's ABI (see scripts/rebuild-electron-native.mjs). */
  nativeBinding?: string;
  secrets?: SecretStore;
  /** A pass printer bound from the start (tests, benches); start() binds the real one. */
  printer?: PassPrinterPort;
  /** The district's policy file; default `<dataDir>/district-policy.json` when it exists. */
  policyFile?: string;
  /** The message outbox's timeouts and backoff (tests shorten them). */
  messages?: Pick<MessageServiceOptions, 'mailTimeouts' | 'webhookTimeoutMs' | 'backoff' | 'intervalMs'>;
}

/** What start() runs (today's electron/main passes osPrint; tests a fake HID backend). */
export interface StartOptions {
  /** Electron's silent print for driver-only printers (electron/main/print-os.ts). */
  osPrint?: OsPrint;
  /** node-hid by default; tests pass a fake. `null`: no HID scanning (CLI, CI). */
  hidBackend?: (() => Promise<HidBackend>) | null;
  /** Start the sync engine's timers and the roster schedule (default true). */
  schedules?: boolean;
}

export class Runtime {
  // ---- ports ----
  readonly db: Db;
  readonly students: StudentRepository;
  readonly events: EventRepository;
  readonly settingsStore: SettingsStore;
  readonly audit: AuditRepository;
  readonly passes: PassRepository;
  readonly misCodes: MisCodeStore;
  /** Issue 17: who collected a student, and the day's events for the roll call. */
  readonly collectors: CollectorRepository;
  /** Refused scans: reason, length and a salted fingerprint, never the text. */
  readonly scanRejections: ScanRejectionLog;
  readonly clock: Clock;
  readonly log: Logger;
  readonly secrets: SecretStore;
  readonly dataDir: string;
  readonly resourcesDir: string;
  /** Electron's build of better-sqlite3, for every other database the kiosk opens (ledger, backups). */
  readonly nativeBinding: string | undefined;
  readonly printer: PrinterSlot;
  readonly scanner = new ScannerSlot();
  readonly mis: MisPort;
  readonly bus = new KioskEvents();
  readonly status: StatusReporter;
  // ---- use-case modules ----
  readonly settings: SettingsService;
  readonly attendance: Attendance;
  /** Issue 17: the evacuation roll call. */
  readonly rollCall: RollCallService;
  /** Issue 18: lateness counts (migration 011's triggers), thresholds, the report. */
  readonly lateness: LatenessService;
  readonly staff: StaffDesk;
  readonly roster: RosterService;
  readonly maintenance: Maintenance;
  /** Telling home (issue 17): the message outbox; its worker runs between start() and stop(). */
  readonly messages: MessageService;

  private running: { stop(): Promise<void> } | null = null;
  private checkpointer: WalCheckpointer | null = null;
  /** The real pass printer while started (for electron/main and tests). */
  passPrinter: PassPrinter | null = null;
  hid: HidScannerService | null = null;

  static open(options: RuntimeOptions): Runtime {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const db = openDatabase(path.join(options.dataDir, 'passdesk.sqlite'), { nativeBinding: options.nativeBinding });
    return new Runtime(db, options);
  }

  private constructor(db: Db, options: RuntimeOptions) {
    this.db = db;
    this.dataDir = options.dataDir;
    this.resourcesDir = options.resourcesDir ?? DEFAULT_RESOURCES_DIR;
    this.nativeBinding = options.nativeBinding;
    this.clock = options.clock ?? systemClock;
    const log = (this.log = options.logger ?? silentLogger);
    this.secrets = options.secrets ?? fileSecretStore(options.dataDir);
    this.students = new StudentRepository(db);
    this.events = new EventRepository(db);
    this.audit = new AuditRepository(db);
    this.passes = new PassRepository(db);
    this.misCodes = new MisCodeStore(db);
    this.settingsStore = new SettingsStore(db, loadDistrictPolicy(options.policyFile ?? path.join(options.dataDir, 'district-policy.json')));
    this.settings = new SettingsService(this.settingsStore, { misCodes: this.misCodes, clock: this.clock, log, secrets: this.secrets, audit: this.audit });
    const settings = () => this.settings.get();
    this.printer = new PrinterSlot(options.printer ?? null);
    this.status = new StatusReporter({
      db, clock: this.clock, log, dataDir: this.dataDir, settings, printer: this.printer, scanner: this.scanner,
      mis: { online: () => this.mis.online() }, secrets: this.secrets, events: this.bus,
    });
    const onStatus = () => this.status.schedule();
    this.scanRejections = new ScanRejectionLog(db, () => scanSalt(this.secrets, log));
    this.collectors = new CollectorRepository(db);
    this.lateness = new LatenessService(db, settings, log);
    // Issue 18: a threshold's staff e-mail goes through the message outbox (issue 17).
    this.lateness.mail = { queue: (n) => this.messages.queueStaffNotice(n) };
    // Before attendance: an event's messages are queued in the event's own transaction.
    this.messages = new MessageService({
      repo: new MessageRepository(db),
      settings,
      student: (id) => this.students.get(id),
      event: (id) => this.events.get(id),
      collectedBy: (id) => {
        const c = this.collectors.ofEvent(id);
        return c ? collectorText(c) : null;
      },
      contacts: (id) => this.collectors.storedContacts(id),
      today: () => todayIn(this.settings.get().timeZone, this.clock.now()),
      clock: this.clock,
      logger: log,
      secrets: this.secrets,
      ...options.messages,
    });
    const passes = new PassPrinting({ printer: this.printer, passes: this.passes, clock: this.clock });
    this.rollCall = new RollCallService({ collectors: this.collectors, settings, clock: this.clock, log, audit: this.audit, passes });
    this.attendance = new Attendance({
      db, students: this.students, events: this.events, audit: this.audit, scanRejections: this.scanRejections, settings, clock: this.clock, log,
      passes,
      sync: { kick: () => this.mis.kick() },
      messages: this.messages,
      onStatus,
      collectors: this.collectors,
      rollCall: this.rollCall,
      lateness: this.lateness,
    });
    this.mis = new MisPort({
      db, clock: this.clock, logger: log, secrets: this.secrets, dataDir: this.dataDir, nativeBinding: this.nativeBinding, settings,
      rulesFor: (payload) => this.attendance.rowRules(payload),
      studentName: (misId) => this.students.nameByMisId(misId),
      onStatus,
    });
    this.staff = new StaffDesk({
      db, events: this.events, audit: this.audit, clock: this.clock, log, dataDir: this.dataDir, attendance: this.attendance, sync: this.mis,
      lateAlerts: (day) => this.lateness.alertsOnDay(day),
    });
    this.roster = new RosterService({
      db, settings, clock: this.clock, logger: log,
      sourceFor: rosterSourceFactory({ mis: () => this.settings.get().mis, secrets: this.secrets, logger: log }),
      nativeBinding: this.nativeBinding, // issue 16: the import worker's own connection
    });
    this.roster.onProgress((p) => this.bus.emit('rosterProgress', p));
    const mis = this.mis;
    this.maintenance = new Maintenance({
      dataDir: this.dataDir, db, nativeBinding: this.nativeBinding, clock: this.clock, log, settings,
      settingsSaved: () => this.settings.isSaved(),
      secrets: this.secrets,
      probes: {
        printerStatus: () => this.printer.diagnose,
        scannerStatus: () => this.scanner.diagnose,
        misTest: () => mis.misTest,
        misName: () => mis.misName,
        misCodes: () => mis.misCodes,
      },
      audit: (...a) => this.staff.audit(...a),
    });
    this.settings.onChange(onStatus);
    // Messages switched on or off, a password saved: the outbox takes note (and wakes what waits).
    this.settings.onChange(() => this.messages.settingsChanged());
    // Issue 18: the half-terms and terms the lateness triggers count into follow the settings.
    const syncLatePeriods = () => {
      try {
        this.lateness.syncPeriods(todayIn(this.settings.get().timeZone, this.clock.now()));
      } catch (e) {
        log.error('lateness periods not written; the report counts from the day counts', { error: (e as Error).message });
      }
    };
    syncLatePeriods();
    this.settings.onChange(syncLatePeriods);

    const hashed = this.scanRejections.hashStoredText();
    if (hashed) log.info('refused scans: stored text replaced by fingerprints', { rows: hashed });
    if (options.demo !== false && this.students.count() === 0) {
      const csv = fs.readFileSync(path.join(this.resourcesDir, 'demo-roster.csv'), 'utf8');
      const roster = parseRosterCsv(csv);
      this.students.upsertMany(roster.students, 'demo', this.clock.now().toISOString());
      log.info('demo roster loaded', { students: roster.students.length });
    }
  }

  /**
   * Start the printer, the HID scanner, the sync engine and the roster schedule; settings
   * changes apply without a restart from then on. Plain Node: electron/main, a test, a headless kiosk.
   */
  async start(options: StartOptions = {}): Promise<void> {
    if (this.running) return;
    const log = this.log;
    const schedules = options.schedules ?? true;
    this.startCheckpointer();
    const onStatus = () => this.status.schedule();

    // ---- printer: attendance prints through the port; status chips follow the printer --------
    const printer = new PassPrinter({ logger: log, clock: this.clock, osPrint: options.osPrint, settings: this.settings.get().printer });
    this.passPrinter = printer;
    this.printer.bind(printer.kioskPort(), () => printer.status());
    const stopPrinterStatus = printer.onStatus((s) => {
      log.info('printer status', { state: kioskPrinterStatus(s).state });
      onStatus();
    });

    // ---- HID POS scanner: each code goes to the renderer like a wedge burst -----------------
    let hid: HidScannerService | null = null;
    if (options.hidBackend !== null) {
      hid = new HidScannerService({
        backend: options.hidBackend ?? loadNodeHidBackend,
        settings: this.settings.get().scanner.hid,
        logger: log,
        udevRulePath: path.join(this.resourcesDir, 'udev', '70-passdesk-scanner.rules'),
      });
      const h = hid;
      this.hid = h;
      this.scanner.bind({ status: () => toKioskScannerStatus(h.status()), diagnose: () => h.status() });
      h.onCode(({ code }) => this.bus.emit('scannerCode', { code }));
      h.onStatus(onStatus);
      await h.start();
    }

    // ---- the MIS: connector + sync engine, rebuilt behind the port when the settings change ---
    await this.mis.start({ schedules });

    // ---- roster: nightly import from the configured source -----------------------------------
    if (schedules) this.roster.schedule.start();

    // ---- messages home (issue 17): the outbox worker; crash-interrupted sends go again --------
    if (schedules) this.messages.start();
    const stopMessageStatus = this.messages.onChange(onStatus);

    const stopSettings = this.settings.onChange((s) => {
      try {
        printer.configure(s.printer);
      } catch (e) {
        log.error('printer settings refused', { error: (e as Error).message });
      }
      void hid?.configure(s.scanner.hid);
      // Secrets may have changed with the same settings (a new token): reconnect on every save.
      void this.mis.rebind(s, true);
    });

    this.running = {
      stop: async () => {
        stopSettings();
        stopPrinterStatus();
        this.roster.schedule.stop();
        stopMessageStatus();
        await this.messages.stop();
        await this.mis.stop();
        await hid?.stop();
        this.printer.bind(null);
        this.scanner.bind(null);
        this.passPrinter = null;
        this.hid = null;
      },
    };
  }

  /**
   * Issue 16: the WAL folded back into the database file on a worker thread, not inside a
   * sign-in's commit (maintenance/checkpointer.ts). Part of start(); a bench that measures the
   * kiosk without its printer and MIS starts it alone.
   */
  startCheckpointer(): void {
    this.checkpointer ??= startCheckpointer(this.db, { nativeBinding: this.nativeBinding, log: this.log });
  }

  private async stopCheckpointer(): Promise<void> {
    const c = this.checkpointer;
    this.checkpointer = null;
    await c?.stop();
  }

  /** Stop what start() started (in-flight work finishes first); the database stays open. */
  async stop(): Promise<void> {
    const r = this.running;
    this.running = null;
    // Taken now: a start() while the services stop gets a checkpoint worker of its own.
    const c = this.checkpointer;
    this.checkpointer = null;
    await r?.stop();
    await c?.stop();
  }

  /** Close the database (after stop()). */
  close(): void {
    this.roster.close();
    void this.messages.stop();
    this.lateness.stop();
    this.status.stop();
    this.bus.clear();
    // Closed without stop(): the worker closes its own connection as it ends, a moment later. Never
    // move the database aside in this process before that (restore and recovery run with the kiosk
    // stopped): as the file's last connection it would delete the -wal and -shm by their paths.
    if (this.checkpointer) this.log.warn('closing the database before the checkpoint worker stopped (call stop() first)');
    void this.stopCheckpointer();
    this.db.close();
  }
}
