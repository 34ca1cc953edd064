// Attendance: what happens between a badge at the kiosk (or a receptionist's hand) and a mark on
// disk. Every event — kiosk sign-in/out, the staff override, sign by hand — is written by ONE
// commitEvent: rules → reason → decide() → event + outbox payload → supersede → one transaction.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import type { StudentRepository } from '../db/students';
import type { EventRepository } from '../db/events';
import type { AuditRepository } from '../db/audit';
import type { ScanRejectionLog } from '../db/scan-rejections';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { SyncPort } from '../sync/mis-port';
import { enqueueSessionMark, supersede, type SessionMarkPayload } from '../sync/outbox';
import { CoreError } from '../errors';
import type { PassExtras, PassPrinting } from './passes';
// ---- issue 17: roll call, who collects a student ----
import type { CollectorRepository } from '../db/collectors';
import { collectorOptions, resolveCollector, type ResolvedCollector } from './collectors';
import type { RollCallService } from './roll-call';
import { collectorText } from '../../../shared/roll-call';
import type { LateAlert, LatenessService } from './lateness/service';
import { normaliseScan } from '../../../shared/badge';
import { arrivalAt, decide, localClock, type Decision } from '../../../shared/attendance/decision';
import { attendanceCode, groupForStudent, resolveRules, splitReasonLabel, type Direction, type Reason, type SiteSettings } from '../../../shared/settings';
import type { SearchHit, SignEvent, Student, StudentCard } from '../../../shared/model';
import type { CallRequest, PassOutcome, ReasonView, RecordResult, ScanResult, StudentFlow } from '../../../shared/ipc/contract';

export { PassPrinting, type PassPrinterPort, type PrinterPort, type PassExtras, type DocumentBuilder } from './passes';
export { RollCallService } from './roll-call';

const SEARCH_LIMIT = 6;

export interface AttendanceDeps {
  db: Db;
  students: StudentRepository;
  events: EventRepository;
  audit: AuditRepository;
  scanRejections: ScanRejectionLog;
  settings: () => SiteSettings;
  clock: Clock;
  log: Logger;
  passes: PassPrinting;
  sync: Pick<SyncPort, 'kick'>;
  /** Telling home (issue 17): a new event's messages are queued in its transaction (never throws). */
  messages?: { queueInTransaction(event: SignEvent, student: Student): void; kick(): void };
  /** Something the status chips show changed (the outbox grew). */
  onStatus: () => void;
  /** Issue 17: who collected a student, and the roll call a roll call badge brings up. */
  collectors: CollectorRepository;
  rollCall: RollCallService;
  /** Issue 18: lateness thresholds, checked in the event's transaction. */
  lateness?: Pick<LatenessService, 'onCommitted' | 'alertsOf' | 'drainEmails'>;
}

/** One event to write: a new sign-in/out, or (with `replaces`) a correction of an earlier one. */
export interface CommitInput {
  /**
   * The student, or how to read them inside the event's transaction (the kiosk's sign-in: a
   * read under the write lock needs no read lock of its own, issue 16).
   */
  student: Student | (() => Student);
  direction: Direction;
  /** When the decision is made: now for a new event, the ORIGINAL time for a correction. */
  at: string;
  /** undefined: no reason given (only an on-time sign-in at a school that asks none). */
  reasonId: string | undefined;
  note: string | null | undefined;
  /** A code the receptionist chose over the rules' code. */
  code?: string | null;
  actor: string;
  /** The event this one supersedes: an unsent mark is never sent, a sent one is corrected. */
  replaces?: SignEvent;
  /** Written in the same transaction as the event. */
  audit?: (next: SignEvent) => { actor: string; action: string; subject: string | null; before: unknown; after: unknown };
  /** What to say when the reason is not one of the student's (the kiosk and the desk word it differently). */
  notOffered?: string;
  /** Issue 17: who collects the student (an early sign-out), written in the same transaction. */
  collector?: ResolvedCollector | null;
}

export interface Committed {
  event: SignEvent;
  student: Student;
  decision: Decision;
  reason: Reason | null;
  rules: ReturnType<typeof resolveRules>;
  /** Issue 18: the lateness thresholds a new late sign-in reached. */
  lateAlerts: LateAlert[];
}

/** What a group's students see and are judged by, worked out once per settings (see `groupView`). */
interface GroupView {
  rules: ReturnType<typeof resolveRules>;
  /** The reason buttons of each direction, as the student screen shows them. */
  reasons: { sign_in: ReasonView[]; sign_out: ReasonView[] };
  groupName: string | null;
}

