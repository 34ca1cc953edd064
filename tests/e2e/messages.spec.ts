// Settings → Messages home (issue 17, part 3), in both locales, against a REAL SMTP server on
// 127.0.0.1 (tests/fakes/smtp): the message log shows what was sent, what waits and why, what
// failed and why; "Send a test e-mail" reaches the server and says so. Screenshots into
// docs/screenshots/staff/landscape/<locale>-messages-NN-<screen>.png under `npm run screenshots`
// (test-results/ under `npm test`), opened and looked at.
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { AVA_SMITH, expect, test, screenshotDir } from './fixtures';
import type { PageGlobals } from './page-globals';
import { ADMIN_PIN, setPins, signInStaff } from './staff-helpers';
import { startFakeSmtp } from '../fakes/smtp/server';

const OUT = screenshotDir('staff/landscape');

/** Every visible button big enough for a finger (64 px), as the staff screenshots check. */
async function assertTouchable(page: Page) {
  const small = await page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    return [...document.querySelectorAll('.kiosk button')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.height < 63.5 || r.width < 63.5))
      .map(({ el }) => (el.textContent ?? '').trim().slice(0, 30));
  });
  expect(small).toEqual([]);
}

/** The a11y budget of tests/e2e/a11y.spec.ts: no serious or critical axe-core finding. */
async function assertAccessible(page: Page) {
  const result = await new AxeBuilder({ page }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}

for (const locale of ['en-GB', 'en-US'] as const) {
  test(`messages home: the log and a test e-mail to a real SMTP server, ${locale}`, async ({ page, kiosk }) => {
    const smtp = await startFakeSmtp();
    try {
      const closed = await startFakeSmtp();
      const closedPort = closed.port;
      await closed.close();
      kiosk.configure({
        locale,
        messages: {
          enabled: true,
          email: { enabled: true, server: '127.0.0.1', port: smtp.port, security: 'none', sender: 'office@oakfield.example', senderName: 'Oakfield Academy' },
          webhook: { enabled: true, address: `http://127.0.0.1:${closedPort}/sms` },
        },
      });
      kiosk.core.secrets.set('messages.webhookSecret', 'whsec-e2e-0123456789');
      const contacts = (email: string, name: string) =>
        JSON.stringify([{ name, relationship: locale === 'en-GB' ? 'Mother' : 'Mom', phone: '+447700900123', email, priority: 1, parentalResponsibility: true }]);
      const put = kiosk.core.db.prepare('INSERT INTO student_contacts (student_id, json, updated_at) VALUES (?, ?, ?)');
      put.run(AVA_SMITH.id, contacts('sam.smith@parents.example', 'Sam Smith'), '2026-11-01T00:00:00Z');
      put.run('demo-6', contacts('nobody@parents.example', 'Kim Brown'), '2026-11-01T00:00:00Z');
      await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_out', reasonId: 'unwell', note: 'Mum' });
      await kiosk.core.record({ studentId: 'demo-6', direction: 'sign_out', reasonId: 'medical' });
      // Ava's e-mail goes (the server takes it), demo-6's is refused for good (550); both
      // webhook deliveries wait: nothing listens at their address.
      smtp.faults = { data: { code: 550, message: '5.1.1 No such user here' }, after: 1 };
      await kiosk.core.messages.runRound();
      smtp.faults = {};
      expect(smtp.received.map((m) => m.to[0])).toEqual(['sam.smith@parents.example']);

      await setPins(kiosk.core);
      await kiosk.open();
      await signInStaff(page, ADMIN_PIN);
      await page.locator('.staff-tab').nth(2).click();
      await page.locator('[data-section="messages"]').first().click();
      await expect(page.getByTestId('settings-section')).toHaveAttribute('data-section', 'messages');
      await assertTouchable(page);
      // The e-mail settings at the top of the view: server, port, security, sender.
      await page.locator('[data-path="messages.recipients"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(OUT, `${locale}-messages-01-settings.png`), animations: 'disabled', caret: 'hide' });

      // The words: a template keeps its line breaks (a New line key), and a misspelt placeholder
      // is named under its field before anything is saved.
      const body = page.locator(`[data-path="messages.templates.${locale}.earlyBody"]`);
      await body.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await body.locator('.form-input').click();
      const sheet = page.locator('.sheet');
      await expect(sheet.getByTestId('sheet-value')).toContainText(locale === 'en-GB' ? 'Dear parent or carer,' : 'Dear parent or guardian,');
      const kb = sheet.locator('.staff-keyboard');
      await kb.locator('[data-key="newline"]').click();
      await kb.getByRole('button', { name: 'Symbols' }).click();
      await kb.locator('[data-key="{"]').click();
      await kb.getByRole('button', { name: 'Letters' }).click();
      for (const k of 'mum') await kb.locator(`[data-key="${k}"]`).click();
      await kb.getByRole('button', { name: 'Symbols' }).click();
      await kb.locator('[data-key="}"]').click();
      await assertTouchable(page);
      await page.screenshot({ path: path.join(OUT, `${locale}-messages-02-template.png`), animations: 'disabled', caret: 'hide' });
      await sheet.locator('.btn-primary').click();
      await expect(body).toContainText('{mum} is not a placeholder. Use one of {forename}');
      await page.locator('.settings-foot .btn-primary').click();
      await expect(page.getByTestId('settings-status')).toContainText(locale === 'en-GB' ? '1 setting' : '1 setting');
      await body.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: path.join(OUT, `${locale}-messages-03-template-error.png`), animations: 'disabled', caret: 'hide' });
      await page.locator('.settings-foot .btn-secondary').last().click();
      await expect(page.getByTestId('settings-status')).toContainText(locale === 'en-GB' ? 'All changes are saved.' : 'All changes are saved.');

      const log = page.getByTestId('message-log');
      await page.locator('#messages-log').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await expect(log.locator('[data-state="sent"]')).toHaveCount(1);
      await expect(log.locator('[data-state="failed"]')).toContainText('550 5.1.1 No such user here');
      await expect(log.locator('[data-state="pending"]').first()).toContainText('connection refused');
      await page.screenshot({ path: path.join(OUT, `${locale}-messages-04-log.png`), animations: 'disabled', caret: 'hide' });
      await assertAccessible(page);

      await page.getByTestId('messages-test-email').scrollIntoViewIfNeeded();
      await page.getByTestId('messages-test-email').click();
      await expect(page.getByTestId('messages-test-result')).toContainText('Sent to office@oakfield.example');
      expect(smtp.received.at(-1)).toMatchObject({ to: ['office@oakfield.example'], subject: 'Test message from Oakfield Academy' });
      await page.getByTestId('messages-test-webhook').click();
      await expect(page.getByTestId('messages-test-result')).toContainText('connection refused');
      await assertTouchable(page);
      await assertAccessible(page);
      await page.screenshot({ path: path.join(OUT, `${locale}-messages-05-test.png`), animations: 'disabled', caret: 'hide' });
    } finally {
      await smtp.close();
    }
  });
}
