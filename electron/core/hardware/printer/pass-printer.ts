// PassPrinter: the one service the kiosk prints through. It never throws: the sign-in is already
// committed when a pass is printed, and a printer fault only means "see reception" and a problem
// on the idle screen. There is no automatic retry later: a pass printed ten minutes after the
// scan would show the wrong time; staff reprint on purpose (and the reprint says so).
import { printerSettings, columnsFor, type PassModel, type PrinterSettings, type PrinterSettingsInput, type PrinterStatus } from '../../../../shared/pass';
import type { SignEvent, Student } from '../../../../shared/model';
import type { SiteSettings } from '../../../../shared/settings';
import { localClock } from '../../../../shared/school-time';
import { systemClock, type Clock } from '../../clock';
import { silentLogger, type Logger } from '../../logging/logger';
import { renderPass } from './render';
import { passFromEvent } from './from-event';
import { kioskPrinterStatus, notConfigured, printerStatus } from './status';
import { tcpTransport } from './tcp';
import { deviceTransport } from './device';
import { cupsTransport } from './cups';
import { passHeightMicrons, passHtml } from './html';
import type { PrinterTransport, SendOutcome } from './transport';
import { withDeadline } from './transport';

export interface PrintOutcome {
  status: 'printed' | 'failed' | 'disabled';
  /** For staff and the idle chip; null when all is well. */
  problem: string | null;
}

export interface OsPrintJob {
  html: string;
  widthMicrons: number;
  heightMicrons: number;
  /** The OS printer name; empty: the system default. */
  deviceName: string;
  timeoutMs: number;
}
/** Supplied by electron/main (print-os.ts); core cannot import Electron. */
export type OsPrint = (job: OsPrintJob) => Promise<{ ok: true } | { ok: false; problem: string }>;

export interface PassPrinterOptions {
  settings?: PrinterSettingsInput;
  logger?: Logger;
  clock?: Clock;
  osPrint?: OsPrint;
  /** Overrides for the CUPS commands (tests, or a non-standard install). */
  cups?: { lp?: string; lpstat?: string; env?: NodeJS.ProcessEnv };
  /** How long a status answer is reused by the kiosk status port (default 10 s). */
  statusMaxAgeMs?: number;
}

/** What KioskCore expects (electron/core/kiosk.ts PassPrinterPort). */
export interface KioskPrinterPort {
  print(event: SignEvent, student: Student, settings: SiteSettings): Promise<PrintOutcome>;
  status(): Promise<{ state: 'ok' | 'problem' | 'disabled'; problem: string | null }>;
}

// A pass printed this long after the event is a reprint and says so.
const REPRINT_AFTER_MS = 2 * 60_000;

export class PassPrinter {
  private settings: PrinterSettings = printerSettings.parse({});
  private settingsKey = '';
  private transport: PrinterTransport | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private last: { status: PrinterStatus; at: number } | null = null;
  private checking: Promise<PrinterStatus> | null = null;
  private readonly listeners = new Set<(s: PrinterStatus) => void>();
  private readonly log: Logger;
  private readonly clock: Clock;

  constructor(private readonly options: PassPrinterOptions = {}) {
    this.log = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.configure(options.settings ?? {});
  }

  /** Applies new printer settings (the admin saved them). Throws a ZodError on invalid input. */
  configure(input: PrinterSettingsInput): void {
    const settings = printerSettings.parse(input);
    const key = JSON.stringify(settings);
    if (key === this.settingsKey) return;
    this.settings = settings;
    this.settingsKey = key;
    this.transport = this.makeTransport(settings);
    this.last = null;
  }

  get current(): PrinterSettings {
    return this.settings;
  }

  private makeTransport(s: PrinterSettings): PrinterTransport | null {
    switch (s.transport) {
      case 'none':
        return null;
      case 'tcp':
        return tcpTransport({ host: s.host, port: s.port, timeoutMs: s.timeoutMs });
      case 'device':
        return deviceTransport({ path: s.devicePath, timeoutMs: s.timeoutMs });
      case 'cups':
        return cupsTransport({ queue: s.queue, timeoutMs: s.timeoutMs, ...this.options.cups });
      case 'os':
        return this.osTransport();
    }
  }

  private osTransport(): PrinterTransport {
    const osPrint = this.options.osPrint;
    // The HTML is built in print() (it needs the lines, not bytes); send() here is never used.
    return {
      kind: 'os',
      twoWay: false,
      send: async () => ({ ok: false, status: printerStatus('error', false, 'internal: OS printing takes HTML') }),
      status: async () =>
        osPrint ? printerStatus('ok', false) : printerStatus('error', false, 'OS printing is only available in the kiosk app'),
    };
  }

  /** Prints one pass. Never throws; jobs run one at a time (a 9100 port takes one connection). */
  print(model: PassModel): Promise<PrintOutcome> {
    const job = this.queue.then(() => this.printNow(model));
    this.queue = job.catch(() => undefined);
    return job.catch((e: unknown) => {
      this.log.error('pass printing failed unexpectedly', { eventId: model.eventId, error: String(e) });
      return { status: 'failed' as const, problem: 'The pass could not be printed (internal error; see the log).' };
    });
  }