export class Attendance {
  /**
   * One transaction wrapper, made once: better-sqlite3 builds four functions for every
   * db.transaction(fn) call, which was a tenth of the scan path's JavaScript (issue 16).
   */
  private readonly inTransaction: (work: () => void) => void;
  /**
   * A group's rules and reason buttons change only when a site admin saves the settings, which
   * replaces the settings object: keyed by that object, a scan no longer merges the group's
   * rules and words its reasons afresh, twice per sign-in (issue 16).
   */
  private readonly groupViews = new WeakMap<SiteSettings, Map<string | null, GroupView>>();
  /**
   * A scan's reads (the badge, the day's last event, the contacts) in one read transaction: one
   * snapshot, and one read lock on the WAL instead of one per statement, each a system call
   * (issue 16). DEFERRED: it never takes the write lock, so a roster import is not held up.
   */
  private readonly inSnapshot: <T>(work: () => T) => T;

  constructor(private readonly d: AttendanceDeps) {
    this.inTransaction = d.db.transaction((work: () => void) => work());
    const snapshot = d.db.transaction((work: () => unknown) => work()).deferred;
    this.inSnapshot = <T>(work: () => T) => snapshot(work) as T;
  }

  /** Today's date in the school's time zone, whatever the kiosk's own clock zone is. */
  today(): string {
    return localClock(this.d.clock.now().toISOString(), this.d.settings().timeZone).date;
  }

  /** The rules that apply to a student (their group's, or the site's). */
  rulesFor(student: Student | null, settings = this.d.settings()): ReturnType<typeof resolveRules> {
    return this.groupView(settings, student ? groupForStudent(settings, student) : null).rules;
  }

  /** A group's rules and reason buttons under these settings (null: the site's own). */
  private groupView(settings: SiteSettings, groupId: string | null): GroupView {
    let byGroup = this.groupViews.get(settings);
    if (!byGroup) this.groupViews.set(settings, (byGroup = new Map()));
    let view = byGroup.get(groupId);
    if (!view) {
      const rules = resolveRules(settings, groupId);
      const reasonsFor = (d: Direction): ReasonView[] =>
        rules.reasons
          .filter((r) => r.directions.includes(d))
          .map((r) => Object.freeze({ id: r.id, label: r.code ? splitReasonLabel(r.label).text : r.label, code: r.code ?? null, prompt: r.prompt }));
      // Frozen: every scan of the group hands out these same buttons.
      view = {
        rules,
        reasons: Object.freeze({ sign_in: Object.freeze(reasonsFor('sign_in')) as ReasonView[], sign_out: Object.freeze(reasonsFor('sign_out')) as ReasonView[] }),
        groupName: settings.groups.find((g) => g.id === groupId)?.name ?? null,
      };
      byGroup.set(groupId, view);
    }
    return view;
  }

  /** What the sync engine needs of the rules for an outbox row at send time. */
  rowRules(payload: Pick<SessionMarkPayload, 'studentId'>): { protectedCodes: string[]; sessions: ReturnType<typeof resolveRules>['sessions']; presentCodes: string[] } {
    const rules = this.rulesFor(this.d.students.get(payload.studentId));
    return { protectedCodes: rules.protectedCodes, sessions: rules.sessions, presentCodes: [rules.presentCodes.AM, rules.presentCodes.PM] };
  }

  // ---- the kiosk ------------------------------------------------------------------------------

  scan(req: CallRequest<'scan'>): ScanResult {
    // Issue 17: a roll call badge prints the roll call with no PIN, whatever the badge pattern.
    if (this.d.rollCall.isBadge(req.code)) return this.d.rollCall.fromBadge();
    const s = this.d.settings();
    const n = normaliseScan(req.code, s.scanner);
    const at = this.d.clock.now();
    const now = at.toISOString();
    if (!n.ok) {
      // Never store what was scanned: it may be a login QR code (a password). Reason, length, hash.
      this.d.scanRejections.record(now, n.reason, typeof req.code === 'string' ? req.code.replace(/[\r\n]+$/, '') : '');
      return { ok: false, reason: n.reason };
    }
    const found = this.inSnapshot(() => {
      const student = this.d.students.findByBadge(n.badge);
      return student?.active ? { student, flow: this.flowFor(student, s, at) } : { student, flow: null };
    });
    const { student } = found;
    if (!found.flow) {
      const reason = student ? 'inactive' : 'unknown_badge';
      // A badge-shaped text can still be a password when the pattern is broad: fingerprint only.
      this.d.scanRejections.record(now, reason, n.badge);
      this.d.log.info('scan refused', { reason });
      return { ok: false, reason };
    }
    return { ok: true, flow: found.flow };
  }

