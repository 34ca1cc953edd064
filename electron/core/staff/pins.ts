// Staff PINs: a receptionist PIN and a site admin PIN, hashed with scrypt (memory-hard, in
// node:crypto). Five wrong tries lock the keypad for 30 s, then 60 s, 120 s, 240 s and at most
// 5 minutes: a 4-digit PIN cannot be walked through at a front desk (at most five guesses per
// 5 minutes once the lock is long), and a student who plays with the public keypad can never
// lock reception out for more than 5 minutes. The count belongs to the keypad session: the run of
// wrong PINs until a right one, or until the keypad has been left alone for KEYPAD_SESSION_IDLE_MS
// after the last wrong PIN or lock. The kiosk decides that, not the screen: closing and reopening
// the PIN screen must not give a guesser a fresh count. The count survives a restart.
//
// The way back in that a student cannot use: a recovery code of 12 digits, shown once when the
// site admin PIN is first set (scrypt-hashed like the PINs). It works during a lock, opens a site
// admin session and is used up; the site admin then chooses a new PIN and is shown a new code.
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Db } from '../db/database';
import { StaffPinRepository } from '../db/staff-pins';
import type { Clock } from '../clock';

export type StaffRole = 'receptionist' | 'site_admin';

const PARAMS: ScryptOptions & { keylen: number } = { N: 2 ** 14, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 };
export const MAX_TRIES = 5;
const BASE_LOCK_MS = 30_000;
export const CAP_LOCK_MS = 5 * 60_000;
/** A keypad left alone this long after the last wrong PIN (or the end of a lock) starts a new session. */
export const KEYPAD_SESSION_IDLE_MS = 5 * 60_000;
export const RECOVERY_CODE_DIGITS = 12;

