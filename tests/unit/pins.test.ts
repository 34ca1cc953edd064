// The PIN lockout's schedule and the recovery code, on PinService alone (in-memory database).
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../electron/core/db/database';
import { fixedClock } from '../../electron/core/clock';
import { CAP_LOCK_MS, formatRecoveryCode, KEYPAD_SESSION_IDLE_MS, PinService, RECOVERY_CODE_DIGITS } from '../../electron/core/staff/pins';

let db: Db | null = null;
afterEach(() => db?.close());

function service(at = '2026-11-24T09:00:00Z') {
  db = openDatabase(':memory:');
  const clock = fixedClock(at);
  return { pins: new PinService(db, clock), clock };
}

async function round(pins: PinService) {
  let last;
  for (let i = 0; i < 5; i++) last = await pins.check('0000');
  return last!;
}

describe('PIN lockout', () => {
  it('doubles from 30 s and never passes 5 minutes within one keypad session', async () => {
    const { pins, clock } = service();
    await pins.setPin('site_admin', '246810');
    const locks: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await round(pins);
      expect(r).toMatchObject({ ok: false, locked: true, newLock: true });
      locks.push((r as { retryAfterSeconds: number }).retryAfterSeconds);
      clock.set(new Date(clock.now().getTime() + locks[i]! * 1000 + 1000).toISOString()); // just after the lock ends
    }
    expect(locks).toEqual([30, 60, 120, 240, 300, 300]);
    expect(CAP_LOCK_MS).toBe(300_000);
  });

  it('a keypad left alone for the idle time after a lock starts a new session; the right PIN ends one', async () => {
    const { pins, clock } = service();
    await pins.setPin('site_admin', '246810');
    await round(pins);
    clock.set(new Date(clock.now().getTime() + 30_000 + KEYPAD_SESSION_IDLE_MS).toISOString());
    expect(await pins.check('0000')).toEqual({ ok: false, locked: false, attemptsLeft: 4 });
    expect(await pins.check('246810')).toEqual({ ok: true, role: 'site_admin' });
    expect(pins.lockState()).toEqual({ lockedUntil: null, failures: 0 });
    expect((await round(pins)) as { retryAfterSeconds: number }).toMatchObject({ retryAfterSeconds: 30 });
  });
});

describe('recovery code', () => {
  it('is 12 random digits, kept only as a scrypt hash, works during a lock until the next code replaces it', async () => {
    const { pins } = service();
    await pins.setPin('site_admin', '246810');
    expect(pins.hasRecoveryCode()).toBe(false);
    const code = await pins.issueRecoveryCode();
    expect(code).toMatch(new RegExp(`^\\d{${RECOVERY_CODE_DIGITS}}$`));
    expect(formatRecoveryCode('123456789012')).toBe('1234 5678 9012');
    const row = db!.prepare('SELECT * FROM staff_recovery_code').get() as Record<string, string>;
    expect(JSON.stringify(row)).not.toContain(code);
    expect(JSON.parse(row.params!)).toMatchObject({ N: 16384, r: 8, p: 1 });
    await round(pins);
    expect(pins.lockState().lockedUntil).not.toBeNull();
    expect(await pins.useRecoveryCode('000000000000')).toBe(false);
    expect(await pins.useRecoveryCode(formatRecoveryCode(code))).toBe(true);
    expect(pins.lockState().lockedUntil).toBeNull();
    // Still valid until the next code replaces it (StaffDesk.setPin issues one with the new PIN).
    expect(await pins.useRecoveryCode(code)).toBe(true);
    const next = await pins.issueRecoveryCode();
    expect(await pins.useRecoveryCode(code)).toBe(false);
    expect(await pins.useRecoveryCode(next)).toBe(true);
  });
});
