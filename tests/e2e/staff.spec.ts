// The staff screens, end to end: the production renderer in Chromium, window.kiosk bound to a
// real KioskCore (tests/e2e/kiosk-binding.ts). What a receptionist or site admin would notice:
// PINs and the lockout, an override that changes what is written back, a district lock, a
// settings mistake explained next to its field, and the writeback log's filters and retry.
import fs from 'node:fs';
import path from 'node:path';
import { AVA_SMITH, MAJA_PATEL, expect, test } from './fixtures';
import { ADMIN_PIN, holdStaffEntry, openWithPolicy, RECEPTION_PIN, seedLog, setPins, signInStaff, typePin } from './staff-helpers';

test('a new kiosk asks for a site admin PIN twice, then opens the admin screens', async ({ page, kiosk }) => {
  await kiosk.open();
  // A tap is not enough: staff mode needs the press and hold.
  await page.getByTestId('staff-entry').click();
  await expect(page.locator('.staff-pin')).toHaveCount(0);

  await holdStaffEntry(page);
  await expect(page.getByRole('heading', { name: 'Set up this kiosk: choose a site admin PIN' })).toBeVisible();
  await typePin(page, '4826');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('pin-message')).toHaveText('Type the same PIN again to check it.');
  await typePin(page, '4827');
  await page.getByRole('button', { name: 'Save PIN' }).click();
  await expect(page.getByTestId('pin-message')).toHaveText('The two PINs were different. Start again.');
  await typePin(page, '4826');
  await page.getByRole('button', { name: 'Next' }).click();
  await typePin(page, '4826');
  await page.getByRole('button', { name: 'Save PIN' }).click();
  // The recovery code, shown once (issue 13), before the admin screens.
  await expect(page.getByRole('heading', { name: 'Write down this recovery code' })).toBeVisible();
  await expect(page.getByTestId('recovery-code')).toHaveText(/^\d{4} \d{4} \d{4}$/);
  await page.getByRole('button', { name: 'I have written it down' }).click();
  await expect(page.getByTestId('staff-role')).toHaveText('Site admin');
  await expect(page.getByTestId('recovery-code')).toHaveCount(0);
  expect(kiosk.core.staff.pinStatus()).toMatchObject({ site_admin: true, receptionist: false, recoveryCode: true });
});

test('locked out by wrong PINs: the site admin’s recovery code opens the keypad and a new PIN is chosen', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  const code = await kiosk.core.staff.pins.issueRecoveryCode();
  await kiosk.open();
  await holdStaffEntry(page);
  for (let i = 0; i < 5; i++) {
    await typePin(page, '0000');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByTestId('pin-message')).toContainText(i < 4 ? `${4 - i} tr` : 'Too many wrong PINs');
  }
  // The lock is short (30 s first) and says so; the recovery code is offered beside it.
  await expect(page.getByTestId('pin-message')).toContainText(/Try again in (30|29|28) seconds/);
  await page.getByRole('button', { name: 'Locked out? Use the recovery code' }).click();
  await expect(page.getByRole('heading', { name: 'Enter the recovery code' })).toBeVisible();
  await typePin(page, '123456789012');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('pin-message')).toHaveText(/That recovery code is not right/);
  await typePin(page, code);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Choose a new site admin PIN' })).toBeVisible();
  await typePin(page, '97531');
  await page.getByRole('button', { name: 'Next' }).click();
  await typePin(page, '97531');
  await page.getByRole('button', { name: 'Save PIN' }).click();
  await expect(page.getByTestId('recovery-code')).toHaveText(/^\d{4} \d{4} \d{4}$/);
  await expect(page.getByTestId('recovery-code')).not.toHaveText(code.replace(/(\d{4})(?=\d)/g, '$1 '));
  await page.getByRole('button', { name: 'I have written it down' }).click();
  await expect(page.getByTestId('staff-role')).toHaveText('Site admin');
  const actions = kiosk.core.staff.auditLog(50).map((a) => a.action);
  expect(actions).toEqual(expect.arrayContaining(['pin.lockout', 'pin.recovery_failed', 'pin.recovered', 'pin.set', 'pin.recovery_code_issued']));
});

