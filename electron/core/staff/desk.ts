// The staff side of the kiosk: PIN sessions, the receptionist's day (override, sign by hand,
// reprint, finalise) and the site admin's settings. Every change is audited: who, when, before, after.
import { randomBytes, randomUUID } from 'node:crypto';
import { CoreError } from '../errors';
import { PinService, type StaffRole } from './pins';
import { isSetupLocked } from '../maintenance/recovery';
import { writeSetupMarker } from '../maintenance/backup';
import { supersede, retryRows, type SessionMarkPayload } from '../sync/outbox';
import { decide } from '../../../shared/attendance/decision';
import { attendanceCode, groupForStudent, resolveRules } from '../../../shared/settings';
import type { SignEvent } from '../../../shared/model';
import type { KioskCore } from '../kiosk';

const SESSION_IDLE_MS = 5 * 60_000;

interface StaffSession {
  role: StaffRole;
  expiresAt: number;
  /** Opened with the recovery code: the site admin PIN chosen in it replaces the code too. */
  recovered?: boolean;
}

export interface StaffEventRow {
  event: SignEvent;
  studentName: string;
  year: number | null;
  writeback: { state: string; lastError: string | null } | null;
}

export class StaffDesk {
  readonly pins: PinService;
  private readonly sessions = new Map<string, StaffSession>();

  constructor(private readonly core: KioskCore) {
    this.pins = new PinService(core.db, core.clock);
  }

  // ---- sessions -------------------------------------------------------------------------------

  async unlock(pin: string): Promise<{ role: StaffRole; token: string; idleSeconds: number }> {
    const r = await this.pins.check(pin);
    if (!r.ok) {
      this.audit('staff', 'pin.failed', null, null, { locked: r.locked });
      // Every lock is on record: a run of them is someone guessing at the public keypad.
      if (r.locked && r.newLock) this.audit('staff', 'pin.lockout', null, null, { seconds: r.retryAfterSeconds });
      if (r.locked) throw new CoreError('locked', `Too many wrong PINs. Try again in ${formatWait(r.retryAfterSeconds)}, or use the site admin's recovery code.`);
      throw new CoreError('forbidden', `That PIN is not right. ${r.attemptsLeft} ${r.attemptsLeft === 1 ? 'try' : 'tries'} left.`);
    }
    this.audit(r.role, 'staff.unlock', null, null, null);
    return this.startSession(r.role);
  }

  /** The recovery code: a site admin session, to choose a new site admin PIN. */
  async recover(code: string): Promise<{ role: StaffRole; token: string; idleSeconds: number }> {
    if (!(await this.pins.useRecoveryCode(code))) {
      this.audit('staff', 'pin.recovery_failed', null, null, null);
      throw new CoreError('forbidden', 'That recovery code is not right. Check it against the copy the site admin kept.');
    }
    this.audit('site_admin', 'pin.recovered', 'site_admin', null, null);
    return this.startSession('site_admin', true);
  }

  private startSession(role: StaffRole, recovered = false): { role: StaffRole; token: string; idleSeconds: number } {
    const token = randomBytes(24).toString('base64url');
    this.sessions.set(token, { role, expiresAt: this.core.clock.now().getTime() + SESSION_IDLE_MS, recovered });
    return { role, token, idleSeconds: SESSION_IDLE_MS / 1000 };
  }

  lock(token: string): void {
    this.sessions.delete(token);
  }

  /** The role behind a token, refreshed on use; refuses an expired token or too low a role. */
  require(token: string | undefined, role: StaffRole): StaffRole {
    const s = token ? this.sessions.get(token) : undefined;
    const now = this.core.clock.now().getTime();
    if (!s || s.expiresAt < now) {
      if (token) this.sessions.delete(token);
      throw new CoreError('forbidden', 'Staff mode has timed out. Enter your PIN again.');
    }
    if (role === 'site_admin' && s.role !== 'site_admin') throw new CoreError('forbidden', 'Only a site admin can do this.');
    s.expiresAt = now + SESSION_IDLE_MS;
    return s.role;
  }

  pinStatus(): { receptionist: boolean; site_admin: boolean; lockedForSeconds: number | null; setupLocked: boolean; recoveryCode: boolean } {
    const { lockedUntil } = this.pins.lockState();
    const status = this.pins.status();
    return {
      ...status,
      lockedForSeconds: lockedUntil ? Math.ceil((lockedUntil.getTime() - this.core.clock.now().getTime()) / 1000) : null,
      setupLocked: !status.site_admin && isSetupLocked(this.core.dataDir),
      recoveryCode: this.pins.hasRecoveryCode(),
    };
  }

