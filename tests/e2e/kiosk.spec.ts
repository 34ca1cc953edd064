// The student's kiosk, end to end: the production renderer bundle in real Chromium, window.kiosk
// bound to a real KioskCore (own data directory per test) and what lands in its SQLite file.
import { AVA_SMITH, IVY_HUGHES, MAJA_PATEL, expect, test } from './fixtures';

test('a late sign-in by wedge scan lands in SQLite with the late code and minutes late', async ({
  page,
  kiosk,
}) => {
  await kiosk.open();
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();

  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${AVA_SMITH.short}`);
  await expect(page.getByText('Year 9 · 9C')).toBeVisible();
  const signIn = page.getByRole('button', { name: /Sign in late/ });
  await expect(signIn).toHaveAttribute('aria-pressed', 'true');

  await signIn.click();
  await expect(page.getByRole('heading', { name: 'Why are you late?' })).toBeVisible();
  await page.getByRole('button', { name: 'Traffic' }).click();

  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  await expect(page.getByTestId('done-when')).toHaveText('at 09:07 · 7 minutes late');
  await expect(page.getByText('Take your pass from the printer.')).toBeVisible();

  expect(kiosk.storedEvents()).toHaveLength(1);
  expect(kiosk.storedEvents()[0]).toMatchObject({
    student_id: AVA_SMITH.id,
    direction: 'sign_in',
    code: 'L',
    minutes_late: 7,
    session: 'AM',
    reason_id: 'traffic',
  });
  expect(kiosk.printer.printed).toBe(1);
});

test('an early sign-out: sign-out is pre-selected for a student who is in, and asks who collects them', async ({
  page,
  kiosk,
}) => {
  // Signed in this morning; now it is 13:40.
  await kiosk.core.record({ studentId: MAJA_PATEL.id, direction: 'sign_in', reasonId: 'overslept' });
  kiosk.clock.set('2026-11-24T13:40:00Z');
  kiosk.configure({ kiosk: { doneSeconds: 6, idleSeconds: 45, showCodeOnDone: true } });
  await kiosk.open();

  await kiosk.scan(MAJA_PATEL.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${MAJA_PATEL.short}`);
  await expect(page.getByText('You have already signed in today.')).toBeVisible();
  const signOut = page.getByRole('button', { name: /Sign out early/ });
  await expect(signOut).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: /Sign in late/ })).toHaveAttribute('aria-pressed', 'false');

  await signOut.click();
  await expect(page.getByRole('heading', { name: 'Why are you leaving early?' })).toBeVisible();
  await page.getByRole('button', { name: 'Unwell, going home' }).click();

  await expect(page.getByRole('heading', { name: 'Who is collecting you?' })).toBeVisible();
  const done = page.getByRole('button', { name: 'Done: sign me out' });
  await expect(done).toBeDisabled();
  for (const key of ['M', 'U', 'M']) await page.locator(`[data-key="${key}"]`).click();
  await expect(page.getByTestId('note-field')).toHaveText('Mum');
  await done.click();

  await expect(page.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
  await expect(page.getByTestId('done-code')).toHaveText('Register code I, afternoon session');

  const out = kiosk.storedEvents().find((e) => e.direction === 'sign_out');
  expect(out).toMatchObject({
    student_id: MAJA_PATEL.id,
    code: 'I',
    session: 'PM',
    minutes_late: null,
    reason_id: 'unwell',
  });
  expect(String(out?.comment)).toContain('Mum');
});

test('an unknown badge says "see reception" and never shows what was scanned', async ({ page, kiosk }) => {
  await kiosk.open();
  await kiosk.scan('987654');
  await expect(page.getByRole('heading', { name: 'We could not find that badge' })).toBeVisible();
  await expect(page.getByText('Please see reception.')).toBeVisible();
  await expect(page.locator('body')).not.toContainText('987654');
  expect(kiosk.storedEvents()).toHaveLength(0);

  await page.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();
});

