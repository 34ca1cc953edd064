// Accessibility budget (issue 15): zero serious or critical axe-core findings on every kiosk and
// staff screen, in en-GB and en-US, landscape (1280×800) and portrait (800×1280). axe's
// experimental label-content-name-mismatch (WCAG 2.5.3: a button's name contains the words it
// shows) is switched on: a voice-control user says what they see.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { AVA_SMITH, IVY_HUGHES, MAJA_PATEL, expect, test } from './fixtures';
import { ADMIN_PIN, RECEPTION_PIN, holdStaffEntry, setPins, signInStaff, typePin } from './staff-helpers';

const SIZES = { landscape: { width: 1280, height: 800 }, portrait: { width: 800, height: 1280 } } as const;

interface Finding {
  screen: string;
  rule: string;
  impact: string | null | undefined;
  targets: string[];
}

function auditor(page: Page) {
  const findings: Finding[] = [];
  const screens: string[] = [];
  return {
    findings,
    screens,
    async check(screen: string) {
      // Let transitions and fonts settle: the audit reads colours and sizes.
      await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
      const result = await new AxeBuilder({ page })
        .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
        .analyze();
      screens.push(screen);
      for (const v of result.violations) {
        if (v.impact === 'serious' || v.impact === 'critical') {
          findings.push({ screen, rule: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) });
        }
      }
    },
  };
}

for (const locale of ['en-GB', 'en-US'] as const) {
  for (const [orientation, size] of Object.entries(SIZES)) {
    test(`kiosk screens: no serious or critical axe findings, ${locale}, ${orientation}`, async ({ page, kiosk }) => {
      test.setTimeout(120_000);
      await page.setViewportSize(size);
      const w = (gb: string, us: string) => (locale === 'en-GB' ? gb : us);
      kiosk.configure({ locale, kiosk: { doneSeconds: 30, idleSeconds: 300, showCodeOnDone: true } });
      await kiosk.open();
      const a = auditor(page);
      await a.check('idle');

      await kiosk.scan(AVA_SMITH.badge);
      await expect(page.getByTestId('student-name')).toBeVisible();
      await a.check('student');
      await page.locator('[data-direction="sign_in"]').click();
      await expect(page.locator('.reason').first()).toBeVisible();
      await a.check('reason');
      await kiosk.scan(MAJA_PATEL.badge);
      await expect(page.getByRole('alertdialog')).toBeVisible();
      await a.check('switch');
      await page.getByRole('alertdialog').locator('.btn-secondary').click();
      await page.locator('[data-reason="other"]').click();
      await expect(page.getByTestId('note-field')).toBeVisible();
      await a.check('note');
      await page.locator('[data-key="B"]').click();
      await page.locator('.btn-done').click();
      await expect(page.locator('.screen-done')).toBeVisible();
      await a.check('done');
      await page.locator('.done-foot .btn-primary').click();

      kiosk.clock.set('2026-11-24T09:08:00Z');
      await kiosk.scan(AVA_SMITH.badge);
      await expect(page.getByTestId('recent')).toBeVisible();
      await a.check('student-rescan');
      await page.getByTestId('thats-all').click();

      kiosk.clock.set('2026-11-24T08:55:00Z');
      await kiosk.scan(IVY_HUGHES.badge);
      await page.locator('[data-direction="sign_in"]').click();
      await expect(page.getByTestId('done-when')).toContainText(w('on time', 'on time'));
      await a.check('done-on-time');
      await page.locator('.done-foot .btn-primary').click();

      await kiosk.scan('987654');
      await expect(page.locator('[data-screen="rejected"]')).toBeVisible();
      await a.check('rejected');
      await page.locator('[data-screen="rejected"] .btn-secondary').click();
      await expect(page.locator('[data-screen="search"]')).toBeVisible();
      for (const k of ['A', 'V']) await page.locator(`[data-key="${k}"]`).click();
      await expect(page.locator('.hit').first()).toBeVisible();
      await a.check('search');

      expect(a.findings, `screens checked: ${a.screens.join(', ')}`).toEqual([]);
    });

    test(`staff screens: no serious or critical axe findings, ${locale}, ${orientation}`, async ({ page, kiosk }) => {
      test.setTimeout(180_000);
      await page.setViewportSize(size);
      kiosk.configure({ locale });
      await kiosk.open();
      const a = auditor(page);

      await holdStaffEntry(page);
      await typePin(page, '48');
      await a.check('pin-setup');
      await page.locator('.staff-topbar .btn, .pin-body .btn-secondary').first().click();

      await setPins(kiosk.core);
      await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'transport' });
      await kiosk.core.record({ studentId: 'demo-6', direction: 'sign_out', reasonId: 'unwell', note: 'Mum' });
      await holdStaffEntry(page);
      await typePin(page, '13');
      await a.check('pin');
      await page.getByRole('button', { name: /Clear/ }).first().click();
      await typePin(page, RECEPTION_PIN);
      await page.locator('.pin-go').click();
      await expect(page.getByTestId('staff-role')).toBeVisible();
      await expect(page.locator('.event-row').first()).toBeVisible();
      await a.check('today');
      await page.locator('.event-row').first().click();
      await expect(page.getByTestId('event-panel')).toBeVisible();
      await a.check('today-event');
      await page.getByTestId('event-panel').locator('.btn-primary').first().click();
      await expect(page.getByTestId('change-panel')).toBeVisible();
      await a.check('today-change');
      await page.locator('.today-tools .btn-primary').click();
      await expect(page.getByTestId('manual-find')).toBeVisible();
      for (const k of 'ma') await page.locator(`.staff-keyboard [data-key="${k}"]`).click();
      await expect(page.locator('.find-hit').first()).toBeVisible();
      await a.check('manual-find');
      await page.locator('.find-hit').first().click();
      await expect(page.getByTestId('manual-panel').locator('.choice').first()).toBeVisible();
      await a.check('manual-direction');
      await page.getByTestId('manual-panel').locator('.panel-head .btn').click();
      await page.locator('.staff-topbar .topbar-action .btn').click();

      await signInStaff(page, ADMIN_PIN);
      await page.locator('.staff-tab').nth(1).click();
      await expect(page.getByTestId('log-row').first()).toBeVisible();
      await a.check('log');
      await page.locator('.staff-tab').nth(2).click();
      for (const id of ['school', 'writeback', 'reasons', 'groups', 'bell', 'kiosk', 'scanner', 'printer', 'mis', 'fleet', 'pins', 'audit']) {
        await page.locator(`[data-section="${id}"]`).first().click();
        await expect(page.getByTestId('settings-section')).toHaveAttribute('data-section', id);
        await a.check(`settings-${id}`);
      }
      await page.locator('[data-section="writeback"]').first().click();
      await page.locator('[data-path="rules.sessions.AM.lateAfter"] .form-time').click();
      await expect(page.locator('.sheet')).toBeVisible();
      await a.check('settings-time-keypad');

      expect(a.findings, `screens checked: ${a.screens.join(', ')}`).toEqual([]);
    });
  }
}
