// The file export, for an SIS that imports files instead of taking API calls (SchoolMint Hero's
// way, reference/seeds/000 and 001). To the sync engine it is a connector like the others: a mark
// "written" is a mark staged in the export ledger, durably, with its code already turned into the
// SIS's external code. On the admin's schedule (or "Save & run now") the waiting marks go into one
// CSV file at the destination, each mark in exactly one scheduled file; a day can be re-run on
// request into a separate file. See ledger.ts for how exactly-once survives a crash.
import { Cron } from 'croner';
import type { FileExportUsSettings } from '../../../../shared/mis-us';
import { exportCron, usSecretKeys } from '../../../../shared/mis-us';
import type { Period } from '../../../../shared/settings';
import { localClock, timeWithSeconds } from '../../../../shared/school-time';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../logging/logger';
import type { SecretStore } from '../../security/secrets';
import { asMisError, MisError } from '../errors';
import type { Capabilities, ExistingMark, Lesson, LessonMarkWrite, MisAttendanceCode, MisConnector, RosterPage, SessionMarkWrite, WriteResult } from '../types';
import { destinationFor, type Destination } from './destination';
import { ExportLedger, type ExportRun } from '../../db/file-export-ledger';
import { fileNameFor, renderCsv, toRecord } from './render';

export interface FileExportConnectorOptions {
  settings: FileExportUsSettings;
  secrets: SecretStore;
  logger: Logger;
  /** The ledger's own SQLite file, next to the kiosk database (e.g. `<dataDir>/file-export.sqlite`). */
  ledgerFile: string;
  /** Electron's build of better-sqlite3 when running in the kiosk app. */
  nativeBinding?: string;
  /** The school's IANA zone: file names and the schedule follow the school's clock. */
  timeZone: string;
  /** The site's bell schedule, for the Period field. */
  bellSchedule?: () => readonly Period[];
  /** First and last name for a roster MIS id, for the name fields. */
  studentName?: (misId: string) => { forename: string; surname: string } | null;
  clock?: Clock;
  /** Tests: a destination other than the settings' one. */
  destination?: Destination;
  /** After a scheduled run fails (share offline), try again this much later. Default 5 minutes. */
  retryMs?: number;
}

export interface FileExportStatus {
  waiting: number;
  nextRunAt: string | null;
  lastRun: ExportRun | null;
  destination: string;
}

export class FileExportConnector implements MisConnector {
  readonly name = 'file';
  private readonly ledger: ExportLedger;
  private readonly clock: Clock;
  private destination: Destination;
  private cron: Cron | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private secretsSeen: string;

  constructor(private readonly opts: FileExportConnectorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.ledger = new ExportLedger(opts.ledgerFile, opts.nativeBinding);
    this.secretsSeen = this.secretFingerprint();
    this.destination = opts.destination ?? this.makeDestination();
  }

  /** Start the schedule (the lead's bootstrap calls this once the connector is made). */
  start(): void {
    if (this.cron) return;
    this.cron = new Cron(exportCron(this.opts.settings.schedule), { timezone: this.opts.timeZone, protect: true }, () => {
      void this.scheduledRun();
    });
  }

  async close(): Promise<void> {
    this.cron?.stop();
    this.cron = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.chain.catch(() => undefined);
    this.ledger.close();
  }

  async capabilities(): Promise<Capabilities> {
    const fields = new Set(this.opts.settings.fields.map((f) => f.field));
    return { sessionMark: true, lessonMark: false, comment: fields.has('comment'), minutesLate: fields.has('minutes_late'), earlyLeaverCodes: true, readMarks: false, maxBatch: 200 };
  }

  async fetchAttendanceCodes(): Promise<MisAttendanceCode[]> {
    return Object.entries(this.opts.settings.codeMap).map(([code, external]) => ({ code, misCodeId: external, description: `Exported as "${external}"`, type: null }));
  }

  async readMarks(): Promise<ExistingMark[]> {
    return [];
  }

  async writeSessionMarks(marks: SessionMarkWrite[]): Promise<WriteResult> {
    const { codeMap } = this.opts.settings;
    const missing = marks.filter((m) => codeMap[m.code] === undefined);
    if (missing.length) {
      const codes = [...new Set(missing.map((m) => m.code))];
      throw new MisError(
        'unknown_code',
        `Code ${codes.map((c) => `"${c}"`).join(', ')} is not among the codes this export sends. Add it in Admin → File export with the SIS's external code (exactly as the SIS spells it), then retry.`,
        { refs: missing.map((m) => m.ref) },
      );
    }
    const bell = this.opts.bellSchedule?.() ?? [];
    const records = marks.map((m) => toRecord(m, this.opts.settings, codeMap[m.code]!, this.opts.studentName?.(m.misId) ?? null, bell));
    this.ledger.stage(records, this.clock.now().toISOString());
    return { writebackId: null };
  }

