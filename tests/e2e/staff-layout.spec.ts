// The front desk (issue 15): the staff screens fit 1280×800 landscape and 800×1280 portrait with
// no hidden Save, Today shows whole reasons, the writeback state and lates this week, signing a
// student in by hand takes at most five taps besides the letters, and every keypad says what is
// wrong with what was typed.
import type { Page } from '@playwright/test';
import { AVA_SMITH, MAJA_PATEL, expect, test } from './fixtures';
import type { PageGlobals } from './page-globals';
import { ADMIN_PIN, RECEPTION_PIN, setPins, signInStaff } from './staff-helpers';

const SIZES = { landscape: { width: 1280, height: 800 }, portrait: { width: 800, height: 1280 } } as const;

/** The element's box lies wholly inside the window, with no scrolling. */
async function expectOnScreen(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  const vp = page.viewportSize()!;
  expect(box, selector).not.toBeNull();
  expect(box!.y, `${selector} top`).toBeGreaterThanOrEqual(0);
  expect(box!.x, `${selector} left`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${selector} bottom`).toBeLessThanOrEqual(vp.height + 1);
  expect(box!.x + box!.width, `${selector} right`).toBeLessThanOrEqual(vp.width + 1);
}

async function countTaps(page: Page): Promise<() => Promise<{ taps: number; letters: number }>> {
  await page.evaluate(() => {
    const w = globalThis as unknown as { __taps: number; __letters: number; document: { addEventListener(t: string, f: (e: { target: { closest(s: string): { getAttribute(n: string): string | null } | null } }) => void, o: unknown): void } };
    w.__taps = 0;
    w.__letters = 0;
    w.document.addEventListener(
      'click',
      (e) => {
        const b = e.target.closest('button');
        if (!b) return;
        const key = b.getAttribute('data-key');
        if (key && key.length === 1) w.__letters++;
        else w.__taps++;
      },
      { capture: true },
    );
  });
  return () => page.evaluate(() => {
    const w = globalThis as unknown as { __taps: number; __letters: number };
    return { taps: w.__taps, letters: w.__letters };
  });
}

for (const [orientation, size] of Object.entries(SIZES)) {
  test(`Today at ${size.width}×${size.height}: whole reasons, writeback state, lates this week, Save in sight`, async ({ page, kiosk }) => {
    await page.setViewportSize(size);
    await setPins(kiosk.core);
    // Ava was late on Monday and is late again today; Maja's long reason must not be cut.
    kiosk.clock.set('2026-11-23T09:12:00Z');
    await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'overslept' });
    kiosk.clock.set('2026-11-24T09:07:00Z');
    await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
    await kiosk.core.record({ studentId: MAJA_PATEL.id, direction: 'sign_in', reasonId: 'transport' });
    await kiosk.open();
    await signInStaff(page, RECEPTION_PIN);

    const maja = page.locator('.event-row', { hasText: MAJA_PATEL.name });
    await expect(maja).toContainText('Bus or train late');
    // Not cut with an ellipsis: the reason's box holds all of its text.
    const cut = await maja.locator('.event-sub').evaluate((el) => {
      const e = el as unknown as { scrollWidth: number; clientWidth: number };
      return e.scrollWidth > e.clientWidth + 1;
    });
    expect(cut).toBe(false);
    await expect(maja.locator('.chip').first()).toBeVisible(); // where the mark stands in the MIS
    await expect(page.locator('.event-row', { hasText: AVA_SMITH.name }).getByTestId('lates-week')).toHaveText('2 lates this week');

    await page.locator('.event-row', { hasText: AVA_SMITH.name }).click();
    await page.getByRole('button', { name: 'Change reason or code' }).click();
    await expect(page.getByTestId('change-panel')).toBeVisible();
    await expectOnScreen(page, '[data-testid="change-panel"] .btn-primary');
    await page.screenshot({ path: test.info().outputPath(`today-change-${orientation}.png`) });
    await page.getByTestId('change-panel').getByRole('button', { name: /Medical appointment/ }).click();
    await page.getByRole('button', { name: 'Save change' }).click();
    await expect(page.getByTestId('event-code')).toHaveText('M');
  });

  test(`signing a student in by hand at ${size.width}×${size.height}: a search with big rows, at most 5 taps`, async ({ page, kiosk }) => {
    await page.setViewportSize(size);
    await setPins(kiosk.core);
    await kiosk.open();
    await signInStaff(page, RECEPTION_PIN);
    const taps = await countTaps(page);
    await page.getByRole('button', { name: 'Sign a student in or out' }).click();
    for (const k of 'maj') await page.locator(`.staff-keyboard [data-key="${k}"]`).click();
    // Two Maja Patels: year and form tell them apart.
    const hit = page.locator('.find-hit', { hasText: new RegExp(`${MAJA_PATEL.name}\\s*Year 8 · 8C`) });
    await expect(hit).toBeVisible();
    await expectOnScreen(page, '.find-hit');
    await expectOnScreen(page, '.sheet-find .staff-keyboard');
    const box = await hit.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(80);
    await page.screenshot({ path: test.info().outputPath(`manual-find-${orientation}.png`) });
    await hit.click();
    const manual = page.getByTestId('manual-panel');
    await manual.getByRole('button', { name: 'Late sign-in' }).click();
    await manual.getByRole('button', { name: /Traffic/ }).click();
    await expect(page.getByTestId('manual-done')).toContainText(`${MAJA_PATEL.name} is signed in.`);
    const counted = await taps();
    expect(counted.taps).toBeLessThanOrEqual(5);
    expect(counted).toEqual({ taps: 4, letters: 3 });
    expect(kiosk.storedEvents()).toEqual([expect.objectContaining({ student_id: MAJA_PATEL.id, actor: 'receptionist', reason_id: 'traffic' })]);
  });

  test(`settings at ${size.width}×${size.height}: the menu fits, and the time keypad says what is wrong`, async ({ page, kiosk }) => {
    await page.setViewportSize(size);
    await setPins(kiosk.core);
    await kiosk.open();
    await signInStaff(page, ADMIN_PIN);
    await page.locator('.staff-tab').nth(2).click();
    const tabs = page.locator('.settings-tab');
    await expect(tabs.first()).toBeVisible();
    const n = await tabs.count();
    expect(n).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < n; i++) await expectOnScreen(page, `.settings-tab >> nth=${i}`);
    await expectOnScreen(page, '.settings-foot .btn-primary');
    await page.screenshot({ path: test.info().outputPath(`settings-${orientation}.png`) });

    await page.locator('[data-section="writeback"]').first().click();
    await page.locator('[data-path="rules.sessions.AM.lateAfter"] .form-time').click();
    const sheet = page.locator('.sheet');
    const done = sheet.getByRole('button', { name: 'Done' });
    for (const d of '07') await sheet.locator(`.keypad [data-key="${d}"]`).click();
    await expect(sheet.getByRole('alert')).toHaveText('Type 2 more digits: four in all, such as 0905 for 09:05.');
    for (const d of '99') await sheet.locator(`.keypad [data-key="${d}"]`).click();
    await expect(sheet.getByRole('alert')).toHaveText('07:99 is not a time: the minutes go from 00 to 59.');
    await expect(done).toBeDisabled();
    await sheet.getByRole('button', { name: 'Clear all digits' }).click();
    for (const d of '2500') await sheet.locator(`.keypad [data-key="${d}"]`).click();
    await expect(sheet.getByRole('alert')).toHaveText('25:00 is not a time: the hours go from 00 to 23.');
    await sheet.getByRole('button', { name: 'Clear all digits' }).click();
    for (const d of '0905') await sheet.locator(`.keypad [data-key="${d}"]`).click();
    await expect(sheet.getByRole('alert')).toHaveCount(0);
    await done.click();
    await expect(page.locator('[data-path="rules.sessions.AM.lateAfter"] .form-time')).toHaveText('09:05');

    // Nothing on the page runs off to the side.
    const wide = await page.evaluate(() => {
      const { document, innerWidth } = globalThis as unknown as PageGlobals & { document: { documentElement: { scrollWidth: number } } };
      return document.documentElement.scrollWidth > innerWidth + 1;
    });
    expect(wide).toBe(false);
  });
}