  /**
   * A site admin sets either PIN; on a new kiosk with no admin PIN yet, anyone at the desk sets
   * the first one — never on a kiosk that was set up and lost its database (maintenance/recovery.ts).
   * Setting the site admin PIN when no recovery code exists (first run, or the code was just
   * used) issues one: returned here to be shown once.
   */
  async setPin(token: string | undefined, role: StaffRole, pin: string): Promise<{ recoveryCode?: string }> {
    const firstRun = !this.pins.status().site_admin;
    const viaFirstRun = firstRun && role === 'site_admin' && !token;
    if (viaFirstRun && isSetupLocked(this.core.dataDir)) {
      throw new CoreError(
        'locked',
        'This kiosk was set up before and its data was lost with no backup to restore, so a new site admin PIN cannot be set here. An admin must run `kiosk doctor` on the kiosk: it says what to do.',
      );
    }
    if (!viaFirstRun) this.require(token, 'site_admin');
    try {
      await this.pins.setPin(role, pin);
    } catch (e) {
      throw new CoreError('validation_failed', (e as Error).message, [{ path: 'pin', message: (e as Error).message }]);
    }
    this.audit(viaFirstRun ? 'first-run' : 'site_admin', 'pin.set', role, null, null);
    try {
      // From now on an empty database here is a loss, not a new kiosk.
      writeSetupMarker(this.core.dataDir, this.core.clock.now(), 'site admin PIN set');
    } catch (e) {
      this.core.log.error('could not write the set-up marker', { error: (e as Error).message });
    }
    // The code used to get in stays valid until this moment: an admin who walks away before
    // choosing the new PIN can use it again, so nobody is locked out by an unfinished recovery.
    const recovered = !!token && this.sessions.get(token)?.recovered === true;
    if (role !== 'site_admin' || (this.pins.hasRecoveryCode() && !recovered)) return {};
    if (recovered) this.sessions.get(token!)!.recovered = false;
    const recoveryCode = await this.pins.issueRecoveryCode();
    this.audit(viaFirstRun ? 'first-run' : 'site_admin', 'pin.recovery_code_issued', 'site_admin', null, null);
    return { recoveryCode };
  }

  // ---- the receptionist's day -----------------------------------------------------------------

  events(filter: { query?: string; direction?: 'sign_in' | 'sign_out' }): StaffEventRow[] {
    const q = filter.query?.trim().toLowerCase();
    const rows = this.core.db
      .prepare(
        `SELECT e.id, s.forename, s.surname, s.year,
                (SELECT COALESCE(o.outcome, o.state) FROM outbox o WHERE o.event_id = e.id ORDER BY o.id DESC LIMIT 1) AS state,
                (SELECT o.last_error FROM outbox o WHERE o.event_id = e.id ORDER BY o.id DESC LIMIT 1) AS last_error
         FROM events e JOIN students s ON s.id = e.student_id
         WHERE e.local_date = ? ORDER BY e.occurred_at DESC, e.rowid DESC`,
      )
      .all(this.core.today()) as { id: string; forename: string; surname: string; year: number | null; state: string | null; last_error: string | null }[];
    // Lates this school week (Monday to today), so reception sees a pattern without opening rows.
    const today = this.core.today();
    const lates = new Map(
      (
        this.core.db
          .prepare(
            `SELECT student_id, COUNT(*) AS n FROM events
             WHERE direction = 'sign_in' AND minutes_late > 0 AND superseded_by IS NULL AND local_date BETWEEN ? AND ?
             GROUP BY student_id`,
          )
          .all(mondayOf(today), today) as { student_id: string; n: number }[]
      ).map((r) => [r.student_id, r.n]),
    );
    const alerts = this.core.lateness.alertsOnDay(today);
    return rows
      .map((r) => {
        const event = this.core.events.get(r.id)!;
        return {
          lateAlerts: (alerts.get(event.studentId) ?? []).map((a) => a.message),
          event,
          studentName: `${r.forename} ${r.surname}`,
          year: r.year,
          writeback: r.state ? { state: r.state, lastError: r.last_error } : null,
          latesThisWeek: lates.get(event.studentId) ?? 0,
        };
      })
      .filter((r) => (!q || r.studentName.toLowerCase().includes(q)) && (!filter.direction || r.event.direction === filter.direction));
  }

