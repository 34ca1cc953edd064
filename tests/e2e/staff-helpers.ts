// Shared steps for the staff e2e tests and the staff screenshots: the press-and-hold way in, the
// keypad, PINs set straight in the core, a core opened with a district policy, and a quick way
// to fill the writeback log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import { bindKiosk, KIOSK_URL } from './kiosk-binding';
import { SCHOOL_MORNING } from './fixtures';

export const ADMIN_PIN = '246810';
export const RECEPTION_PIN = '1357';

/** The demo kiosk's two PINs, set as a site admin would (hashed by the core). */
export async function setPins(core: KioskCore): Promise<void> {
  await core.staff.pins.setPin('site_admin', ADMIN_PIN);
  await core.staff.pins.setPin('receptionist', RECEPTION_PIN);
}

/** Press and hold the school's name on the idle screen until the keypad comes up. */
export async function holdStaffEntry(page: Page): Promise<void> {
  const box = await page.getByTestId('staff-entry').boundingBox();
  if (!box) throw new Error('No staff entry on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(2300);
  await page.mouse.up();
}

export async function typePin(page: Page, pin: string): Promise<void> {
  for (const d of pin) await page.locator(`.keypad [data-key="${d}"]`).click();
}

/** From the idle screen to the staff screens with `pin`. */
export async function signInStaff(page: Page, pin: string): Promise<void> {
  await holdStaffEntry(page);
  await expect(page.locator('.staff-pin')).toBeVisible();
  await typePin(page, pin);
  await page.locator('.pin-go').click();
  await expect(page.getByTestId('staff-role')).toBeVisible();
}

/** A kiosk core like the e2e fixture's, but opened with a district policy file in its data folder. */
export async function openWithPolicy(page: Page, policy: unknown): Promise<{ core: KioskCore; close(): void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-e2e-staff-'));
  fs.writeFileSync(path.join(dataDir, 'district-policy.json'), JSON.stringify(policy));
  const core = KioskCore.open({ dataDir, clock: fixedClock(SCHOOL_MORNING) });
  const unbind = await bindKiosk(page, core);
  await page.goto(KIOSK_URL);
  await expect(page.locator('.kiosk[data-screen="idle"]')).toBeVisible();
  return {
    core,
    close() {
      unbind();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Fills the log with `n` events over past school days (straight into SQLite, as a year of
 * kiosk use would leave them): every 50th failed, every 7th skipped, the rest written back.
 */
export function seedLog(core: KioskCore, n: number, lastDate = '2026-11-23'): void {
  const students = (core.db.prepare('SELECT id FROM students ORDER BY id').all() as { id: string }[]).map((s) => s.id);
  const insertEvent = core.db.prepare(
    `INSERT INTO events (id, student_id, direction, occurred_at, local_date, local_time, session, reason_id, reason_label, code,
       minutes_late, comment, writeback, skip_reason, actor, supersedes, superseded_by, excused, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'AM', 'traffic', 'Traffic', ?, 5, NULL, ?, ?, 'kiosk', NULL, NULL, NULL, ?)`,
  );
  const insertOutbox = core.db.prepare(
    `INSERT INTO outbox (event_id, student_id, idempotency_key, kind, payload, state, attempts, next_attempt_at, last_error, created_at, updated_at)
     VALUES (?, ?, ?, 'session_mark', '{}', ?, ?, ?, ?, ?, ?)`,
  );
  const last = Date.parse(`${lastDate}T09:05:00Z`);
  core.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      // Ten events a school day, going back in time; times spread over the morning.
      const at = new Date(last - Math.floor(i / 10) * 86_400_000 - (i % 10) * 60_000).toISOString();
      const id = randomUUID();
      const student = students[i % students.length]!;
      const skipped = i % 7 === 3;
      insertEvent.run(id, student, i % 5 === 4 ? 'sign_out' : 'sign_in', at, at.slice(0, 10), at.slice(11, 16), skipped ? null : 'L', skipped ? 0 : 1, skipped ? 'present_writeback_off' : null, at);
      if (!skipped) {
        const failed = i % 50 === 1;
        insertOutbox.run(id, student, `seed-${id}`, failed ? 'failed_permanent' : 'done', failed ? 3 : 1, at, failed ? 'Student not found in the MIS.' : null, at, at);
      }
    }
  })();
}