  selectStudent(req: CallRequest<'selectStudent'>): StudentFlow {
    return this.flowFor(this.activeStudent(req.studentId), this.d.settings());
  }

  searchStudents(req: CallRequest<'searchStudents'>): SearchHit[] {
    if (req.query.trim().length < 2) return [];
    return this.d.students.search(req.query, SEARCH_LIMIT).map((st) => ({
      id: st.id,
      // Only what a student at the desk needs to find themselves: "Amelia S., Year 9".
      displayName: nameForQueue(st, 'first_initial'),
      year: st.year,
    }));
  }

  /** The desk's search for signing by hand: full names, active students only. */
  staffSearch(query: string): { id: string; name: string; year: number | null; form: string | null }[] {
    if (query.trim().length < 2) return [];
    return this.d.students
      .search(query, 20)
      .filter((s) => s.active)
      .slice(0, 12)
      .map((s) => ({ id: s.id, name: `${s.forename} ${s.surname}`, year: s.year, form: s.form }));
  }

  /** A sign-in or sign-out at the kiosk, or by hand at the desk (`actor` = the staff role). */
  async record(req: CallRequest<'record'>, actor = 'kiosk'): Promise<RecordResult> {
    const settings = this.d.settings();
    // Who collects a student at a sign-out is worked out from the student first; a sign-in reads
    // the student in the event's own transaction (one read lock fewer on the scan path, issue 16).
    const known = req.collector || req.direction === 'sign_out' ? this.activeStudent(req.studentId) : null;
    // Issue 17: who is collecting. A tapped contact or "someone else", else the typed "collected by".
    let collector: ResolvedCollector | null = null;
    if (req.collector) {
      if (req.direction !== 'sign_out') throw new CoreError('invalid_request', 'Only an early sign-out names who collects the student.');
      collector = resolveCollector(this.d.collectors, req.studentId, req.collector);
    } else if (known && req.direction === 'sign_out' && req.note?.trim() && this.promptOf(known, req.reasonId) === 'collected_by') {
      collector = { name: req.note.trim(), relationship: null, kind: 'typed', approval: 'not_needed' };
    }
    const collectedBy = collector ? collectorText(collector) : null;
    const committed = this.commitEvent({
      student: known ?? (() => this.activeStudent(req.studentId)),
      direction: req.direction,
      at: this.d.clock.now().toISOString(),
      reasonId: req.reasonId,
      // The collector goes into the MIS comment only where the school wants it (collectors.inMisComment).
      note: collector ? (settings.collectors.inMisComment ? collectedBy : null) : req.note,
      actor,
      notOffered: 'That reason is not offered for this student and direction.',
      collector,
    });
    const { event, student, decision, reason, rules, lateAlerts } = committed;
    const alert = lateAlerts.map((a) => a.message).join('\n');
    const extras = { ...(collector ? { collectedBy, awaitingApproval: collector.approval === 'pending' } : {}), ...(alert ? { alert } : {}) };
    const pass = await this.d.passes.print(event, student, settings, actor, extras);
    this.d.onStatus();
    // The staff e-mails wait in the database until handed over: a failure here is the next
    // drain's to mend, never this sign-in's (it is committed, and its pass printed).
    if (lateAlerts.length) {
      try {
        this.d.lateness?.drainEmails(this.d.clock.now().toISOString());
      } catch (e) {
        this.d.log.warn('lateness emails not handed over; they wait for the next drain', { error: (e as Error).message });
      }
    }
    return { event, pass, why: decision.why, passMessage: reason?.passMessage || rules.passMessage || null, lateAlerts: lateAlerts.map((a) => a.message) };
  }

  /** A receptionist signs a student in or out by hand: the kiosk's record, by the staff role. */
  signByHand(req: CallRequest<'record'>, role: string): Promise<RecordResult> {
    return this.record(req, role);
  }

