// Issue 18's screens into docs/screenshots/lateness/<layout>/<locale>-NN-<screen>.png: the Done
// screen with a threshold's message, Today's flag, the admin's "This week" (charts, then the
// numbers) and the Lateness settings. Fails when a button is smaller than 64 px.
// Run: npm run build:renderer && npx playwright test --config playwright.screenshots.config.ts screenshots-lateness
import path from 'node:path';
import type { Page } from '@playwright/test';
import { AVA_SMITH, expect, test } from './fixtures';
import type { PageGlobals } from './page-globals';
import { RECEPTION_PIN, setPins, signInStaff } from './staff-helpers';
import { openAdmin } from './admin-helpers';
import { lateRules, seedFourWeeks } from './lateness-helpers';

const OUT = path.resolve(import.meta.dirname, '../../docs/screenshots/lateness');

function shooter(page: Page, layout: string, locale: string) {
  let n = 0;
  return async (screen: string, tall = false) => {
    // The admin area scrolls inside itself: a tall window shows every chart in one picture.
    const size = page.viewportSize()!;
    if (tall) await page.setViewportSize({ width: size.width, height: 2600 });
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.fonts.ready);
    const small = await page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      return [...document.querySelectorAll('.kiosk button')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && (r.height < 63.5 || r.width < 63.5))
        .map(({ el }) => `small: ${(el.textContent ?? '').trim().slice(0, 30)}`);
    });
    expect(small, screen).toEqual([]);
    n++;
    await page.screenshot({ path: path.join(OUT, layout, `${locale}-${String(n).padStart(2, '0')}-${screen}.png`), animations: 'disabled', caret: 'hide' });
    if (tall) await page.setViewportSize(size);
  };
}

for (const locale of ['en-GB', 'en-US'] as const) {
  test(`lateness screens, ${locale}`, async ({ page, kiosk }, testInfo) => {
    test.skip(testInfo.project.name !== 'landscape' && locale === 'en-US', 'portrait and wide are layout checks: en-GB is enough');
    test.setTimeout(180_000);
    const shot = shooter(page, testInfo.project.name, locale);
    lateRules(kiosk, locale);
    kiosk.configure({ kiosk: { doneSeconds: 30, idleSeconds: 300, showCodeOnDone: false } });
    await setPins(kiosk.core);
    await seedFourWeeks(kiosk);
    // Ava: twice late on Monday already.
    for (const at of ['2026-11-23T09:12:00Z', '2026-11-23T13:20:00Z']) {
      kiosk.clock.set(at);
      await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
    }
    kiosk.clock.set('2026-11-24T09:07:00Z');
    await kiosk.open();

    await kiosk.scan(AVA_SMITH.badge);
    await page.getByRole('button', { name: locale === 'en-GB' ? /Sign in late/ : /Check in late/ }).click();
    await page.getByRole('button', { name: 'Traffic' }).click();
    await expect(page.getByTestId('done-late-alert')).toBeVisible();
    await shot('done-threshold');
    await page.getByRole('button', { name: 'Finish' }).click();

    await signInStaff(page, RECEPTION_PIN);
    await expect(page.getByTestId('late-alert').first()).toBeVisible();
    await shot('today-flag');
    await page.getByRole('button', { name: 'Lock' }).click();

    await openAdmin(page, 'thisWeek');
    await expect(page.getByTestId('chart-byDay')).toBeVisible();
    await shot('this-week', true);
    await page.locator('[data-chart="byDay"]').getByRole('button', { name: 'Show the numbers' }).click();
    await page.locator('[data-chart="byYear"]').getByRole('button', { name: 'Show the numbers' }).click();
    await expect(page.getByTestId('table-byDay')).toBeVisible();
    await shot('this-week-numbers', true);

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.locator('[data-section="lateness"]').first().click();
    await expect(page.getByTestId('settings-section')).toHaveAttribute('data-section', 'lateness');
    await shot('settings-lateness', true);
  });
}
