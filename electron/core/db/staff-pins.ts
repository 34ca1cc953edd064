// The staff PIN tables: the hashed PINs (staff_pins), the keypad lockout counter (staff_lockout,
// one row) and the hashed recovery code (staff_recovery_code, one row). What the rows mean —
// hashing, lock lengths, keypad sessions — is decided in staff/pins.ts; this file only reads and
// writes them.
import type { Db } from './database';

export type PinRole = 'receptionist' | 'site_admin';

/** A scrypt hash as stored: base64 salt and key, and the scrypt parameters as JSON. */
export interface StoredHash {
  salt: string;
  hash: string;
  params: string;
}

export interface LockoutRow {
  failures: number;
  lockouts: number;
  locked_until: string | null;
  last_failure_at: string | null;
}

export class StaffPinRepository {
  constructor(private readonly db: Db) {}

  /** Run `fn` in one transaction (the lockout's read-then-write must not interleave). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  roles(): PinRole[] {
    return (this.db.prepare('SELECT role FROM staff_pins').all() as { role: PinRole }[]).map((r) => r.role);
  }

  pin(role: PinRole): StoredHash | undefined {
    return this.db.prepare('SELECT salt, hash, params FROM staff_pins WHERE role = ?').get(role) as StoredHash | undefined;
  }

  savePin(role: PinRole, h: StoredHash, nowIso: string): void {
    this.db
      .prepare(
        `INSERT INTO staff_pins (role, salt, hash, params, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(role) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, params = excluded.params, updated_at = excluded.updated_at`,
      )
      .run(role, h.salt, h.hash, h.params, nowIso);
  }

  lockout(): LockoutRow {
    return this.db.prepare('SELECT failures, lockouts, locked_until, last_failure_at FROM staff_lockout WHERE id = 1').get() as LockoutRow;
  }

  /** The lock starts: the count starts again, the lock count grows. */
  lock(lockouts: number, untilIso: string, nowIso: string): void {
    this.db
      .prepare('UPDATE staff_lockout SET failures = 0, lockouts = ?, locked_until = ?, last_failure_at = ? WHERE id = 1')
      .run(lockouts, untilIso, nowIso);
  }

  recordFailure(failures: number, lockouts: number, nowIso: string): void {
    this.db.prepare('UPDATE staff_lockout SET failures = ?, lockouts = ?, last_failure_at = ? WHERE id = 1').run(failures, lockouts, nowIso);
  }

  clearLockout(): void {
    this.db.prepare('UPDATE staff_lockout SET failures = 0, lockouts = 0, locked_until = NULL, last_failure_at = NULL WHERE id = 1').run();
  }

  recoveryCode(): StoredHash | undefined {
    return this.db.prepare('SELECT salt, hash, params FROM staff_recovery_code WHERE id = 1').get() as StoredHash | undefined;
  }

  saveRecoveryCode(h: StoredHash, nowIso: string): void {
    this.db
      .prepare(
        `INSERT INTO staff_recovery_code (id, salt, hash, params, created_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, params = excluded.params, created_at = excluded.created_at`,
      )
      .run(h.salt, h.hash, h.params, nowIso);
  }
}
