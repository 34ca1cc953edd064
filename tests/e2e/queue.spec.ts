// The morning queue (issue 15): flows that cannot produce a wrong mark. A "did it work?" re-scan,
// an on-time arrival before the late time, what the queue can read of a name, and the taps a
// student needs from the scan to the done screen, counted in the page.
import type { Page } from '@playwright/test';
import { AVA_SMITH, IVY_HUGHES, MAJA_PATEL, expect, test } from './fixtures';

/** Counts every tap (a click that reaches a button) from now on, in the page itself. */
async function countTaps(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __taps: number; __tapsOn?: boolean };
    w.__taps = 0;
    if (w.__tapsOn) return;
    w.__tapsOn = true;
    document.addEventListener(
      'click',
      (e) => {
        if ((e.target as Element | null)?.closest('button')) w.__taps++;
      },
      { capture: true },
    );
  });
  return () => page.evaluate(() => (window as unknown as { __taps: number }).__taps);
}

test('a re-scan a minute after signing in shows when, with "That’s all" as the big default', async ({
  page,
  kiosk,
}) => {
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  await page.getByRole('button', { name: 'Finish' }).click();

  // 09:08: "did it work?"
  kiosk.clock.set('2026-11-24T09:08:00Z');
  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${AVA_SMITH.short}`);
  await expect(page.getByTestId('recent')).toContainText('You signed in at 09:07');
  const thatsAll = page.getByRole('button', { name: 'That’s all' });
  await expect(thatsAll).toBeVisible();
  // Nothing is pre-selected or called likely: leaving takes a deliberate choice.
  await expect(page.getByRole('button', { name: /Sign out early/ })).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByRole('button', { name: /Sign in/ }).first()).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByText('Most likely')).toHaveCount(0);
  // The big default is the primary button, larger than either direction.
  const big = await thatsAll.boundingBox();
  const out = await page.getByRole('button', { name: /Sign out early/ }).boundingBox();
  expect(big!.height * big!.width).toBeGreaterThan(out!.height * out!.width);

  await thatsAll.click();
  await expect(page.getByRole('heading', { name: 'Scan your badge' })).toBeVisible();
  expect(kiosk.storedEvents()).toHaveLength(1);

  // A student who really is leaving can: a deliberate tap, then a reason.
  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Sign out early/ }).click();
  await expect(page.getByRole('heading', { name: 'Why are you leaving early?' })).toBeVisible();
});

test('after the re-scan window the usual flow is back (sign-out first for a student who is in)', async ({
  page,
  kiosk,
}) => {
  await kiosk.core.record({ studentId: MAJA_PATEL.id, direction: 'sign_in', reasonId: 'traffic' });
  kiosk.clock.set('2026-11-24T09:28:00Z'); // 21 minutes later; the default window is 20
  await kiosk.open();
  await kiosk.scan(MAJA_PATEL.badge);
  await expect(page.getByText('You have already signed in today.')).toBeVisible();
  await expect(page.getByTestId('recent')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Sign out early/ })).toHaveAttribute('aria-pressed', 'true');

  // A school can widen the window.
  await page.getByRole('button', { name: /not me/i }).click();
  kiosk.configure({ kioskFlow: { rescanMinutes: 30 } });
  await kiosk.scan(MAJA_PATEL.badge);
  await expect(page.getByTestId('recent')).toContainText('You signed in at 09:07');
});

test('08:55, before the 09:00 late time: "Sign in", no reason asked, and the done screen says on time', async ({
  page,
  kiosk,
}) => {
  kiosk.clock.set('2026-11-24T08:55:00Z');
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  const signIn = page.getByRole('button', { name: /^Sign in I am arriving now/ });
  await expect(signIn).toBeVisible();
  await expect(page.getByText('Sign in late')).toHaveCount(0);
  const taps = await countTaps(page);
  await signIn.click();
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  await expect(page.getByTestId('done-when')).toHaveText('at 08:55 · on time');
  await expect(page.getByText('Why are you late?')).toHaveCount(0);
  expect(await taps()).toBe(1);
  expect(kiosk.storedEvents()).toEqual([
    expect.objectContaining({ student_id: AVA_SMITH.id, direction: 'sign_in', code: '/', minutes_late: null, reason_id: null }),
  ]);
  expect(kiosk.printer.printed).toBe(1);
});

test('"Sign in" shown at 09:00:40 but tapped at 09:01:10: the kiosk asks why, as for any late arrival', async ({
  page,
  kiosk,
}) => {
  kiosk.clock.set('2026-11-24T09:00:40Z');
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  const signIn = page.getByRole('button', { name: /^Sign in I am arriving now/ });
  await expect(signIn).toBeVisible();
  kiosk.clock.set('2026-11-24T09:01:10Z'); // the late time passes while the student reads
  await signIn.click();
  await expect(page.getByRole('heading', { name: 'Why are you late?' })).toBeVisible();
  expect(kiosk.storedEvents()).toHaveLength(0);
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  expect(kiosk.storedEvents()).toEqual([
    expect.objectContaining({ student_id: AVA_SMITH.id, direction: 'sign_in', code: 'L', minutes_late: 1, reason_id: 'traffic' }),
  ]);
});

test('08:55 at a school that wants a reason from on-time arrivals too (en-US words)', async ({ page, kiosk }) => {
  kiosk.clock.set('2026-11-24T08:55:00Z');
  kiosk.configure({ locale: 'en-US', kioskFlow: { onTimeReason: true } });
  await kiosk.open();
  await kiosk.scan(IVY_HUGHES.badge);
  await page.getByRole('button', { name: /^Check in I am arriving now/ }).click();
  await expect(page.getByRole('heading', { name: 'Why are you checking in now?' })).toBeVisible();
  await page.getByRole('button', { name: 'Medical appointment' }).click();
  await expect(page.getByRole('heading', { name: 'You are checked in' })).toBeVisible();
  await expect(page.getByTestId('done-when')).toHaveText('at 8:55 AM · on time');
});

test('the student screens show first name and surname initial; a school can choose the full name', async ({
  page,
  kiosk,
}) => {
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByTestId('student-name')).toHaveText('Hello, Ava S.');
  await expect(page.locator('body')).not.toContainText('Smith');
  await expect(page.getByRole('img', { name: 'Initials of Ava S.' })).toBeVisible();
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await expect(page.locator('body')).not.toContainText('Smith');
  await page.getByRole('button', { name: 'Other' }).click();
  await expect(page.locator('body')).not.toContainText('Smith');
  await page.getByRole('button', { name: 'Done: sign me in' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('Smith');
  await page.getByRole('button', { name: 'Finish' }).click();

  kiosk.configure({ kioskFlow: { nameDisplay: 'full_name' } });
  await kiosk.scan(IVY_HUGHES.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${IVY_HUGHES.name}`);
});