test('slow human typing is never a scan, and the scanner still works straight after', async ({
  page,
  kiosk,
}) => {
  await kiosk.open();
  // Someone at a keyboard typing a badge number, then Enter: a person, not a scanner.
  await page.keyboard.type(AVA_SMITH.badge, { delay: 350 });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();
  await expect(page.getByTestId('student-name')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Forgot your badge?' })).toBeVisible();

  // Had the typing counted, the core would have looked Ava up; the next real scan shows Ivy
  // straight away, with no "another badge" question.
  await kiosk.scan(IVY_HUGHES.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${IVY_HUGHES.short}`);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  expect(kiosk.core.db.prepare('SELECT COUNT(*) AS n FROM scan_rejections').get()).toEqual({ n: 0 });
});

test('forgot badge: find yourself by name on the on-screen keyboard, then sign in', async ({
  page,
  kiosk,
}) => {
  await kiosk.open();
  await page.getByRole('button', { name: 'Forgot your badge?' }).click();
  await expect(page.getByRole('heading', { name: 'Find yourself by name' })).toBeVisible();
  for (const key of ['A', 'V', 'A']) await page.locator(`[data-key="${key}"]`).click();
  await expect(page.getByTestId('search-field')).toHaveText('Ava');

  const hits = page.locator('.hit');
  await expect(hits.first()).toBeVisible();
  expect(await hits.count()).toBeLessThanOrEqual(5);
  // First name, last initial and year only: no surnames on a screen the queue can read.
  await expect(page.locator('.hits')).not.toContainText('Smith');
  await page.getByRole('button', { name: 'Choose Ava S., Year 9' }).click();

  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${AVA_SMITH.short}`);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await page.getByRole('button', { name: 'Overslept' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  expect(kiosk.storedEvents()[0]).toMatchObject({ student_id: AVA_SMITH.id, code: 'L', minutes_late: 7 });
});

test('the idle timeout returns any screen to idle and takes the student off the screen', async ({
  page,
  kiosk,
}) => {
  await page.clock.install();
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await expect(page.getByRole('heading', { name: 'Why are you late?' })).toBeVisible();

  await page.clock.fastForward('00:46'); // idleSeconds is 45 by default
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('Ava');
  expect(kiosk.storedEvents()).toHaveLength(0);

  // Forgot-badge with a half-typed name times out too.
  await page.getByRole('button', { name: 'Forgot your badge?' }).click();
  await page.locator('[data-key="A"]').click();
  await page.clock.fastForward('00:46');
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();
});

test('a scan during another student’s flow: asks during Reason, switches at once during Done', async ({
  page,
  kiosk,
}) => {
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${AVA_SMITH.short}`);

  // The same badge again on the student screen: its Enter must not press the focused button.
  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${AVA_SMITH.short}`);

  await page.getByRole('button', { name: /Sign in late/ }).click();
  await kiosk.scan(MAJA_PATEL.badge);
  const dialog = page.getByRole('alertdialog', { name: 'Another badge was scanned' });
  await expect(dialog).toContainText('Switch to Maja P.?');
  await dialog.getByRole('button', { name: 'Stay with Ava S.' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Why are you late?' })).toBeVisible();

  await kiosk.scan(MAJA_PATEL.badge);
  await dialog.getByRole('button', { name: 'Switch to Maja P.' }).click();
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${MAJA_PATEL.short}`);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await page.getByRole('button', { name: 'Bus or train late' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();

  // The next student in the queue scans while Maja's Done screen is up: straight to them.
  await kiosk.scan(IVY_HUGHES.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${IVY_HUGHES.short}`);
  expect(kiosk.storedEvents().map((e) => e.student_id)).toEqual([MAJA_PATEL.id]);
});

test('an unknown badge mid-flow keeps the student’s choices and says so', async ({ page, kiosk }) => {
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await kiosk.scan('555555');
  await expect(page.getByRole('alert')).toContainText('That badge was not recognised');
  await expect(page.getByRole('heading', { name: 'Why are you late?' })).toBeVisible();
});

test('status chips tell staff about the MIS, waiting writebacks and the printer', async ({ page, kiosk }) => {
  await kiosk.open();
  const chips = page.getByRole('list', { name: 'Kiosk status' });
  await expect(chips).toContainText('All systems normal');
  await kiosk.pushStatus({
    online: false,
    outbox: { pending: 3, failed: 0, oldestPendingAt: '2026-11-24T08:50:00Z' },
    printer: { state: 'problem', problem: 'Out of paper' },
  });
  await expect(chips).toContainText('Offline: the MIS cannot be reached');
  await expect(chips).toContainText('3 register updates waiting');
  await expect(chips).toContainText('Printer: Out of paper');
});

test('a failed pass print tells the student to ask at reception, and the sign-in still counts', async ({
  page,
  kiosk,
}) => {
  kiosk.printer.next = { status: 'failed', problem: 'Out of paper' };
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByText('Your pass did not print. Please ask at reception.')).toBeVisible();
  await expect(page.locator('body')).not.toContainText('Out of paper');
  expect(kiosk.storedEvents()).toHaveLength(1);
});

test('en-US: grades, check-in words and 12-hour times', async ({ page, kiosk }) => {
  kiosk.configure({ locale: 'en-US', kiosk: { doneSeconds: 6, idleSeconds: 45, showCodeOnDone: true } });
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByText('Grade 9 · 9C')).toBeVisible();
  await page.getByRole('button', { name: /Check in late/ }).click();
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByRole('heading', { name: 'You are checked in' })).toBeVisible();
  await expect(page.getByTestId('done-when')).toHaveText('at 9:07 AM · 7 minutes tardy');
  await expect(page.getByTestId('done-code')).toHaveText('Attendance code L, morning');
});

test('a HID POS scanner’s code from main is handled like a wedge scan, on any screen', async ({ page, kiosk }) => {
  await kiosk.open();
  await page.getByRole('button', { name: 'Forgot your badge?' }).click();
  await expect(page.getByRole('heading', { name: 'Find yourself by name' })).toBeVisible();
  kiosk.core.emit('scannerCode', { code: AVA_SMITH.badge });
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${AVA_SMITH.short}`);
});