  async writeLessonMarks(marks: LessonMarkWrite[]): Promise<WriteResult> {
    throw new MisError('capability_missing', 'The file export writes day marks, not lesson marks.', { refs: marks.map((m) => m.ref) });
  }

  async listLessons(): Promise<Lesson[]> {
    return [];
  }

  async fetchRosterPage(): Promise<RosterPage> {
    return { students: [], next: null };
  }

  async ping(): Promise<void> {
    await this.destination.check();
  }

  async refreshAuth(): Promise<boolean> {
    const now = this.secretFingerprint();
    if (now === this.secretsSeen) return false;
    this.secretsSeen = now;
    if (!this.opts.destination) this.destination = this.makeDestination();
    return true;
  }

  /** "Save & run now": write the waiting marks now (an unfinished run goes first). */
  runNow(): Promise<ExportRun | null> {
    return this.serial(() => this.exportWaiting('manual'));
  }

  /** Write every mark of one day again, into its own file ("…-rerun-YYYYMMDD"). */
  rerunDay(day: string): Promise<ExportRun> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return Promise.reject(new MisError('bad_payload', `"${day}" is not a date (YYYY-MM-DD).`));
    return this.serial(async () => {
      const run = this.ledger.claimDay(day, this.opts.settings.schools, (id) => this.fileName(id, day), this.clock.now().toISOString());
      await this.write(run);
      return this.ledger.run(run.id);
    });
  }

  status(): FileExportStatus {
    const next = this.cron?.nextRun() ?? null;
    return { waiting: this.ledger.waiting(), nextRunAt: next ? next.toISOString() : null, lastRun: this.ledger.recentRuns(1)[0] ?? null, destination: this.destination.describe() };
  }

  recentRuns(limit = 50): ExportRun[] {
    return this.ledger.recentRuns(limit);
  }

  // -------------------------------------------------------------------------------------------

  private async scheduledRun(): Promise<void> {
    try {
      const run = await this.serial(() => this.exportWaiting('scheduled'));
      if (run) this.opts.logger.info('file export: file written', { run: run.id, records: run.records });
    } catch (e) {
      const err = asMisError(e);
      this.opts.logger.warn('file export: the file could not be written; trying again shortly', { kind: err.kind, message: err.message });
      if (!this.retryTimer && this.cron) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.scheduledRun();
        }, this.opts.retryMs ?? 5 * 60_000);
        this.retryTimer.unref?.();
      }
    }
  }

  private async exportWaiting(kind: 'scheduled' | 'manual'): Promise<ExportRun | null> {
    // A file that a crash or an offline share left unwritten goes first, under the same name.
    const unfinished = this.ledger.unfinished();
    if (unfinished) await this.write(unfinished);
    const run = this.ledger.claim(kind, this.opts.settings.schools, (id) => this.fileName(id), this.clock.now().toISOString(), this.opts.settings.writeEmptyFiles);
    if (!run) return unfinished ? this.ledger.run(unfinished.id) : null;
    await this.write(run);
    return this.ledger.run(run.id);
  }

  private async write(run: ExportRun): Promise<void> {
    const content = renderCsv(this.ledger.records(run.id), this.opts.settings);
    try {
      await this.destination.put(run.fileName, content);
    } catch (e) {
      const err = asMisError(e);
      this.ledger.failed(run.id, err.message);
      throw err;
    }
    this.ledger.finish(run.id, this.clock.now().toISOString());
  }

  private fileName(runId: number, rerunOf?: string): string {
    const now = this.clock.now();
    const local = localClock(now, this.opts.timeZone);
    return fileNameFor(this.opts.settings.fileName, {
      school: this.opts.settings.schoolId,
      localDate: local.date,
      localTime: timeWithSeconds(now, this.opts.timeZone),
      run: runId,
      ...(rerunOf ? { rerunOf } : {}),
    });
  }

  /** Runs one at a time: a scheduled run and "run now" never claim the same marks. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.catch(() => undefined).then(fn);
    this.chain = next;
    return next;
  }

  private makeDestination(): Destination {
    return destinationFor(this.opts.settings.destination, {
      password: this.opts.secrets.get(usSecretKeys.sftpPassword),
      privateKey: this.opts.secrets.get(usSecretKeys.sftpPrivateKey),
    });
  }

  private secretFingerprint(): string {
    return `${this.opts.secrets.get(usSecretKeys.sftpPassword) ?? ''}\u0000${this.opts.secrets.get(usSecretKeys.sftpPrivateKey) ?? ''}`;
  }
}
