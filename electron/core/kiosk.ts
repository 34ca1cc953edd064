// KioskCore: the one facade that electron/main (through IPC), the admin CLI, the e2e tests and
// the benchmarks all drive. No import of 'electron' here: everything that matters runs under
// plain Node.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from './db/database';
import { StudentRepository } from './db/students';
import { EventRepository } from './db/events';
import { SettingsStore } from './db/settings-store';
import { awaitingRegister, enqueueSessionMark, outboxCounts } from './sync/outbox';
import { parseRosterCsv } from './roster/csv';
import { systemClock, type Clock } from './clock';
import { silentLogger, type Logger } from './logging/logger';
import { CoreError } from './errors';
import { fileSecretStore, type SecretStore } from './security/secrets';
import { ScanRejectionLog, scanSalt } from './db/scan-rejections';
import { StaffDesk } from './staff/desk';
import type { DoctorPorts } from './maintenance/doctor';
import { recoveryStatus } from './maintenance/recovery';
import { MisCodeStore, type MisCode } from './db/mis-codes';
import { RosterService, rosterSourceFactory } from './roster';
import type { FileExportConnector } from './mis/fileexport/connector';
import { districtPolicy, type DistrictPolicy } from '../../shared/policy';
import { normaliseScan } from '../../shared/badge';
import { arrivalAt, decide, localClock } from '../../shared/attendance/decision';
import { groupForStudent, resolveRules, splitReasonLabel, type Direction, type Reason, type SiteSettings } from '../../shared/settings';
import type { SearchHit, SignEvent, Student, StudentCard } from '../../shared/model';
import type {
  CallRequest,
  EventName,
  EventPayload,
  KioskInfo,
  KioskStatus,
  PassOutcome,
  ReasonView,
  RecordResult,
  ScanResult,
  StudentFlow,
} from '../../shared/ipc/contract';

/** What the core needs of a pass printer (electron/core/hardware/printer provides the real one). */
export interface PassPrinterPort {
  print(event: SignEvent, student: Student, settings: SiteSettings): Promise<PassOutcome>;
  status(): Promise<KioskStatus['printer']>;
}

/** What the core needs of the sync engine (electron/core/sync provides the real one). */
export interface SyncPort {
  kick(): void;
  online(): boolean | null;
  testConnection?(): Promise<{ ok: boolean; message: string }>;
  /** Requeue failed rows and lift any pause, so the admin's retry goes at once. */
  retry?(which: number[] | 'all_failed'): number;
}

/** What the core needs of the HID scanner service (electron/core/hardware/scanner). */
export interface ScannerPort {
  status(): KioskStatus['scanner'];
}

export interface KioskCoreOptions {
  dataDir: string;
  clock?: Clock;
  logger?: Logger;
  /** Seed the demo roster into an empty database (default true). */
  demo?: boolean;
  resourcesDir?: string;
  /** better-sqlite3 built for Electron's ABI (see scripts/rebuild-electron-native.mjs). */
  nativeBinding?: string;
  secrets?: SecretStore;
  printer?: PassPrinterPort;
  sync?: SyncPort;
  /** The district's policy file; default `<dataDir>/district-policy.json` when it exists. */
  policyFile?: string;
}

