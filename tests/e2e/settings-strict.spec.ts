// Issue 13: beside the badge-pattern field, the admin screen warns when the pattern is broad
// enough to accept a login QR code; a safe pattern gets no warning.
import { expect, test } from './fixtures';
import { ADMIN_PIN, setPins, signInStaff } from './staff-helpers';

test('a badge pattern that could accept a login QR code is flagged beside its field', async ({ page, kiosk }) => {
  const s = kiosk.core.getSettings();
  kiosk.core.updateSettings({ settings: { ...s, scanner: { ...s.scanner, badgePattern: '^.+$' } } });
  await setPins(kiosk.core);
  await kiosk.open();
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.locator('[data-section="scanner"]').first().click();

  const field = page.locator('[data-path="scanner.badgePattern"]');
  const warning = field.getByTestId('badge-pattern-warning');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('This pattern could accept a login QR code');
  await expect(warning).toContainText('It accepts spaces.');
  await expect(warning).toContainText('It accepts “@”, as in an email address.');
});

test('the default badge pattern gets no warning', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  await kiosk.open();
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.locator('[data-section="scanner"]').first().click();
  await expect(page.locator('[data-path="scanner.badgePattern"]')).toBeVisible();
  await expect(page.getByTestId('badge-pattern-warning')).toHaveCount(0);
});