test('a kiosk that lost its data with no backup says so on the idle screen and refuses the first-run PIN', async ({ page, kiosk }) => {
  // What maintenance/recovery.ts leaves when a set-up kiosk's database vanished and nothing could be restored.
  fs.writeFileSync(
    path.join(kiosk.core.dataDir, 'recovery-notice.json'),
    JSON.stringify([{ at: '2026-11-24T07:00:00.000Z', kind: 'missing', setupLocked: true, reason: 'database was missing', damagedFile: null, restoredFrom: null, backupTakenAt: null, eventsInBackup: 0, eventsSalvaged: 0, partialTables: [], startedEmpty: true, message: 'The kiosk database was missing and no backup could be restored.' }]),
  );
  await kiosk.open();
  await expect(page.locator('[data-chip="recovery"]')).toHaveText('Kiosk data lost: staff set-up locked. IT: run kiosk doctor');
  await holdStaffEntry(page);
  await expect(page.getByTestId('pin-message')).toContainText('a new staff PIN cannot be set here');
  await expect(page.locator('.keypad')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Staff set-up is locked' })).toBeVisible();
});

test('wrong PINs count down the tries, then lock the keypad; the receptionist sees only Today', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  await kiosk.open();
  await holdStaffEntry(page);
  await expect(page.getByRole('heading', { name: 'Enter your staff PIN' })).toBeVisible();
  for (let left = 4; left >= 1; left--) {
    await typePin(page, '0000');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByTestId('pin-message')).toHaveText(`That PIN is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`);
  }
  await typePin(page, '0000');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('pin-message')).toContainText('Too many wrong PINs. Try again in');
  await expect(page.locator('.keypad [data-key="1"]')).toBeDisabled();

  // Going back and in again does not get round the lock: main keeps it.
  await page.getByRole('button', { name: 'Back to the kiosk' }).click();
  await holdStaffEntry(page);
  await expect(page.locator('.keypad [data-key="1"]')).toBeDisabled();
  await page.getByRole('button', { name: 'Back to the kiosk' }).click();

  kiosk.clock.set('2026-11-24T09:07:31Z');
  await signInStaff(page, RECEPTION_PIN);
  await expect(page.getByTestId('staff-role')).toHaveText('Receptionist');
  await expect(page.getByRole('button', { name: 'Today', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Writeback log' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Settings' })).toHaveCount(0);

  // Lock: back to the student's kiosk, and the next person starts at the keypad.
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();
  const actions = kiosk.core.staff.auditLog(50).map((a) => a.action);
  expect(actions.filter((a) => a === 'pin.failed')).toHaveLength(5);
});