  /**
   * Change the reason (or the code) of an event. The new event supersedes the old: an unsent mark
   * is never sent, a sent one is corrected. The decision is made at the ORIGINAL time of the event.
   */
  override(req: { eventId: string; reasonId: string; code?: string | null; note?: string }, actor: string): SignEvent {
    const old = this.d.events.get(req.eventId);
    if (!old) throw new CoreError('not_found', 'No such event.');
    if (old.supersededBy) throw new CoreError('invalid_request', 'This event has already been changed; change the newer one.');
    const student = this.d.students.get(old.studentId);
    if (!student) throw new CoreError('not_found', 'That student is no longer on the roster.');
    return this.commitEvent({
      student,
      direction: old.direction,
      at: old.occurredAt,
      reasonId: req.reasonId,
      note: req.note ?? null,
      code: req.code,
      actor,
      replaces: old,
      notOffered: 'That reason is not offered for this direction.',
      audit: (next) => ({ actor, action: 'event.override', subject: old.id, before: { reason: old.reasonLabel, code: old.code }, after: { event: next.id, reason: next.reasonLabel, code: next.code } }),
    }).event;
  }

  async reprintPass(eventId: string, actor: string): Promise<PassOutcome> {
    const event = this.d.events.get(eventId);
    if (!event) throw new CoreError('not_found', 'No such event.');
    const student = this.d.students.get(event.studentId);
    if (!student) throw new CoreError('not_found', 'That student is no longer on the roster.');
    return this.d.passes.print(event, student, this.d.settings(), actor, this.passExtras(event.id));
  }

  // ---- issue 17: who collects a student ---------------------------------------------------------

  /** Reception approves the "someone else" collecting a student; a reprint then drops "see reception". */
  approveCollector(eventId: string, actor: string): void {
    const c = this.d.collectors.ofEvent(eventId);
    if (!c) throw new CoreError('not_found', 'That sign-out names nobody collecting the student.');
    const now = this.d.clock.now().toISOString();
    this.d.db.transaction(() => {
      if (!this.d.collectors.approve(c.eventId, actor, now)) throw new CoreError('invalid_request', 'That collector was already approved.');
      this.d.audit.append(now, actor, 'collector.approve', c.eventId, { approval: 'pending' }, { approval: 'approved' });
    })();
  }

  /** What a reprint carries besides the event: the collector (issue 17) and the thresholds reached (issue 18). */
  private passExtras(eventId: string): PassExtras | undefined {
    const c = this.d.collectors.ofEvent(eventId);
    const alert = (this.d.lateness?.alertsOf(eventId) ?? []).map((a) => a.message).join('\n');
    if (!c && !alert) return undefined;
    return { ...(c ? { collectedBy: collectorText(c), awaitingApproval: c.approval === 'pending' } : {}), ...(alert ? { alert } : {}) };
  }

  private promptOf(student: Student, reasonId: string | undefined): string | null {
    return this.rulesFor(student).reasons.find((r) => r.id === reasonId)?.prompt ?? null;
  }

  testPrint(actor: string): Promise<PassOutcome> {
    return this.d.passes.sample(this.d.settings(), actor);
  }

  // ---- the one way an event is written ----------------------------------------------------------

  commitEvent(input: CommitInput): Committed {
    let committed!: Committed;
    // The event and its writeback job commit together or not at all (synchronous=FULL): once
    // this returns, the student's sign-in survives a power cut. The decision is made under the
    // same write lock, a few microseconds of JavaScript.
    this.inTransaction(() => {
      committed = this.decideAndWrite(input);
    });
    const { event, student } = committed;
    const old = input.replaces;
    if (!old) this.d.log.info('event recorded', { event: event.id, student: student.id, code: event.code, writeback: event.writeback });
    this.d.sync.kick();
    if (!old) this.d.messages?.kick();
    if (old) this.d.onStatus();
    return committed;
  }

