// One interface for every MIS/SIS the kiosk writes back to. The sync engine only ever talks to
// this shape; each connector (wonde/, later powerschool/, edfi/, file/) hides its wire format,
// auth and paging behind it and declares what its MIS can take (capabilities), so that the
// engine, not the connector, decides what to do when a school's MIS lacks something.
import type { SessionName } from '../../../shared/settings';
import type { Direction } from '../../../shared/settings';

/** What an MIS accepts. The engine reads these before every write; it never guesses. */
export interface Capabilities {
  /** A mark on the AM/PM session register. Arbor: false (the mark goes to a lesson instead). */
  sessionMark: boolean;
  /** A mark on a lesson register. */
  lessonMark: boolean;
  /** A free-text comment with the mark (the reason for lateness). */
  comment: boolean;
  /** Minutes late with a late mark. */
  minutesLate: boolean;
  /** Codes for an early sign-out. Arbor: false, so early leavers are not written back. */
  earlyLeaverCodes: boolean;
  /** The connector can read the mark the MIS holds now (protected codes, crash reconciliation). */
  readMarks: boolean;
  /** Most records one write call takes (1: no batching). */
  maxBatch: number;
}

/** An attendance code as the MIS lists it; `misCodeId` is what a write refers to. */
export interface MisAttendanceCode {
  code: string;
  misCodeId: string;
  description: string | null;
  type: string | null;
}

/** A mark the MIS holds now for one student. */
export interface ExistingMark {
  /** Whose mark: set by readRegister (many students at once); readMarks may leave it out. */
  misId?: string;
  session: SessionName | null;
  lessonId: string | null;
  date: string;
  code: string;
  comment: string | null;
}

export interface Lesson {
  id: string;
  /** School-local wall clock, "HH:MM". */
  start: string;
  end: string;
  name: string | null;
}

/**
 * One session mark to write. Carries more than Wonde needs so that other SIS can map it:
 * PowerSchool Meeting mode needs the period at `localTime`; Ed-Fi needs the direction (Tardy vs
 * Early departure) and `occurredAt` for arrivalTime/departureTime; a file export writes them all.
 */
export interface SessionMarkWrite {
  /** Our outbox row, so a connector that reports per-record results can name the row. */
  ref: number;
  misId: string;
  date: string;
  session: SessionName;
  localTime: string;
  occurredAt: string;
  direction: Direction;
  code: string;
  comment: string | null;
  minutesLate: number | null;
}

export interface LessonMarkWrite {
  ref: number;
  misId: string;
  lessonId: string;
  date: string;
  code: string;
  comment: string | null;
  minutesLate: number | null;
}

export interface WriteResult {
  /** The MIS's receipt for the write (Wonde: writeback_id), kept with the event. */
  writebackId: string | null;
}

export interface RosterStudent {
  misId: string;
  forename: string;
  surname: string;
  upn: string | null;
  year: number | null;
  form: string | null;
}

export interface RosterPage {
  students: RosterStudent[];
  /** Opaque cursor for the next page; null on the last page. */
  next: string | null;
}

export interface MisConnector {
  /** 'wonde', 'powerschool' … for logs and the admin screen. */
  readonly name: string;
  /** May ask the MIS (Wonde: the school object tells which MIS sits behind it). Cached. */
  capabilities(): Promise<Capabilities>;
  fetchAttendanceCodes(): Promise<MisAttendanceCode[]>;
  /** Marks the MIS holds for one student on one day: session marks, or lesson marks. */
  readMarks(query: { misId: string; date: string; target: 'session' | 'lesson' }): Promise<ExistingMark[]>;
  /**
   * Read-back for "confirmed in the register": the marks the MIS holds on one day for many
   * students in as few requests as the API allows (each mark carries `misId`). Optional: without
   * it the engine confirms with readMarks, one student at a time. A response that cannot be
   * understood throws (a transient MisError), never answers "no mark".
   */
  readRegister?(query: { date: string; target: 'session' | 'lesson'; misIds: string[] }): Promise<ExistingMark[]>;
  writeSessionMarks(marks: SessionMarkWrite[]): Promise<WriteResult>;
  writeLessonMarks(marks: LessonMarkWrite[]): Promise<WriteResult>;
  /** The student's lessons on a day, in start order. */
  listLessons(query: { misId: string; date: string }): Promise<Lesson[]>;
  fetchRosterPage(cursor: string | null): Promise<RosterPage>;
  /** Cheap request that proves the MIS is reachable and the credentials work. */
  ping(): Promise<void>;
  /** Called once after a 401: re-read or renew credentials. True when something changed. */
  refreshAuth(): Promise<boolean>;
  close?(): Promise<void>;
}
