// KioskCore: the THIN facade that electron/main (through IPC), the admin CLI, the e2e tests and
// the benchmarks drive. It holds no logic of its own: runtime/ builds the ports and the use-case
// modules, and each call here hands on to one of them. No module imports this file.
// No import of 'electron' here: everything that matters runs under plain Node.
import type { Db } from './db/database';
import type { StudentRepository } from './db/students';
import type { EventRepository } from './db/events';
import type { ScanRejectionLog } from './db/scan-rejections';
import type { Clock } from './clock';
import type { Logger } from './logging/logger';
import type { SecretStore } from './security/secrets';
import type { StaffDesk } from './staff/desk';
import type { RosterService } from './roster';
import type { SettingsService } from './settings';
import type { Attendance } from './attendance';
import type { LatenessService } from './attendance/lateness/service';
import type { Maintenance, DiagnosticProbes } from './maintenance';
import type { MisPort } from './sync/mis-port';
import type { MessageService } from './messages/service';
import { Runtime, type RuntimeOptions, type StartOptions } from './runtime';
import type { CollectorRepository } from './db/collectors';
import type { RollCall } from '../../shared/roll-call';
import type { SearchHit, SignEvent, Student } from '../../shared/model';
import type { SiteSettings } from '../../shared/settings';
import type { CallRequest, EventName, EventPayload, KioskInfo, KioskStatus, PassOutcome, RecordResult, ScanResult, StudentFlow } from '../../shared/ipc/contract';

export { DEFAULT_RESOURCES_DIR, type StartOptions } from './runtime';
export { loadDistrictPolicy } from './settings';
export { nameForQueue, type PassPrinterPort } from './attendance';
export type { SyncPort } from './sync/mis-port';
export type { ScannerDevice as ScannerPort } from './runtime/ports';

export type KioskCoreOptions = RuntimeOptions;

export class KioskCore {
  // ---- the modules ----
  readonly attendance: Attendance;
  readonly staff: StaffDesk;
  readonly settings: SettingsService;
  readonly roster: RosterService;
  /** The MIS port: connector + sync engine behind one stable object (sync/mis-port.ts). */
  readonly sync: MisPort;
  readonly maintenance: Maintenance;
  /** Issue 18: lateness thresholds and the report. */
  readonly lateness: LatenessService;
  /** Telling home (issue 17): the message outbox, e-mail and the signed webhook (messages/). */
  readonly messages: MessageService;
  readonly clock: Clock;
  readonly log: Logger;
  readonly dataDir: string;

  static open(options: KioskCoreOptions): KioskCore {
    return new KioskCore(Runtime.open(options));
  }

  constructor(readonly runtime: Runtime) {
    this.attendance = runtime.attendance;
    this.staff = runtime.staff;
    this.settings = runtime.settings;
    this.roster = runtime.roster;
    this.sync = runtime.mis;
    this.maintenance = runtime.maintenance;
    this.lateness = runtime.lateness;
    this.messages = runtime.messages;
    this.clock = runtime.clock;
    this.log = runtime.log;
    this.dataDir = runtime.dataDir;
  }

  /** Printer, HID scanner, sync engine, roster schedule (see runtime/). */
  start(options: StartOptions = {}): Promise<void> {
    return this.runtime.start(options);
  }

  stop(): Promise<void> {
    return this.runtime.stop();
  }

  close(): void {
    this.runtime.close();
  }

  // ---- ports, for callers that have not moved to the modules yet (ipc, CLI, tests) ----
  get db(): Db {
    return this.runtime.db;
  }
  get students(): StudentRepository {
    return this.runtime.students;
  }
  get events(): EventRepository {
    return this.runtime.events;
  }
  get secrets(): SecretStore {
    return this.runtime.secrets;
  }
  get scanRejections(): ScanRejectionLog {
    return this.runtime.scanRejections;
  }
  /** What the doctor asks of the running services (tests stand in for one: maintenance.probes). */
  get diagnostics(): DiagnosticProbes {
    return this.maintenance.probes;
  }

  today(): string {
    return this.attendance.today();
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.runtime.bus.on(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.runtime.bus.emit(event, payload);
  }

  // ---- calls of the IPC contract -------------------------------------------------------------

  getKioskInfo(): KioskInfo {
    const s = this.settings.get();
    return {
      schoolName: s.schoolName,
      locale: s.locale,
      timeZone: s.timeZone,
      now: this.clock.now().toISOString(),
      sessions: { AM: { start: s.rules.sessions.AM.start }, PM: { start: s.rules.sessions.PM.start } },
      kiosk: s.kiosk,
      scanner: { prefix: s.scanner.prefix, suffix: s.scanner.suffix, maxKeyGapMs: s.scanner.maxKeyGapMs, minLength: s.scanner.minLength },
    };
  }

  getStatus(): Promise<KioskStatus> {
    return this.runtime.status.get();
  }

  scan(req: CallRequest<'scan'>): ScanResult {
    return this.attendance.scan(req);
  }

  selectStudent(req: CallRequest<'selectStudent'>): StudentFlow {
    return this.attendance.selectStudent(req);
  }

  searchStudents(req: CallRequest<'searchStudents'>): SearchHit[] {
    return this.attendance.searchStudents(req);
  }

  record(req: CallRequest<'record'>, actor = 'kiosk'): Promise<RecordResult> {
    return this.attendance.record(req, actor);
  }

  todayEvents(): SignEvent[] {
    return this.runtime.events.ofDay(this.today());
  }

  getSettings(): SiteSettings {
    return this.settings.get();
  }

  updateSettings(req: { settings: unknown }, actor = 'site_admin'): SiteSettings {
    return this.settings.update(req.settings, actor);
  }

  /** Subscribe to changes of the settings (or the secrets behind them). Returns an unsubscribe. */
  onSettings(listener: (s: SiteSettings) => void): () => void {
    return this.settings.onChange(listener);
  }

  testPrint(actor: string): Promise<PassOutcome> {
    return this.attendance.testPrint(actor);
  }

  // ---- beyond the contract: CLI, roster, tests ----------------------------------------------

  importStudents(students: Student[], source = 'import'): void {
    this.runtime.students.upsertMany(students, source, this.clock.now().toISOString());
  }

  reprintPass(eventId: string, actor: string): Promise<PassOutcome> {
    return this.attendance.reprintPass(eventId, actor);
  }

  // ---- issue 17: the roll call, and who collects a student ---------------------------------

  get collectors(): CollectorRepository {
    return this.runtime.collectors;
  }

  /** Today's roll call, from the kiosk's own database (no network, no MIS). */
  rollCall(): RollCall {
    return this.runtime.rollCall.make();
  }

  printRollCall(actor: string, rc?: RollCall): Promise<PassOutcome> {
    return this.runtime.rollCall.print(actor, rc);
  }

  approveCollector(eventId: string, actor: string): void {
    this.attendance.approveCollector(eventId, actor);
  }
}