test('a receptionist changes a late arrival to a medical appointment: the new code is written back instead', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  const rec = await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
  expect(rec.event.code).toBe('L');
  await kiosk.open();
  await signInStaff(page, RECEPTION_PIN);

  await page.locator('.event-row', { hasText: AVA_SMITH.name }).click();
  await expect(page.getByTestId('event-code')).toHaveText('L');
  await page.getByRole('button', { name: 'Change reason or code' }).click();
  await page.getByTestId('change-panel').getByRole('button', { name: /Medical appointment/ }).click();
  await page.getByRole('button', { name: 'Save change' }).click();
  await expect(page.getByTestId('event-panel')).toContainText('Code M will be written to the MIS.');
  await expect(page.getByTestId('event-code')).toHaveText('M');

  const outbox = kiosk.core.db.prepare('SELECT event_id, state, payload FROM outbox ORDER BY id').all() as { event_id: string; state: string; payload: string }[];
  expect(outbox.map((o) => o.state)).toEqual(['superseded', 'pending']);
  expect(JSON.parse(outbox[1]!.payload)).toMatchObject({ code: 'M', supersedesEventId: rec.event.id });
  // The old entry stays on the list, struck through, and cannot be changed again.
  await page.locator('.event-row-replaced').click();
  await expect(page.getByRole('button', { name: 'Show the newer entry' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Change reason or code' })).toHaveCount(0);
});

test('a receptionist signs a student out by hand, reprints the pass and finalises a late arrival', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'overslept' });
  await kiosk.open();
  await signInStaff(page, RECEPTION_PIN);

  await page.getByRole('button', { name: 'Sign a student in or out' }).click();
  // The search opens with its keyboard; results come as the letters go in (no Search button).
  for (const k of 'maja') await page.locator(`.staff-keyboard [data-key="${k}"]`).click();
  // Two Maja Patels in the school: reception sees full names with year and form to tell them apart.
  await page.getByRole('button', { name: `${MAJA_PATEL.name} Year 8 · 8C` }).click();
  const manual = page.getByTestId('manual-panel');
  await manual.getByRole('button', { name: 'Early sign-out' }).click();
  await manual.getByRole('button', { name: /Unwell, going home/ }).click();
  // This reason asks who is collecting: Done stays off until something is typed.
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
  for (const k of 'Dad') await page.locator(`.staff-keyboard [data-key="${k === 'D' ? 'd' : k}"]`).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('manual-done')).toContainText(`${MAJA_PATEL.name} is signed out.`);
  const stored = kiosk.storedEvents().find((e) => e.student_id === MAJA_PATEL.id)!;
  expect(stored).toMatchObject({ direction: 'sign_out', actor: 'receptionist', comment: expect.stringContaining('dad') });

  await page.getByRole('button', { name: 'Close' }).click();
  await page.locator('.event-row', { hasText: AVA_SMITH.name }).click();
  const printedBefore = kiosk.printer.printed;
  await page.getByRole('button', { name: 'Reprint pass' }).click();
  await expect(page.getByText('The pass has been reprinted.')).toBeVisible();
  expect(kiosk.printer.printed).toBe(printedBefore + 1);
  await page.getByRole('button', { name: 'Mark excused' }).click();
  await expect(page.getByText('Marked as excused.')).toBeVisible();
  expect(kiosk.core.events.get(kiosk.storedEvents()[0]!.id as string)!.excused).toBe(true);
});

test('a field the district locked shows the lock and its reason, and cannot be changed', async ({ page }) => {
  const k = await openWithPolicy(page, {
    district: 'Northshire Schools',
    locked: [{ path: 'rules.presentWriteback', value: false, reason: 'Present marks come from the register.' }],
  });
  try {
    await setPins(k.core);
    await signInStaff(page, ADMIN_PIN);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('[data-section="writeback"]').first().click();
    const field = page.locator('[data-path="rules.presentWriteback"]');
    await expect(field.getByTestId('lock-note')).toHaveText('Locked by Northshire Schools: Present marks come from the register.');
    await expect(field.getByRole('switch')).toBeDisabled();
    await expect(field.getByRole('switch')).toHaveAttribute('aria-checked', 'false');
    // Fields the district left alone still change.
    await expect(page.locator('[data-path="rules.lateCode"] button').first()).toBeEnabled();
  } finally {
    k.close();
  }
});

test('a settings mistake is explained next to its field, and a fixed one applies without a restart', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  await kiosk.open();
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.locator('[data-section="writeback"]').first().click();

  // AM: starts 08:30, late after 09:00. Seven steps of five minutes put "late" before the start.
  const late = page.locator('[data-path="rules.sessions.AM.lateAfter"]');
  for (let i = 0; i < 7; i++) await late.getByRole('button', { name: /5 minutes earlier/ }).click();
  await expect(late.getByRole('button', { name: /Change Late after/ })).toHaveText('08:25');
  await expect(late.locator('.field-problem')).toHaveText('The late time must be at or after the session start.');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('1 setting needs fixing before saving.');
  expect(kiosk.core.getSettings().rules.sessions.AM.lateAfter).toBe('09:00');

  // Typed exactly on the keypad instead: 09:05.
  await late.getByRole('button', { name: /Change Late after/ }).click();
  for (const d of '0905') await page.locator(`.sheet .keypad [data-key="${d}"]`).click();
  await page.locator('.sheet').getByRole('button', { name: 'Done' }).click();
  await expect(late.locator('.field-problem')).toHaveCount(0);

  // The school's name too: the idle screen shows it as soon as staff mode closes.
  await page.locator('[data-section="school"]').click();
  await page.locator('[data-path="schoolName"] .form-input').click();
  for (let i = 0; i < 7; i++) await page.getByRole('button', { name: 'Delete the last letter' }).click();
  for (const k of 'Hall') await page.locator(`.staff-keyboard [data-key="${k === 'H' ? 'h' : k}"]`).click();
  await page.locator('.sheet').getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved. The changes are in force now.');
  expect(kiosk.core.getSettings().rules.sessions.AM.lateAfter).toBe('09:05');
  expect(kiosk.core.getSettings().schoolName).toBe('Oakfield hall');
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.locator('.idle-school')).toHaveText('Oakfield hall');
});