function hash(pin: string, salt: Buffer, params = PARAMS): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, params.keylen, { N: params.N, r: params.r, p: params.p, maxmem: params.maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export type PinCheck =
  | { ok: true; role: StaffRole }
  | { ok: false; locked: true; retryAfterSeconds: number; /** This try started the lock (it is audited). */ newLock?: boolean }
  | { ok: false; locked: false; attemptsLeft: number };

/** 123456789012 → "1234 5678 9012": easier to copy down and read back. */
export function formatRecoveryCode(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function validatePinFormat(pin: string): string | null {
  return /^\d{4,8}$/.test(pin) ? null : 'A PIN is 4 to 8 digits.';
}

export class PinService {
  private readonly repo: StaffPinRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.repo = new StaffPinRepository(db);
  }

  status(): Record<StaffRole, boolean> {
    const roles = this.repo.roles();
    return { receptionist: roles.includes('receptionist'), site_admin: roles.includes('site_admin') };
  }

  async setPin(role: StaffRole, pin: string): Promise<void> {
    const problem = validatePinFormat(pin);
    if (problem) throw new RangeError(problem);
    const other: StaffRole = role === 'site_admin' ? 'receptionist' : 'site_admin';
    if ((await this.matches(other, pin)) === true) throw new RangeError('The receptionist and site admin PINs must differ.');
    const salt = randomBytes(16);
    const key = await hash(pin, salt);
    this.repo.savePin(role, { salt: salt.toString('base64'), hash: key.toString('base64'), params: JSON.stringify(PARAMS) }, this.clock.now().toISOString());
  }

  private async matches(role: StaffRole, pin: string): Promise<boolean | null> {
    const row = this.repo.pin(role);
    if (!row) return null;
    const expected = Buffer.from(row.hash, 'base64');
    const key = await hash(pin, Buffer.from(row.salt, 'base64'), JSON.parse(row.params) as typeof PARAMS);
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  lockState(): { lockedUntil: Date | null; failures: number } {
    const row = this.repo.lockout();
    const until = row.locked_until ? new Date(row.locked_until) : null;
    return { lockedUntil: until && until > this.clock.now() ? until : null, failures: row.failures };
  }

  private checking: Promise<unknown> = Promise.resolve();

  /** One check at a time: guesses fired together must each count against the lockout. */
  check(pin: string): Promise<PinCheck> {
    return this.queued(() => this.checkNow(pin));
  }

  private queued<T>(run: () => Promise<T>): Promise<T> {
    const next = this.checking.then(run);
    this.checking = next.catch(() => undefined);
    return next;
  }

  private async checkNow(pin: string): Promise<PinCheck> {
    const now = this.clock.now();
    const { lockedUntil } = this.lockState();
    if (lockedUntil) return { ok: false, locked: true, retryAfterSeconds: Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000) };
    // The site admin is tried first: a site admin can do everything a receptionist can.
    for (const role of ['site_admin', 'receptionist'] as const) {
      if ((await this.matches(role, pin)) === true) {
        this.clearLockout();
        return { ok: true, role };
      }
    }
    return this.repo.transaction((): PinCheck => {
      const row = this.repo.lockout();
      // A keypad quiet for a while since the last wrong PIN or the end of the last lock: a new
      // keypad session (the next person at the desk), which starts with five tries and 30 s.
      const quietSince = Math.max(row.last_failure_at ? Date.parse(row.last_failure_at) : 0, row.locked_until ? Date.parse(row.locked_until) : 0);
      const fresh = now.getTime() - quietSince >= KEYPAD_SESSION_IDLE_MS;
      const failures = (fresh ? 0 : row.failures) + 1;
      const lockouts = fresh ? 0 : row.lockouts;
      if (failures >= MAX_TRIES) {
        const lockMs = Math.min(CAP_LOCK_MS, BASE_LOCK_MS * 2 ** lockouts);
        const until = new Date(now.getTime() + lockMs).toISOString();
        this.repo.lock(lockouts + 1, until, now.toISOString());
        return { ok: false, locked: true, retryAfterSeconds: Math.ceil(lockMs / 1000), newLock: true };
      }
      this.repo.recordFailure(failures, lockouts, now.toISOString());
      return { ok: false, locked: false, attemptsLeft: MAX_TRIES - failures };
    });
  }

  private clearLockout(): void {
    this.repo.clearLockout();
  }

  // ---- the recovery code ------------------------------------------------------------------------

  hasRecoveryCode(): boolean {
    return !!this.repo.recoveryCode();
  }

  /** A new code (the old one stops working). The caller shows it once; only its hash is kept. */
  async issueRecoveryCode(): Promise<string> {
    let code = '';
    for (let i = 0; i < RECOVERY_CODE_DIGITS; i++) code += String(randomInt(10));
    const salt = randomBytes(16);
    const key = await hash(code, salt);
    this.repo.saveRecoveryCode({ salt: salt.toString('base64'), hash: key.toString('base64'), params: JSON.stringify(PARAMS) }, this.clock.now().toISOString());
    return code;
  }

  /**
   * The recovery code, typed on the keypad: works during a lock (that is what it is for) and
   * clears the lock; it is replaced by a new one when the site admin PIN is set with it. 12 random digits behind scrypt, one check at a time: not guessable
   * at a desk, so a wrong code does not lock the keypad for the staff.
   */
  useRecoveryCode(code: string): Promise<boolean> {
    return this.queued(async () => {
      const digits = code.replace(/\s/g, '');
      if (!new RegExp(`^\\d{${RECOVERY_CODE_DIGITS}}$`).test(digits)) return false;
      const row = this.repo.recoveryCode();
      if (!row) return false;
      const expected = Buffer.from(row.hash, 'base64');
      const key = await hash(digits, Buffer.from(row.salt, 'base64'), JSON.parse(row.params) as typeof PARAMS);
      if (!(key.length === expected.length && timingSafeEqual(key, expected))) return false;
      // The code is spent when the new site admin PIN is saved (StaffDesk.setPin issues the next
      // one), not here: an unfinished recovery must not leave the school without a way back in.
      this.clearLockout();
      return true;
    });
  }
}