  private async printNow(model: PassModel): Promise<PrintOutcome> {
    const s = this.settings;
    const transport = this.transport;
    if (!transport) return { status: 'disabled', problem: null };
    const started = Date.now();
    const rendered = renderPass(model, s);
    if (!rendered.ok) {
      this.log.warn('pass not rendered', { eventId: model.eventId, problem: rendered.problem });
      this.remember(printerStatus('error', transport.twoWay, rendered.problem));
      return { status: 'failed', problem: rendered.problem };
    }
    let outcome: SendOutcome;
    if (transport.kind === 'os') outcome = await this.sendToOs(rendered.lines, s);
    else outcome = await transport.send(rendered.bytes);
    this.remember(outcome.status);
    const fields = { eventId: model.eventId, transport: transport.kind, ms: Date.now() - started, state: outcome.status.state };
    if (outcome.ok) {
      this.log.info('pass printed', fields);
      return { status: 'printed', problem: outcome.status.problem };
    }
    this.log.warn('pass not printed', { ...fields, problem: outcome.status.problem });
    return { status: 'failed', problem: outcome.status.problem ?? 'The pass did not print.' };
  }

  private async sendToOs(lines: Parameters<typeof passHtml>[0], s: PrinterSettings): Promise<SendOutcome> {
    const osPrint = this.options.osPrint;
    if (!osPrint) return { ok: false, status: printerStatus('error', false, 'OS printing is only available in the kiosk app') };
    const columns = columnsFor(s);
    const job: OsPrintJob = {
      html: passHtml(lines, s.paperWidth, columns),
      widthMicrons: s.paperWidth * 1000,
      heightMicrons: passHeightMicrons(lines, s.paperWidth, columns),
      deviceName: s.osPrinterName,
      timeoutMs: s.timeoutMs,
    };
    const timedOut = () => ({ ok: false as const, problem: `the OS print did not finish within ${s.timeoutMs} ms` });
    const r = await withDeadline(osPrint(job), s.timeoutMs + 500, timedOut);
    return r.ok ? { ok: true, status: printerStatus('ok', false) } : { ok: false, status: printerStatus('offline', false, r.problem) };
  }

  /** Asks the printer now (bounded by the timeout). Never throws. */
  status(): Promise<PrinterStatus> {
    const transport = this.transport;
    if (!transport) return Promise.resolve(notConfigured);
    if (this.checking) return this.checking;
    const check = this.queue
      .then(() => transport.status())
      .catch(() => printerStatus('offline', transport.twoWay, 'the status check failed'))
      .then((st) => {
        this.remember(st);
        return st;
      })
      .finally(() => {
        this.checking = null;
      });
    this.checking = check;
    this.queue = check.catch(() => undefined);
    return check;
  }

  /** The last status seen (from a print or a check), without asking the printer. */
  lastStatus(): PrinterStatus | null {
    if (!this.transport) return notConfigured;
    return this.last?.status ?? null;
  }

  /** Called when the state or its message changes (for the idle screen's printer chip). */
  onStatus(listener: (s: PrinterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private remember(st: PrinterStatus) {
    const before = this.last?.status;
    this.last = { status: st, at: Date.now() };
    if (before?.state === st.state && before.problem === st.problem) return;
    for (const l of this.listeners) {
      try {
        l(st);
      } catch (e) {
        this.log.error('printer status listener failed', { error: String(e) });
      }
    }
  }

  /**
   * The adapter KioskCore takes (`printer` option): builds the pass from the event, applies
   * `settings.printer` when the site settings carry it, marks late prints as reprints, and
   * answers status from a recent check so the status call stays fast when the printer is off.
   */
  kioskPort(): KioskPrinterPort {
    const maxAge = this.options.statusMaxAgeMs ?? 10_000;
    return {
      print: async (event, student, site) => {
        const own = (site as { printer?: PrinterSettingsInput }).printer;
        if (own !== undefined) {
          try {
            this.configure(own);
          } catch {
            return { status: 'failed', problem: 'The printer settings are not valid; check them in the admin screen.' };
          }
        }
        const now = this.clock.now();
        const late = now.getTime() - Date.parse(event.occurredAt) > REPRINT_AFTER_MS;
        const reprintedAt = late ? localClock(now, site.timeZone).time : null;
        return this.print(passFromEvent(event, student, site, { reprintedAt }));
      },
      status: async () => {
        if (!this.transport) return kioskPrinterStatus(notConfigured);
        const last = this.last;
        if (last && Date.now() - last.at < maxAge) return kioskPrinterStatus(last.status);
        if (last) {
          // Stale: answer with what we know and refresh in the background.
          void this.status();
          return kioskPrinterStatus(last.status);
        }
        return kioskPrinterStatus(await this.status());
      },
    };
  }
}
