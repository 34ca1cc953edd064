// Renders every screen of the kiosk into docs/screenshots/<layout>/<locale>-NN-<screen>.png,
// walking the real flows against a real core (see playwright.screenshots.config.ts).
// "wide" (1920x1080) is rendered in en-GB only: it is there to prove the layout fits.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { AVA_SMITH, IVY_HUGHES, MAJA_PATEL, expect, test } from './fixtures';
import type { PageGlobals } from './page-globals';

const OUT = path.resolve(import.meta.dirname, '../../docs/screenshots');

/** A friendly stand-in for a roster photo (the demo roster has none): a plain illustrated face. */
const SAMPLE_PHOTO =
  'data:image/svg+xml;base64,' +
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><rect width="200" height="200" fill="#cfe0f7"/>` +
      `<circle cx="100" cy="84" r="40" fill="#8d5a3b"/><path d="M58 76c0-30 20-44 42-44s42 14 42 44c-8-14-24-20-42-20s-34 6-42 20z" fill="#2b1b12"/>` +
      `<path d="M30 200c6-44 36-64 70-64s64 20 70 64z" fill="#0b3d91"/></svg>`,
  ).toString('base64');

/** Nothing on a kiosk screen may sit outside the window: there is no scrolling at the desk. */
async function assertFits(page: Page, screen: string) {
  const spill = await page.evaluate(() => {
    const { innerWidth: w, innerHeight: h, document } = globalThis as unknown as PageGlobals;
    return [
      ...document.querySelectorAll(
        '.kiosk button, .kiosk h1, .kiosk h2, .kiosk p, .kiosk li, .kiosk [role="textbox"]',
      ),
    ]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.bottom > h + 1 || r.right > w + 1 || r.top < -1 || r.left < -1)
      .map(({ el }) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}"`);
  });
  expect(spill, `${screen}: elements outside the window`).toEqual([]);
  const small = await page.evaluate(
    () =>
      [...(globalThis as unknown as PageGlobals).document.querySelectorAll('.kiosk button')]
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.width > 0 && (r.height < 63.5 || r.width < 63.5)).length,
  );
  expect(small, `${screen}: buttons smaller than 64 px`).toBe(0);
}

for (const locale of ['en-GB', 'en-US'] as const) {
  test(`every screen, ${locale}`, async ({ page, kiosk }, testInfo) => {
    test.skip(
      testInfo.project.name === 'wide' && locale === 'en-US',
      'wide is a layout check, en-GB is enough',
    );
    const layout = testInfo.project.name;
    let n = 0;
    const shot = async (screen: string) => {
      await page.evaluate(() => (globalThis as unknown as PageGlobals).document.fonts.ready);
      await assertFits(page, screen);
      n++;
      const file = path.join(OUT, layout, `${locale}-${String(n).padStart(2, '0')}-${screen}.png`);
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
    };
    const t = (gb: string, us: string) => (locale === 'en-GB' ? gb : us);

    kiosk.configure({ locale, kiosk: { doneSeconds: 30, idleSeconds: 300, showCodeOnDone: true } });
    const ava = kiosk.core.students.get(AVA_SMITH.id)!;
    kiosk.core.importStudents([{ ...ava, photo: SAMPLE_PHOTO }], 'screenshots');
    await kiosk.open();
    await shot('idle');

    await kiosk.pushStatus({
      online: false,
      outbox: { pending: 4, failed: 1, oldestPendingAt: '2026-11-24T08:52:00Z' },
      printer: { state: 'problem', problem: 'Out of paper' },
    });
    await expect(page.locator('[data-chip="printer"]')).toBeVisible();
    await shot('idle-status');
    await kiosk.pushStatus({
      online: true,
      outbox: { pending: 0, failed: 0, oldestPendingAt: null },
      printer: { state: 'ok', problem: null },
    });

    await kiosk.scan(AVA_SMITH.badge);
    await expect(page.getByTestId('student-name')).toBeVisible();
    await page.mouse.move(0, 0);
    await shot('student');

    await page.locator('[data-direction="sign_in"]').click();
    await expect(page.locator('.reason').first()).toBeVisible();
    await shot('reason');

    await kiosk.scan(MAJA_PATEL.badge);
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await shot('switch');
    await page.getByRole('button', { name: t('Stay with Ava S.', 'Stay with Ava S.') }).click();

    await page.locator('[data-reason="traffic"]').click();
    await expect(page.locator('.screen-done')).toBeVisible();
    await shot('done');

    // Later: Ava leaves early. Sign-out is now the likely direction.
    kiosk.clock.set('2026-11-24T13:40:00Z');
    await kiosk.scan(AVA_SMITH.badge);
    await expect(page.locator('[data-direction="sign_out"]')).toHaveAttribute('aria-pressed', 'true');
    await page.mouse.move(0, 0);
    await shot('student-signed-in');
    await page.locator('[data-direction="sign_out"]').click();
    await shot('reason-sign-out');
    await page.locator('[data-reason="unwell"]').click();
    for (const key of ['M', t('U', 'O'), 'M']) await page.locator(`[data-key="${key}"]`).click();
    await shot('note');
    await page.locator('.btn-done').click();
    await expect(page.locator('.screen-done')).toBeVisible();
    await shot('done-sign-out');

    await kiosk.scan('999999');
    await expect(page.locator('.screen-rejected')).toBeVisible();
    await shot('rejected');

    await page.locator('.screen-rejected .btn-secondary').click();
    for (const key of ['A', 'V', 'A']) await page.locator(`[data-key="${key}"]`).click();
    await expect(page.locator('.hit').first()).toBeVisible();
    await shot('search');

    // The morning queue (issue 15), after the earlier screens so their numbers stay put.
    // 08:55, before the late time: "Sign in" (not late), one tap, and "on time".
    kiosk.clock.set('2026-11-24T08:55:00Z');
    await kiosk.scan(IVY_HUGHES.badge);
    await expect(page.getByTestId('student-name')).toBeVisible();
    await page.mouse.move(0, 0);
    await shot('student-on-time');
    await page.locator('[data-direction="sign_in"]').click();
    await expect(page.getByTestId('done-when')).toContainText('on time');
    await shot('done-on-time');
    // 08:56, "did it work?": when, and "That's all" as the big default.
    kiosk.clock.set('2026-11-24T08:56:00Z');
    await kiosk.scan(IVY_HUGHES.badge);
    await expect(page.getByTestId('recent')).toBeVisible();
    await page.mouse.move(0, 0);
    await shot('student-rescan');
    await page.getByTestId('thats-all').click();
    // "Who is collecting you?" before anything is typed: the caret first, the example after it.
    kiosk.clock.set('2026-11-24T13:45:00Z');
    await kiosk.scan(MAJA_PATEL.badge);
    await page.locator('[data-direction="sign_out"]').click();
    await page.locator('[data-reason="unwell"]').click();
    await expect(page.getByTestId('note-field')).toBeVisible();
    await shot('note-empty');
  });
}
