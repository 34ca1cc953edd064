// The staff side of the kiosk: PIN sessions and the receptionist's day (events list, finalise,
// retry) with its audit. The attendance logic itself (override, sign by hand, reprint) lives in
// attendance/; the desk only hands it on. Every change is audited: who, when, before, after.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database';
import type { EventRepository } from '../db/events';
import type { AuditRepository, AuditRow } from '../db/audit';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { SyncPort } from '../sync/mis-port';
import type { Attendance } from '../attendance';
import { CoreError } from '../errors';
import { PinService, type StaffRole } from './pins';
import { exportWritebackLog, queryWritebackLog } from './writeback-log';
import path from 'node:path';
import { isSetupLocked } from '../maintenance/recovery';
import { writeSetupMarker } from '../maintenance/backup';
import type { SignEvent } from '../../../shared/model';
import { mondayOf as schoolMondayOf } from '../../../shared/school-time';

export interface StaffDeskDeps {
  db: Db;
  events: EventRepository;
  audit: AuditRepository;
  clock: Clock;
  log: Logger;
  dataDir: string;
  attendance: Attendance;
  sync: Pick<SyncPort, 'kick' | 'retry'>;
}

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

  constructor(private readonly d: StaffDeskDeps) {
    // pins.ts keeps its own SQL (db/ will hold it); it only needs the database and the clock.
    this.pins = new PinService(d.db, d.clock);
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
    this.sessions.set(token, { role, expiresAt: this.d.clock.now().getTime() + SESSION_IDLE_MS, recovered });
    return { role, token, idleSeconds: SESSION_IDLE_MS / 1000 };
  }

  lock(token: string): void {
    this.sessions.delete(token);
  }

  /** The role behind a token, refreshed on use; refuses an expired token or too low a role. */
  require(token: string | undefined, role: StaffRole): StaffRole {
    const s = token ? this.sessions.get(token) : undefined;
    const now = this.d.clock.now().getTime();
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
      lockedForSeconds: lockedUntil ? Math.ceil((lockedUntil.getTime() - this.d.clock.now().getTime()) / 1000) : null,
      setupLocked: !status.site_admin && isSetupLocked(this.d.dataDir),
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
    if (viaFirstRun && isSetupLocked(this.d.dataDir)) {
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
      writeSetupMarker(this.d.dataDir, this.d.clock.now(), 'site admin PIN set');
    } catch (e) {
      this.d.log.error('could not write the set-up marker', { error: (e as Error).message });
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
    const today = this.d.attendance.today();
    const rows = this.d.events.deskRows(today);
    // Lates this school week (Monday to today), so reception sees a pattern without opening rows.
    const lates = this.d.events.latesBetween(mondayOf(today), today);
    return rows
      .map((r) => {
        const event = this.d.events.get(r.id)!;
        return {
          event,
          studentName: `${r.forename} ${r.surname}`,
          year: r.year,
          writeback: r.state ? { state: r.state, lastError: r.last_error } : null,
          latesThisWeek: lates.get(event.studentId) ?? 0,
        };
      })
      .filter((r) => (!q || r.studentName.toLowerCase().includes(q)) && (!filter.direction || r.event.direction === filter.direction));
  }

  /** Change the reason (or the code) of an event: attendance/ writes the correction, audited. */
  override(req: { eventId: string; reasonId: string; code?: string | null; note?: string }, actor: StaffRole): SignEvent {
    return this.d.attendance.override(req, actor);
  }

  /** Navigate360's "finalise": a late arrival marked excused or not excused. */
  finalise(eventId: string, excused: boolean, actor: StaffRole): SignEvent {
    const ev = this.d.events.get(eventId);
    if (!ev) throw new CoreError('not_found', 'No such event.');
    this.d.db.transaction(() => {
      this.d.events.setExcused(eventId, excused);
      this.audit(actor, 'event.finalise', eventId, { excused: ev.excused }, { excused });
    })();
    return this.d.events.get(eventId)!;
  }

  retry(which: number[] | 'all_failed', actor: StaffRole): number {
    const n = this.d.sync.retry(which);
    this.audit(actor, 'writeback.retry', Array.isArray(which) ? which.join(',') : which, null, { rows: n });
    this.d.sync.kick();
    return n;
  }

  /** The site admin's writeback log: one page of rows matching the filter, and how many match. */
  writebackLog(filter: Parameters<typeof queryWritebackLog>[1], offset: number, limit: number): ReturnType<typeof queryWritebackLog> {
    return queryWritebackLog(this.d.db, filter, offset, limit);
  }

  /** The writeback log as a CSV file in the kiosk's exports folder. */
  exportWritebackLog(filter: Parameters<typeof exportWritebackLog>[1]): ReturnType<typeof exportWritebackLog> {
    return exportWritebackLog(this.d.db, filter, path.join(this.d.dataDir, 'exports'), this.d.clock.now().toISOString());
  }

  audit(actor: string, action: string, subject: string | null, before: unknown, after: unknown): void {
    this.d.audit.append(this.d.clock.now().toISOString(), actor, action, subject, before, after);
  }

  auditLog(limit: number): AuditRow[] {
    return this.d.audit.latest(limit);
  }
}

function formatWait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** The Monday of a school-local date's week (YYYY-MM-DD in, YYYY-MM-DD out). */
export function mondayOf(localDate: string): string {
  return schoolMondayOf(localDate); // school time lives in shared/school-time.ts
}
