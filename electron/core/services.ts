// The kiosk's background services around a KioskCore: pass printer, HID scanner, sync engine
// (with the connector for the configured MIS) and the roster schedule. electron/main starts them;
// so can a test or a headless kiosk under plain Node. Settings changes apply without a restart.
import path from 'node:path';
import type { KioskCore } from './kiosk';
import type { Logger } from './logging/logger';
import { PassPrinter, type OsPrint } from './hardware/printer';
import { kioskPrinterStatus } from './hardware/printer/status';
import { HidScannerService, loadNodeHidBackend, toKioskScannerStatus } from './hardware/scanner';
import type { HidBackend } from './hardware/scanner/types';
import { SyncEngine } from './sync/engine';
import { createConnector } from './mis';
import type { MisConnector } from './mis/types';
import type { RosterService } from './roster';
import { FileExportConnector } from './mis/fileexport/connector';
import { groupForStudent, resolveRules, type SiteSettings } from '../../shared/settings';

export interface ServiceOptions {
  logger: Logger;
  resourcesDir: string;
  /** Electron's silent print for driver-only printers (electron/main/print-os.ts). */
  osPrint?: OsPrint;
  /** node-hid by default; tests pass a fake. `null`: no HID scanning (CLI, CI). */
  hidBackend?: (() => Promise<HidBackend>) | null;
  /** Start the sync engine's timers and the roster schedule (default true). */
  schedules?: boolean;
}

export interface KioskServices {
  printer: PassPrinter;
  hid: HidScannerService | null;
  roster: RosterService;
  engine(): SyncEngine | null;
  /** Tell the engine the OS says the network is back (or gone). */
  connectivityChanged(online: boolean): void;
  stop(): Promise<void>;
}

export async function startServices(core: KioskCore, options: ServiceOptions): Promise<KioskServices> {
  const log = options.logger;
  const schedules = options.schedules ?? true;

  // ---- printer: the core prints through the port; status chips follow the printer ----------
  const printer = new PassPrinter({ logger: log, clock: core.clock, osPrint: options.osPrint, settings: core.getSettings().printer });
  core.printer = printer.kioskPort();
  const stopPrinterStatus = printer.onStatus((s) => {
    log.info('printer status', { state: kioskPrinterStatus(s).state });
    core.scheduleStatus();
  });

  // ---- HID POS scanner: each code goes to the renderer like a wedge burst -------------------
  let hid: HidScannerService | null = null;
  if (options.hidBackend !== null) {
    hid = new HidScannerService({
      backend: options.hidBackend ?? loadNodeHidBackend,
      settings: core.getSettings().scanner.hid,
      logger: log,
      udevRulePath: path.join(options.resourcesDir, 'udev', '70-passdesk-scanner.rules'),
    });
    const h = hid;
    core.scanner = { status: () => toKioskScannerStatus(h.status()) };
    h.onCode(({ code }) => core.emit('scannerCode', { code }));
    h.onStatus(() => core.scheduleStatus());
    await h.start();
  }

  // ---- sync engine: rebuilt when the MIS connection changes ---------------------------------
  let engine: SyncEngine | null = null;
  let connector: MisConnector | null = null;
  let misKey = '';
  const rulesFor = (payload: { studentId: string }) => {
    const s = core.getSettings();
    const student = core.students.get(payload.studentId);
    const rules = resolveRules(s, student ? groupForStudent(s, student) : null);
    return { protectedCodes: rules.protectedCodes, sessions: rules.sessions, presentCodes: [rules.presentCodes.AM, rules.presentCodes.PM] };
  };
  // Saves can come in quick succession (a client id, then its secret): reconnections run one
  // after another, never side by side, so there is only ever one engine draining the outbox.
  let chain: Promise<void> = Promise.resolve();
  const connectMis = (s: SiteSettings): Promise<void> => {
    chain = chain.then(() => reconnect(s)).catch((e: unknown) => log.error('MIS reconnection failed', { error: String(e) }));
    return chain;
  };
  const reconnect = async (s: SiteSettings) => {
    const key = JSON.stringify(s.mis);
    if (key === misKey) return;
    misKey = key;
    await engine?.stop();
    await connector?.close?.();
    engine = null;
    connector = null;
    core.sync = null;
    core.fileExport = null;
    try {
      connector = createConnector(s.mis, core.secrets, log, {
        dataDir: core.dataDir,
        nativeBinding: core.nativeBinding,
        site: () => core.getSettings(),
        studentName: (misId) => {
          const row = core.db.prepare('SELECT forename, surname FROM students WHERE mis_id = ?').get(misId) as
            | { forename: string; surname: string }
            | undefined;
          return row ?? null;
        },
      });
    } catch (e) {
      log.error('MIS connector unavailable', { connector: s.mis.connector, error: (e as Error).message });
      return;
    }
    if (!connector) return;
    const c = connector;
    if (c instanceof FileExportConnector) core.fileExport = c;
    const eng = new SyncEngine({
      db: core.db,
      connector: c,
      clock: core.clock,
      logger: log,
      rulesFor,
      // Issue 12: read each sent mark back from the register, as the site settings say.
      confirmation: () => {
        const k = core.getSettings().confirmation;
        return { enabled: k.enabled, firstReadMs: k.firstReadSeconds * 1000, windowMs: k.windowMinutes * 60_000 };
      },
    });
    engine = eng;
    core.sync = {
      kick: () => eng.kick(),
      online: () => eng.status().online,
      retry: (which) => eng.retry(which),
      testConnection: async () => {
        try {
          await c.ping();
          return { ok: true, message: `Connected to ${c.name}.` };
        } catch (e) {
          return { ok: false, message: (e as Error).message };
        }
      },
    };
    eng.on('status', () => core.scheduleStatus());
    if (schedules) eng.start();
    log.info('sync engine ready', { connector: c.name });
  };
  await connectMis(core.getSettings());

  // The admin screen's doctor asks the running services, not fresh copies of them.
  core.diagnostics = {
    ...core.diagnostics,
    printerStatus: () => printer.status(),
    ...(hid ? { scannerStatus: () => hid!.status() } : {}),
    get misTest() {
      const c = connector;
      return c ? () => c.ping() : undefined;
    },
    get misName() {
      return connector?.name;
    },
    get misCodes() {
      const c = connector;
      return c ? () => c.fetchAttendanceCodes() : undefined;
    },
  };

  // ---- roster: nightly import from the configured source -----------------------------------
  const roster = core.roster;
  if (schedules) roster.schedule.start();

  // ---- messages home (issue 17): the outbox worker; crash-interrupted sends go again --------
  if (schedules) core.messages.start();
  const stopMessageStatus = core.messages.onChange(() => core.scheduleStatus());

  const stopSettings = core.onSettings((s) => {
    try {
      printer.configure(s.printer);
    } catch (e) {
      log.error('printer settings refused', { error: (e as Error).message });
    }
    void hid?.configure(s.scanner.hid);
    // Secrets may have changed with the same settings (a new token): reconnect on every save.
    misKey = '';
    void connectMis(s);
  });

  return {
    printer,
    hid,
    roster,
    engine: () => engine,
    connectivityChanged: (online) => engine?.connectivityChanged(online),
    async stop() {
      stopSettings();
      stopPrinterStatus();
      roster.schedule.stop();
      stopMessageStatus();
      await core.messages.stop();
      await chain;
      await engine?.stop();
      await hid?.stop();
      await connector?.close?.();
      core.printer = null;
      core.sync = null;
      core.fileExport = null;
      core.scanner = null;
    },
  };
}
