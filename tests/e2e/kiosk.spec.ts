// The student's kiosk, end to end: real renderer bundle, real Chromium, real KioskCore and SQLite.
import { AVA_SMITH, expect, test } from './fixtures';

test('a late sign-in by wedge scan lands in SQLite with the late code and minutes late', async ({ page, kiosk }) => {
  await kiosk.open();
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();

  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${AVA_SMITH.name}`);
  await expect(page.getByText('Year 9 · 9C')).toBeVisible();
  const signIn = page.getByRole('button', { name: /Sign in late/ });
  await expect(signIn).toHaveAttribute('aria-pressed', 'true');

  await signIn.click();
  await expect(page.getByRole('heading', { name: 'Why are you late?' })).toBeVisible();
  await page.getByRole('button', { name: 'Traffic' }).click();

  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  await expect(page.getByTestId('done-when')).toHaveText('at 09:07 · 7 minutes late');
  await expect(page.getByText('Take your pass from the printer.')).toBeVisible();

  const [row] = kiosk.storedEvents();
  expect(kiosk.storedEvents()).toHaveLength(1);
  expect(row).toMatchObject({ student_id: AVA_SMITH.id, direction: 'sign_in', code: 'L', minutes_late: 7, session: 'AM', reason_id: 'traffic' });
  expect(kiosk.printer.printed).toBe(1);
});