test('the writeback log filters by status, name, type and date, retries failed rows and exports', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  seedLog(kiosk.core, 60);
  await kiosk.open();
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Writeback log' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('60 entries');

  await page.getByRole('button', { name: 'Failed', exact: true }).click();
  await expect(page.getByTestId('log-count')).toHaveText('2 entries');
  const failed = page.getByTestId('log-row');
  await expect(failed).toHaveCount(2);
  await expect(failed.first()).toContainText('Student not found in the MIS.');

  await failed.first().getByRole('button', { name: /Retry the writeback/ }).click();
  await expect(page.getByTestId('log-notice')).toHaveText('1 failed writeback will be tried again.');
  await expect(page.getByTestId('log-count')).toHaveText('1 entry');
  await page.getByRole('button', { name: 'Retry all failed' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('0 entries');
  expect(kiosk.core.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed_permanent'`).get()).toEqual({ n: 0 });

  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.getByRole('button', { name: 'Skipped' }).click();
  await expect(page.getByTestId('log-row').first()).toContainText('On time; present marks are not written back.');
  await page.getByRole('button', { name: 'All', exact: true }).click();

  await page.getByRole('button', { name: 'Early sign-out' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('12 entries');
  await page.getByRole('button', { name: 'Any type' }).click();

  await page.getByTestId('log-name').click();
  for (const k of 'smith') await page.locator(`.staff-keyboard [data-key="${k}"]`).click();
  await page.locator('.sheet').getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('log-row').first()).toContainText('Smith');
  for (const row of await page.getByTestId('log-row').all()) await expect(row.locator('.log-name-cell')).toContainText('Smith');

  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('button', { name: 'Choose dates' }).click();
  // From and to both start at today (24 Nov); the seeded days end on the 23rd.
  await expect(page.getByTestId('log-count')).toHaveText('0 entries');
  await page.getByRole('button', { name: 'From: a day earlier' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('10 entries');

  await page.getByRole('button', { name: 'Export to CSV' }).click();
  await expect(page.getByTestId('log-notice')).toContainText('10 entries exported to');
});

test('the writeback log scrolls through 100,000 rows, fetching only the pages on screen', async ({ page, kiosk }) => {
  test.setTimeout(60_000);
  await setPins(kiosk.core);
  seedLog(kiosk.core, 100_000);
  await kiosk.open();
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Writeback log' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('100,000 entries');
  const rendered = await page.getByTestId('log-row').count();
  expect(rendered).toBeLessThan(60);

  await page.getByTestId('log-scroll').evaluate((el: { scrollTop: number; scrollHeight: number }) => {
    el.scrollTop = el.scrollHeight;
  });
  // The oldest day of the seed: 10,000 school days back.
  const oldest = new Date(Date.parse('2026-11-23T09:05:00Z') - 9_999 * 86_400_000).toISOString().slice(0, 10);
  await expect(page.getByTestId('log-row').last()).toContainText(oldest);
  expect(await page.getByTestId('log-row').count()).toBeLessThan(60);
});

test('the writeback log tells sent from confirmed in the register, a teacher’s change, and not sent', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  seedLog(kiosk.core, 20);
  const db = kiosk.core.db;
  const sent = () => (db.prepare(`SELECT id FROM outbox WHERE state = 'done' AND outcome IS NULL ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
  // As the engine leaves them (issue 12): five read back and confirmed, one changed by a teacher, one the MIS does not take.
  for (const id of sent().slice(0, 5)) db.prepare(`UPDATE outbox SET outcome = 'confirmed', confirmed_at = updated_at WHERE id = ?`).run(id);
  db.prepare(
    `UPDATE outbox SET outcome = 'changed_in_mis', register_mark = 'M', last_error_kind = 'changed_in_mis',
       last_error = 'Changed in the MIS: the register now holds M, not the kiosk''s L. It was left as it is.' WHERE id = ?`,
  ).run(sent()[0]);
  db.prepare(
    `UPDATE outbox SET state = 'skipped_protected', outcome = 'not_sent', last_error_kind = 'capability_missing',
       last_error = 'Not sent: the school''s MIS takes no early-leaver codes through wonde, so this early sign-out is kept on the kiosk only.' WHERE id = ?`,
  ).run(sent()[0]);
  const stillSent = sent().length;

  await kiosk.open();
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Writeback log' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('20 entries');

  await page.getByRole('button', { name: 'Confirmed', exact: true }).click();
  await expect(page.getByTestId('log-count')).toHaveText('5 entries');
  await expect(page.getByTestId('log-row').first().locator('.chip')).toHaveText('Confirmed');

  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByTestId('log-count')).toHaveText(`${stillSent} entries`);
  await expect(page.getByTestId('log-row').first().locator('.chip')).toHaveText('Sent');

  await page.getByRole('button', { name: 'Changed in MIS', exact: true }).click();
  await expect(page.getByTestId('log-count')).toHaveText('1 entry');
  await expect(page.getByTestId('log-row')).toContainText('the register now holds M');

  await page.getByRole('button', { name: 'Not sent', exact: true }).click();
  await expect(page.getByTestId('log-count')).toHaveText('1 entry');
  const notSent = page.getByTestId('log-row');
  await expect(notSent).toHaveAttribute('data-status', 'not_sent');
  await expect(notSent).toContainText('takes no early-leaver codes');
  // Not a failure: no retry button, and "Retry all failed" leaves it alone.
  await expect(notSent.getByRole('button', { name: /Retry the writeback/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Retry all failed' }).click();
  await expect(page.getByTestId('log-notice')).toBeVisible();
  await page.getByRole('button', { name: 'Not sent', exact: true }).click();
  await expect(page.getByTestId('log-count')).toHaveText('1 entry');
});

test('the idle screen says marks are sent but not yet in the register only when they wait beyond the window', async ({ page, kiosk }) => {
  await kiosk.open();
  const chips = page.getByRole('list', { name: 'Kiosk status' });
  await expect(chips).toContainText('All systems normal');
  await kiosk.pushStatus({ outbox: { pending: 0, failed: 0, oldestPendingAt: null, sentWaiting: 12 } });
  await expect(chips).toContainText('12 sent, waiting for the register');
  await kiosk.pushStatus({ outbox: { pending: 0, failed: 0, oldestPendingAt: null, sentWaiting: 0 } });
  await expect(chips).toContainText('All systems normal');
  await expect(chips).not.toContainText('waiting for the register');
});

test('Today shows a mark as Sent, then as in the register once it is read back', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  const rec = await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
  kiosk.core.db.prepare(`UPDATE outbox SET state = 'done', sent_at = updated_at WHERE event_id = ?`).run(rec.event.id);
  await kiosk.open();
  await signInStaff(page, RECEPTION_PIN);
  const row = page.locator('.event-row', { hasText: AVA_SMITH.name });
  await expect(row.getByTestId('writeback-state')).toHaveText('Sent');
  // The engine's read-back found the mark on the register (issue 12).
  kiosk.core.db.prepare(`UPDATE outbox SET outcome = 'confirmed', confirmed_at = sent_at WHERE event_id = ?`).run(rec.event.id);
  // The engine announces a status after each read-back pass; Today reloads on it.
  await kiosk.pushStatus({});
  await expect(row.getByTestId('writeback-state')).toHaveText('In the register');
  await row.click();
  await expect(page.getByTestId('event-panel')).toContainText('In the register');
});