test('"Who is collecting you?" starts visibly empty: caret first, then the example', async ({ page, kiosk }) => {
  kiosk.clock.set('2026-11-24T13:40:00Z');
  await kiosk.open();
  await kiosk.scan(MAJA_PATEL.badge);
  await page.getByRole('button', { name: /Sign out early/ }).click();
  await page.getByRole('button', { name: 'Unwell, going home' }).click();
  const field = page.getByTestId('note-field');
  // The caret is the field's first child while nothing is typed.
  expect(await field.evaluate((el) => el.firstElementChild?.className)).toBe('caret');
  await expect(page.getByRole('button', { name: 'Done: sign me out' })).toBeDisabled();
});

test('tap counts: at most two taps after the scan, and no tap means no mark', async ({ page, kiosk }) => {
  await kiosk.open();
  // 09:07, late: direction, reason.
  await kiosk.scan(AVA_SMITH.badge);
  await expect(page.getByTestId('student-name')).toBeVisible();
  let taps = await countTaps(page);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();
  expect(await taps()).toBe(2);

  // 11:00, not signed in yet: maybe arriving, maybe leaving. The kiosk never guesses: until the
  // student taps a direction, nothing is recorded.
  kiosk.clock.set('2026-11-24T11:00:00Z');
  await kiosk.scan(IVY_HUGHES.badge);
  await expect(page.getByTestId('student-name')).toHaveText(`Hello, ${IVY_HUGHES.short}`);
  await expect(page.getByRole('button', { name: /Sign in late/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Sign out early/ })).toBeVisible();
  expect(kiosk.storedEvents().filter((e) => e.student_id === IVY_HUGHES.id)).toHaveLength(0);
  taps = await countTaps(page);
  await page.getByRole('button', { name: /Sign out early/ }).click();
  await page.getByRole('button', { name: 'Medical appointment' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
  expect(await taps()).toBe(2);
  expect(kiosk.storedEvents().find((e) => e.student_id === IVY_HUGHES.id)).toMatchObject({ direction: 'sign_out', code: 'M' });
});