/** Read the district policy; a broken file is refused loudly rather than silently ignored. */
export function loadDistrictPolicy(file: string): DistrictPolicy | null {
  if (!fs.existsSync(file)) return null;
  const parsed = districtPolicy.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new CoreError('validation_failed', `The district policy file ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

const SEARCH_LIMIT = 6;
const PRINT_WAIT_MS = 4_000;
const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_RESOURCES_DIR = path.resolve(here, '../../resources');

export class KioskCore {
  readonly db: Db;
  readonly students: StudentRepository;
  readonly events: EventRepository;
  readonly settings: SettingsStore;
  readonly staff: StaffDesk;
  /** Roster imports; services.ts starts its nightly schedule. */
  readonly roster: RosterService;
  /** The file export connector while one is configured ("Save & run now"). */
  fileExport: FileExportConnector | null = null;
  readonly clock: Clock;
  readonly log: Logger;
  readonly secrets: SecretStore;
  readonly dataDir: string;
  /** Electron's build of better-sqlite3, for every other database the kiosk opens (ledger, backups). */
  readonly nativeBinding: string | undefined;
  printer: PassPrinterPort | null;
  sync: SyncPort | null;
  scanner: ScannerPort | null = null;
  /** What `kiosk doctor` on the admin screen asks of the running services (set by services.ts). */
  diagnostics: Partial<Pick<DoctorPorts, 'printerStatus' | 'scannerStatus' | 'misTest' | 'misName' | 'nativeBinding'>> & {
    misCodes?: () => Promise<MisCode[]>;
  } = {};
  readonly misCodes: MisCodeStore;
  /** Called after settings or secrets change, so services apply them without a restart. */
  private readonly settingsListeners = new Set<(s: SiteSettings) => void>();
  private readonly emitter = new EventEmitter();
  /** Refused scans: reason, length and a salted fingerprint, never the text. */
  readonly scanRejections: ScanRejectionLog;

  static open(options: KioskCoreOptions): KioskCore {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const db = openDatabase(path.join(options.dataDir, 'passdesk.sqlite'), { nativeBinding: options.nativeBinding });
    return new KioskCore(db, options);
  }

  private constructor(db: Db, options: KioskCoreOptions) {
    this.db = db;
    this.dataDir = options.dataDir;
    this.nativeBinding = options.nativeBinding;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
    this.secrets = options.secrets ?? fileSecretStore(options.dataDir);
    this.printer = options.printer ?? null;
    this.sync = options.sync ?? null;
    this.students = new StudentRepository(db);
    this.events = new EventRepository(db);
    this.settings = new SettingsStore(db, loadDistrictPolicy(options.policyFile ?? path.join(options.dataDir, 'district-policy.json')));
    if (this.settings.get() && this.settings.invalidStored) {
      this.log.error('stored settings are not valid; running on the defaults until a site admin saves them', {
        issues: this.settings.invalidStored.map((i) => `${i.path}: ${i.message}`).join('; '),
      });
    }
    for (const lock of this.settings.ignoredLocks) this.log.error('district policy lock ignored', { path: lock.path, message: lock.message });
    this.staff = new StaffDesk(this);
    this.misCodes = new MisCodeStore(db);
    this.roster = new RosterService({
      db,
      settings: () => this.getSettings(),
      clock: this.clock,
      logger: this.log,
      sourceFor: rosterSourceFactory({ mis: () => this.getSettings().mis, secrets: this.secrets, logger: this.log }),
      nativeBinding: options.nativeBinding, // issue 16: the import worker's connection
    });
    this.roster.onProgress((p) => this.emit('rosterProgress', p));
    this.scanRejections = new ScanRejectionLog(db, () => scanSalt(this.secrets, this.log));
    const hashed = this.scanRejections.hashStoredText();
    if (hashed) this.log.info('refused scans: stored text replaced by fingerprints', { rows: hashed });
    if (options.demo !== false && this.students.count() === 0) {
      const csv = fs.readFileSync(path.join(options.resourcesDir ?? DEFAULT_RESOURCES_DIR, 'demo-roster.csv'), 'utf8');
      const roster = parseRosterCsv(csv);
      this.students.upsertMany(roster.students, 'demo', this.nowIso());
      this.log.info('demo roster loaded', { students: roster.students.length });
    }
  }

  close(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.emitter.removeAllListeners();
    this.db.close();
  }

  /** Today's date in the school's time zone, whatever the kiosk's own clock zone is. */
  today(): string {
    return localClock(this.nowIso(), this.settings.get().timeZone).date;
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit(event, payload);
  }

  // ---- calls of the IPC contract -------------------------------------------------------------

  getKioskInfo(): KioskInfo {
    const s = this.settings.get();
    return {
      schoolName: s.schoolName,
      locale: s.locale,
      timeZone: s.timeZone,
      now: this.nowIso(),
      sessions: { AM: { start: s.rules.sessions.AM.start }, PM: { start: s.rules.sessions.PM.start } },
      kiosk: s.kiosk,
      scanner: { prefix: s.scanner.prefix, suffix: s.scanner.suffix, maxKeyGapMs: s.scanner.maxKeyGapMs, minLength: s.scanner.minLength },
    };
  }

  async getStatus(): Promise<KioskStatus> {
    const counts = outboxCounts(this.db);
    // Sent marks still not shown by the register after the confirmation window (issue 12).
    const windowStart = new Date(this.clock.now().getTime() - this.getSettings().confirmation.windowMinutes * 60_000).toISOString();
    const printer = this.printer ? await this.printer.status() : { state: 'disabled' as const, problem: null };
    return {
      online: this.sync ? this.sync.online() : null,
      outbox: {
        pending: counts.pending + counts.in_flight,
        failed: counts.failed_permanent,
        oldestPendingAt: counts.oldestPendingAt,
        sentWaiting: awaitingRegister(this.db, windowStart),
      },
      printer,
      scanner: this.scanner ? this.scanner.status() : { state: 'none', problem: null },
      secrets: { backend: this.secrets.backend, weak: this.secrets.weak },
      recovery: recoveryStatus(this.dataDir),
    };
  }

  scan(req: CallRequest<'scan'>): ScanResult {
    const s = this.settings.get();
    const n = normaliseScan(req.code, s.scanner);
    if (!n.ok) {
      // Never store what was scanned: it may be a login QR code (a password). Reason, length, hash.
      this.scanRejections.record(this.nowIso(), n.reason, typeof req.code === 'string' ? req.code.replace(/[\r\n]+$/, '') : '');
      return { ok: false, reason: n.reason };
    }
    const student = this.students.findByBadge(n.badge);
    if (!student || !student.active) {
      const reason = student ? 'inactive' : 'unknown_badge';
      // A badge-shaped text can still be a password when the pattern is broad: fingerprint only.
      this.scanRejections.record(this.nowIso(), reason, n.badge);
      this.log.info('scan refused', { reason });
      return { ok: false, reason };
    }
    return { ok: true, flow: this.flowFor(student, s) };
  }

  selectStudent(req: CallRequest<'selectStudent'>): StudentFlow {
    const student = this.students.get(req.studentId);
    if (!student || !student.active) throw new CoreError('not_found', 'That student is not on the roster.');
    return this.flowFor(student, this.settings.get());
  }

  searchStudents(req: CallRequest<'searchStudents'>): SearchHit[] {
    if (req.query.trim().length < 2) return [];
    return this.students.search(req.query, SEARCH_LIMIT).map((st) => ({
      id: st.id,
      // Only what a student at the desk needs to find themselves: "Amelia S., Year 9".
      displayName: nameForQueue(st, 'first_initial'),
      year: st.year,
    }));
  }

  async record(req: CallRequest<'record'>, actor = 'kiosk'): Promise<RecordResult> {
    const settings = this.settings.get();
    const student = this.students.get(req.studentId);
    if (!student || !student.active) throw new CoreError('not_found', 'That student is not on the roster.');
    const groupId = groupForStudent(settings, student);
    const rules = resolveRules(settings, groupId);
    const at = this.clock.now();
    let reason: Reason | null = null;
    if (req.reasonId === undefined) {
      // No reason: only an on-time sign-in at a school that asks none (the kiosk's one-tap sign-in).
      const onTime = req.direction === 'sign_in' && arrivalAt(rules, at.toISOString(), settings.timeZone) !== 'late';
      if (!onTime || settings.kioskFlow.onTimeReason)
        throw new CoreError('invalid_request', 'Choose a reason: a late sign-in or an early sign-out needs one.');
    } else {
      reason = rules.reasons.find((r) => r.id === req.reasonId && r.directions.includes(req.direction)) ?? null;
      if (!reason) throw new CoreError('invalid_request', 'That reason is not offered for this student and direction.');
    }

    const decision = decide({ rules, at: at.toISOString(), timeZone: settings.timeZone, direction: req.direction, reason, note: req.note });
    const event: SignEvent = {
      id: randomUUID(),
      studentId: student.id,
      direction: req.direction,
      occurredAt: at.toISOString(),
      localDate: decision.localDate,
      localTime: decision.localTime,
      session: decision.session,
      reasonId: reason?.id ?? null,
      reasonLabel: reason?.label ?? null,
      code: decision.code,
      minutesLate: decision.minutesLate,
      comment: decision.comment,
      writeback: decision.writeback,
      skipReason: decision.skipReason,
      actor,
      supersedes: null,
      supersededBy: null,
      excused: null,
    };
    const nowIso = this.nowIso();
    // The event and its writeback job commit together or not at all (synchronous=FULL):
    // once this returns, the student's sign-in survives a power cut.
    this.db.transaction(() => {
      this.events.insert(event, nowIso);
      if (event.writeback && event.session && event.code) {
        enqueueSessionMark(
          this.db,
          {
            eventId: event.id,
            studentId: student.id,
            misId: student.misId,
            date: event.localDate,
            session: event.session,
            localTime: event.localTime,
            occurredAt: event.occurredAt,
            direction: event.direction,
            code: event.code,
            comment: event.comment,
            minutesLate: event.minutesLate,
            reasonId: event.reasonId,
            supersedesEventId: null,
          },
          nowIso,
        );
      }
    })();
    this.log.info('event recorded', { event: event.id, student: student.id, code: event.code, writeback: event.writeback });
    this.sync?.kick();

    const pass = await this.printPass(event, student, settings, actor);
    this.scheduleStatus();
    return { event, pass, why: decision.why, passMessage: reason?.passMessage || rules.passMessage || null };
  }

  todayEvents(): SignEvent[] {
    return this.events.ofDay(this.today());
  }

  getSettings(): SiteSettings {
    return this.settings.get();
  }

  updateSettings(req: { settings: unknown }, actor = 'site_admin'): SiteSettings {
    const next = this.settings.replace(req.settings, actor, this.nowIso(), (s) => this.misCodes.unknownCodes(s));
    this.onSettingsChanged();
    return next;
  }

  /** Subscribe to changes of the settings (or the secrets behind them). Returns an unsubscribe. */
  onSettings(listener: (s: SiteSettings) => void): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  onSettingsChanged(): void {
    const s = this.settings.get();
    for (const l of this.settingsListeners) {
      try {
        l(s);
      } catch (e) {
        this.log.error('applying settings failed', { error: (e as Error).message });
      }
    }
    this.scheduleStatus();
  }

  /** A sample pass from the settings screen: a made-up student, today, now. */
  async testPrint(actor: string): Promise<PassOutcome> {
    if (!this.printer) return { status: 'disabled', problem: 'No printer is set up.' };
    const settings = this.settings.get();
    const now = this.clock.now();
    const clock = localClock(now.toISOString(), settings.timeZone);
    const sample: Student = { id: 'test-pass', misId: null, forename: 'Test', surname: 'Pass', year: 9, form: null, groupId: null, badge: null, photo: null, active: true };
    const event: SignEvent = {
      id: `test-${now.getTime()}`, studentId: sample.id, direction: 'sign_in', occurredAt: now.toISOString(), localDate: clock.date, localTime: clock.time,
      session: 'AM', reasonId: null, reasonLabel: 'Test print', code: null, minutesLate: null, comment: null, writeback: false, skipReason: null,
      actor, supersedes: null, supersededBy: null, excused: null,
    };
    try {
      return await this.printer.print(event, sample, settings);
    } catch (e) {
      return { status: 'failed', problem: (e as Error).message };
    }
  }

  // ---- beyond the contract: CLI, roster, tests ----------------------------------------------

  importStudents(students: Student[], source = 'import'): void {
    this.students.upsertMany(students, source, this.nowIso());
  }

  async reprintPass(eventId: string, actor: string): Promise<PassOutcome> {
    const event = this.events.get(eventId);
    if (!event) throw new CoreError('not_found', 'No such event.');
    const student = this.students.get(event.studentId);
    if (!student) throw new CoreError('not_found', 'That student is no longer on the roster.');
    return this.printPass(event, student, this.settings.get(), actor);
  }

  private statusTimer: NodeJS.Timeout | null = null;

  /** Tell the renderer's status chips, coalesced and off the event path. */
  scheduleStatus(): void {
    if (this.statusTimer || this.emitter.listenerCount('status') === 0) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.getStatus().then(
        (st) => this.emit('status', st),
        (e: unknown) => this.log.warn('status failed', { error: String(e) }),
      );
    }, 50);
    this.statusTimer.unref?.();
  }

  private async printPass(event: SignEvent, student: Student, settings: SiteSettings, actor: string): Promise<PassOutcome> {
    let outcome: PassOutcome = { status: 'disabled', problem: null };
    // No printer configured: nothing to remember about a pass.
    if (!this.printer) return outcome;
    {
      try {
        // The student is waiting at the screen: never longer than this for the printer, whatever
        // its own timeout, so the Done screen comes before the idle timeout could clear it.
        let timer: NodeJS.Timeout | undefined;
        const slow = new Promise<PassOutcome>((resolve) => {
          timer = setTimeout(() => resolve({ status: 'failed', problem: 'The printer did not answer in time.' }), PRINT_WAIT_MS);
        });
        outcome = await Promise.race([this.printer.print(event, student, settings), slow]);
        clearTimeout(timer);
      } catch (e) {
        // The event is already safe; a printer fault only means "see reception".
        outcome = { status: 'failed', problem: (e as Error).message };
      }
    }
    this.db
      .prepare('INSERT INTO passes (event_id, requested_at, status, problem, actor) VALUES (?, ?, ?, ?, ?)')
      .run(event.id, this.nowIso(), outcome.status, outcome.problem, actor);
    return outcome;
  }

  private flowFor(student: Student, settings: SiteSettings): StudentFlow {
    const groupId = groupForStudent(settings, student);
    const rules = resolveRules(settings, groupId);
    const last = this.events.lastOfDay(student.id, this.today());
    const signedInToday = last?.direction === 'sign_in';
    const now = this.clock.now();
    const { rescanMinutes, onTimeReason, nameDisplay } = settings.kioskFlow;
    // "Did it work?": a scan soon after the last sign-in or sign-out must never lead, by the
    // highlighted choice, to the opposite mark.
    const recent =
      last && rescanMinutes > 0 && now.getTime() - Date.parse(last.occurredAt) <= rescanMinutes * 60_000
        ? { direction: last.direction, localTime: last.localTime }
        : null;
    const view = (d: Direction): ReasonView[] =>
      rules.reasons
        .filter((r) => r.directions.includes(d))
        .map((r) => ({ id: r.id, label: r.code ? splitReasonLabel(r.label).text : r.label, code: r.code ?? null, prompt: r.prompt }));
    const card: StudentCard = {
      id: student.id,
      forename: student.forename,
      surname: student.surname,
      year: student.year,
      form: student.form,
      groupName: settings.groups.find((g) => g.id === groupId)?.name ?? null,
      photo: student.photo,
    };
    return {
      student: card,
      suggested: signedInToday ? 'sign_out' : 'sign_in',
      signedInToday,
      reasons: { sign_in: view('sign_in'), sign_out: view('sign_out') },
      displayName: nameForQueue(student, nameDisplay),
      recent,
      arrival: arrivalAt(rules, now.toISOString(), settings.timeZone),
      onTimeReason,
    };
  }
}

/** The name the student screens show, where the whole queue can read it. */
export function nameForQueue(s: Pick<Student, 'forename' | 'surname'>, display: SiteSettings['kioskFlow']['nameDisplay']): string {
  if (display === 'full_name') return `${s.forename} ${s.surname}`;
  if (display === 'first_name') return s.forename;
  const initial = [...s.surname.trim()][0];
  return initial ? `${s.forename} ${initial}.` : s.forename;
}