  /** Inside the event's transaction: rules → reason → decide() → event + outbox payload → writes. */
  private decideAndWrite(input: CommitInput): Committed {
    const student = typeof input.student === 'function' ? input.student() : input.student;
    const settings = this.d.settings();
    const rules = this.rulesFor(student, settings);
    let reason: Reason | null = null;
    if (input.reasonId === undefined) {
      // No reason: only an on-time sign-in at a school that asks none (the kiosk's one-tap sign-in).
      const onTime = input.direction === 'sign_in' && arrivalAt(rules, input.at, settings.timeZone) !== 'late';
      if (!onTime || settings.kioskFlow.onTimeReason) throw new CoreError('invalid_request', 'Choose a reason: a late sign-in or an early sign-out needs one.');
    } else {
      reason = rules.reasons.find((r) => r.id === input.reasonId && r.directions.includes(input.direction)) ?? null;
      if (!reason) throw new CoreError('invalid_request', input.notOffered ?? 'That reason is not offered for this student and direction.');
    }
    let forcedCode: string | null = null;
    if (input.code) {
      const parsed = attendanceCode.safeParse(input.code);
      if (!parsed.success) throw new CoreError('validation_failed', parsed.error.issues[0]!.message, [{ path: 'code', message: parsed.error.issues[0]!.message }]);
      forcedCode = parsed.data;
    }
    const decision = decide({ rules, at: input.at, timeZone: settings.timeZone, direction: input.direction, reason, note: input.note ?? null });
    const code = forcedCode ?? decision.code;
    const writeback = forcedCode ? decision.session !== null : decision.writeback;
    const decided = {
      reasonId: reason?.id ?? null,
      reasonLabel: reason?.label ?? null,
      code,
      comment: decision.comment,
      minutesLate: decision.minutesLate,
      writeback,
      skipReason: writeback ? null : decision.skipReason,
      actor: input.actor,
      supersededBy: null,
    };
    const old = input.replaces;
    // A correction keeps the original's time, day and session; only the decision changes.
    const event: SignEvent = old
      ? { ...old, ...decided, id: randomUUID(), supersedes: old.id }
      : {
          id: randomUUID(),
          studentId: student.id,
          direction: input.direction,
          occurredAt: input.at,
          localDate: decision.localDate,
          localTime: decision.localTime,
          session: decision.session,
          ...decided,
          supersedes: null,
          excused: null,
        };
    const payload: SessionMarkPayload | null =
      event.writeback && event.session && event.code
        ? {
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
            supersedesEventId: old?.id ?? null,
          }
        : null;
    const nowIso = this.d.clock.now().toISOString();
    let lateAlerts: LateAlert[] = [];
    this.d.events.insert(event, nowIso);
    if (input.collector) this.d.collectors.insert({ eventId: event.id, studentId: student.id, ...input.collector }, nowIso);
    // Issue 18: a new late sign-in's thresholds, stored with it (a correction reaches none: the
    // counts' triggers move the late from the old event to the new one).
    if (!old && this.d.lateness) lateAlerts = this.d.lateness.onCommitted(event);
    if (old) {
      this.d.events.markSuperseded(old.id, event.id);
      supersede(this.d.db, old.id, payload, nowIso);
    } else if (payload) enqueueSessionMark(this.d.db, payload, nowIso);
    // Telling home: a new event's messages commit with it (an override never tells home again).
    // The collector row above is already written: the messages read it from there.
    if (!old) this.d.messages?.queueInTransaction(event, student);
    const a = input.audit?.(event);
    if (a) this.d.audit.append(nowIso, a.actor, a.action, a.subject, a.before, a.after);
    return { event, student, decision, reason, rules, lateAlerts };
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private activeStudent(id: string): Student {
    const student = this.d.students.get(id);
    if (!student || !student.active) throw new CoreError('not_found', 'That student is not on the roster.');
    return student;
  }

  private flowFor(student: Student, settings: SiteSettings, now = this.d.clock.now()): StudentFlow {
    const { rules, reasons, groupName } = this.groupView(settings, groupForStudent(settings, student));
    const nowIso = now.toISOString();
    const last = this.d.events.lastOfDay(student.id, localClock(nowIso, settings.timeZone).date);
    const signedInToday = last?.direction === 'sign_in';
    const { rescanMinutes, onTimeReason, nameDisplay } = settings.kioskFlow;
    // "Did it work?": a scan soon after the last sign-in or sign-out must never lead, by the
    // highlighted choice, to the opposite mark.
    const recent =
      last && rescanMinutes > 0 && now.getTime() - Date.parse(last.occurredAt) <= rescanMinutes * 60_000
        ? { direction: last.direction, localTime: last.localTime }
        : null;
    const card: StudentCard = {
      id: student.id,
      forename: student.forename,
      surname: student.surname,
      year: student.year,
      form: student.form,
      groupName,
      photo: student.photo,
    };
    return {
      student: card,
      suggested: signedInToday ? 'sign_out' : 'sign_in',
      signedInToday,
      reasons,
      displayName: nameForQueue(student, nameDisplay),
      recent,
      arrival: arrivalAt(rules, nowIso, settings.timeZone),
      onTimeReason,
      // Issue 17: names and relationships only (never phones), for "Who is collecting you?".
      collectors: settings.collectors.offerContacts ? collectorOptions(this.d.collectors, student.id) : [],
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
