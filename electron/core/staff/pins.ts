// Staff PINs: a receptionist PIN and a site admin PIN, hashed with scrypt (memory-hard, in
// node:crypto). Five wrong tries lock the keypad for 30 s, then 60 s, 120 s … up to an hour:
// a 4-digit PIN cannot be walked through at a front desk. The count survives a restart.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Db } from '../db/database';
import type { Clock } from '../clock';

export type StaffRole = 'receptionist' | 'site_admin';

const PARAMS: ScryptOptions & { keylen: number } = { N: 2 ** 14, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 };
export const MAX_TRIES = 5;
const BASE_LOCK_MS = 30_000;
const CAP_LOCK_MS = 60 * 60_000;

function hash(pin: string, salt: Buffer, params = PARAMS): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, params.keylen, { N: params.N, r: params.r, p: params.p, maxmem: params.maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export type PinCheck =
  | { ok: true; role: StaffRole }
  | { ok: false; locked: true; retryAfterSeconds: number }
  | { ok: false; locked: false; attemptsLeft: number };

export function validatePinFormat(pin: string): string | null {
  return /^\d{4,8}$/.test(pin) ? null : 'A PIN is 4 to 8 digits.';
}

export class PinService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  status(): Record<StaffRole, boolean> {
    const roles = (this.db.prepare('SELECT role FROM staff_pins').all() as { role: StaffRole }[]).map((r) => r.role);
    return { receptionist: roles.includes('receptionist'), site_admin: roles.includes('site_admin') };
  }

  async setPin(role: StaffRole, pin: string): Promise<void> {
    const problem = validatePinFormat(pin);
    if (problem) throw new RangeError(problem);
    const other: StaffRole = role === 'site_admin' ? 'receptionist' : 'site_admin';
    if ((await this.matches(other, pin)) === true) throw new RangeError('The receptionist and site admin PINs must differ.');
    const salt = randomBytes(16);
    const key = await hash(pin, salt);
    this.db
      .prepare(
        `INSERT INTO staff_pins (role, salt, hash, params, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(role) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, params = excluded.params, updated_at = excluded.updated_at`,
      )
      .run(role, salt.toString('base64'), key.toString('base64'), JSON.stringify(PARAMS), this.clock.now().toISOString());
  }

  private async matches(role: StaffRole, pin: string): Promise<boolean | null> {
    const row = this.db.prepare('SELECT salt, hash, params FROM staff_pins WHERE role = ?').get(role) as
      | { salt: string; hash: string; params: string }
      | undefined;
    if (!row) return null;
    const expected = Buffer.from(row.hash, 'base64');
    const key = await hash(pin, Buffer.from(row.salt, 'base64'), JSON.parse(row.params) as typeof PARAMS);
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  lockState(): { lockedUntil: Date | null; failures: number } {
    const row = this.db.prepare('SELECT failures, locked_until FROM staff_lockout WHERE id = 1').get() as {
      failures: number;
      locked_until: string | null;
    };
    const until = row.locked_until ? new Date(row.locked_until) : null;
    return { lockedUntil: until && until > this.clock.now() ? until : null, failures: row.failures };
  }

  private checking: Promise<unknown> = Promise.resolve();

  /** One check at a time: guesses fired together must each count against the lockout. */
  check(pin: string): Promise<PinCheck> {
    const next = this.checking.then(() => this.checkNow(pin));
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
        this.db.prepare('UPDATE staff_lockout SET failures = 0, lockouts = 0, locked_until = NULL WHERE id = 1').run();
        return { ok: true, role };
      }
    }
    return this.db.transaction((): PinCheck => {
      const row = this.db.prepare('SELECT failures, lockouts FROM staff_lockout WHERE id = 1').get() as { failures: number; lockouts: number };
      const failures = row.failures + 1;
      if (failures >= MAX_TRIES) {
        const lockMs = Math.min(CAP_LOCK_MS, BASE_LOCK_MS * 2 ** row.lockouts);
        const until = new Date(now.getTime() + lockMs).toISOString();
        this.db.prepare('UPDATE staff_lockout SET failures = 0, lockouts = lockouts + 1, locked_until = ? WHERE id = 1').run(until);
        return { ok: false, locked: true, retryAfterSeconds: Math.ceil(lockMs / 1000) };
      }
      this.db.prepare('UPDATE staff_lockout SET failures = ? WHERE id = 1').run(failures);
      return { ok: false, locked: false, attemptsLeft: MAX_TRIES - failures };
    })();
  }
}