  /**
   * Change the reason (or the code) of an event. The new event supersedes the old: an unsent mark
   * is never sent, a sent one is corrected. The decision is made at the ORIGINAL time of the event.
   */
  override(req: { eventId: string; reasonId: string; code?: string | null; note?: string }, actor: StaffRole): SignEvent {
    const old = this.core.events.get(req.eventId);
    if (!old) throw new CoreError('not_found', 'No such event.');
    if (old.supersededBy) throw new CoreError('invalid_request', 'This event has already been changed; change the newer one.');
    const student = this.core.students.get(old.studentId);
    if (!student) throw new CoreError('not_found', 'That student is no longer on the roster.');
    const settings = this.core.settings.get();
    const rules = resolveRules(settings, groupForStudent(settings, student));
    const reason = rules.reasons.find((r) => r.id === req.reasonId && r.directions.includes(old.direction));
    if (!reason) throw new CoreError('invalid_request', 'That reason is not offered for this direction.');
    let forcedCode: string | null = null;
    if (req.code) {
      const parsed = attendanceCode.safeParse(req.code);
      if (!parsed.success) throw new CoreError('validation_failed', parsed.error.issues[0]!.message, [{ path: 'code', message: parsed.error.issues[0]!.message }]);
      forcedCode = parsed.data;
    }
    const d = decide({ rules, at: old.occurredAt, timeZone: settings.timeZone, direction: old.direction, reason, note: req.note ?? null });
    const code = forcedCode ?? d.code;
    const writeback = forcedCode ? d.session !== null : d.writeback;
    const next: SignEvent = {
      ...old,
      id: randomUUID(),
      reasonId: reason.id,
      reasonLabel: reason.label,
      code,
      comment: d.comment,
      minutesLate: d.minutesLate,
      writeback,
      skipReason: writeback ? null : d.skipReason,
      actor: `${actor}`,
      supersedes: old.id,
      supersededBy: null,
    };
    const nowIso = this.core.clock.now().toISOString();
    const payload: SessionMarkPayload | null =
      writeback && next.session && code
        ? {
            eventId: next.id,
            studentId: student.id,
            misId: student.misId,
            date: next.localDate,
            session: next.session,
            localTime: next.localTime,
            occurredAt: next.occurredAt,
            direction: next.direction,
            code,
            comment: next.comment,
            minutesLate: next.minutesLate,
            reasonId: next.reasonId,
            supersedesEventId: old.id,
          }
        : null;
    this.core.db.transaction(() => {
      this.core.events.insert(next, nowIso);
      this.core.db.prepare('UPDATE events SET superseded_by = ? WHERE id = ?').run(next.id, old.id);
      supersede(this.core.db, old.id, payload, nowIso);
      this.audit(actor, 'event.override', old.id, { reason: old.reasonLabel, code: old.code }, { event: next.id, reason: next.reasonLabel, code: next.code });
    })();
    this.core.sync?.kick();
    this.core.scheduleStatus();
    return next;
  }

  /** Navigate360's "finalise": a late arrival marked excused or not excused. */
  finalise(eventId: string, excused: boolean, actor: StaffRole): SignEvent {
    const ev = this.core.events.get(eventId);
    if (!ev) throw new CoreError('not_found', 'No such event.');
    this.core.db.transaction(() => {
      this.core.db.prepare('UPDATE events SET excused = ? WHERE id = ?').run(excused ? 1 : 0, eventId);
      this.audit(actor, 'event.finalise', eventId, { excused: ev.excused }, { excused });
    })();
    return this.core.events.get(eventId)!;
  }

  retry(which: number[] | 'all_failed', actor: StaffRole): number {
    const n = this.core.sync?.retry ? this.core.sync.retry(which) : retryRows(this.core.db, which, this.core.clock.now().toISOString());
    this.audit(actor, 'writeback.retry', Array.isArray(which) ? which.join(',') : which, null, { rows: n });
    this.core.sync?.kick();
    return n;
  }

  audit(actor: string, action: string, subject: string | null, before: unknown, after: unknown): void {
    this.core.db
      .prepare('INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        this.core.clock.now().toISOString(),
        actor,
        action,
        subject,
        before === null || before === undefined ? null : JSON.stringify(before),
        after === null || after === undefined ? null : JSON.stringify(after),
      );
  }

  auditLog(limit: number): { at: string; actor: string; action: string; subject: string | null; before: string | null; after: string | null }[] {
    return this.core.db.prepare('SELECT at, actor, action, subject, before, after FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as never;
  }
}

function formatWait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** The Monday of a school-local date's week (YYYY-MM-DD in, YYYY-MM-DD out). */
export function mondayOf(localDate: string): string {
  const d = new Date(`${localDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}
