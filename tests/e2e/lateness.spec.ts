// Issue 18 end to end (production renderer in Chromium, window.kiosk bound to a real KioskCore):
// the threshold message on the pass and the Done screen and the receptionist's Today flag; the
// admin's "This week" charts, their numbers as a table and as a CSV in the exports folder.
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { AVA_SMITH, expect, test } from './fixtures';
import { openAdmin } from './admin-helpers';
import { RECEPTION_PIN, setPins, signInStaff } from './staff-helpers';
import { lateRules, seedFourWeeks } from './lateness-helpers';

/** Serious or critical axe findings on the page as it is (the a11y suite's bar). */
async function axeFindings(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the 3rd late in a week: the pass prints the rule’s message, the Done screen shows it, Today flags the student', async ({ page, kiosk }) => {
  lateRules(kiosk);
  await setPins(kiosk.core);
  const alerts: (string | undefined)[] = [];
  const print = kiosk.printer.print.bind(kiosk.printer);
  kiosk.printer.print = (event, student, settings, extra) => (alerts.push(extra?.alert), print(event, student, settings, extra));
  // Monday: two lates already (AM, then again after lunch).
  for (const at of ['2026-11-23T09:12:00Z', '2026-11-23T13:20:00Z']) {
    kiosk.clock.set(at);
    await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
  }
  kiosk.clock.set('2026-11-24T09:07:00Z');
  await kiosk.open();

  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByText('Take your pass from the printer.')).toBeVisible();
  await expect(page.getByTestId('done-late-alert')).toHaveText('3rd late this week — see your head of year at break');
  await expect(page.getByTestId('done-message')).toHaveText('Go straight to your lesson.');
  expect(alerts.at(-1)).toBe('3rd late this week — see your head of year at break');

  await page.getByRole('button', { name: 'Finish' }).click();
  await signInStaff(page, RECEPTION_PIN);
  const row = page.locator('.event-row', { hasText: AVA_SMITH.name });
  await expect(row.getByTestId('late-alert')).toHaveText('3rd late this week — see your head of year at break');
});

test('en-US: the rule’s American message on the Done screen', async ({ page, kiosk }) => {
  lateRules(kiosk, 'en-US');
  kiosk.configure({ timeZone: 'America/Chicago' });
  for (const at of ['2026-11-23T15:12:00Z', '2026-11-24T15:05:00Z']) {
    kiosk.clock.set(at);
    await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
  }
  kiosk.clock.set('2026-11-25T15:07:00Z'); // Wednesday, 09:07 in Chicago
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Check in late/ }).click();
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByTestId('done-late-alert')).toHaveText('3rd tardy this week — see your grade dean at break');
});

test('This week: the charts of the last four weeks, their numbers as a table and as CSV in the exports folder', async ({ page, kiosk }) => {
  lateRules(kiosk);
  await setPins(kiosk.core);
  const seeded = await seedFourWeeks(kiosk);
  const report = kiosk.core.lateness.report('2026-11-02', '2026-11-24');
  expect(report.lates).toBe(seeded);
  await kiosk.open();
  await openAdmin(page, 'thisWeek');

  await expect(page.getByTestId('lateness-total')).toHaveText(`${seeded} lates`);
  const perDay = page.getByTestId('chart-byDay');
  await expect(perDay).toBeVisible();
  // One bar per school day, each with its number; Monday 2 November first.
  await expect(perDay.locator('[data-bar]')).toHaveCount(17);
  const monday = report.byDay.find((d) => d.date === '2026-11-02')!.lates;
  await expect(perDay.locator('[data-bar="2026-11-02"] .chart-value')).toHaveText(String(monday));
  await expect(perDay).toHaveAccessibleName('Lates per day, last four weeks');
  await expect(page.getByTestId('chart-byYear')).toBeVisible();
  await expect(page.getByTestId('chart-byForm')).toBeVisible();
  await expect(page.getByTestId('chart-topReasons').locator('[data-bar="Traffic"] .chart-value')).toHaveText(String(report.topReasons.find((r) => r.reason === 'Traffic')!.count));
  await expect(page.getByTestId('lateness-average')).toHaveText(`${report.averageMinutesLate} minutes`);
  // Students over "3 lates in a week".
  const over = page.getByTestId('lateness-over-table');
  await expect(over.locator('tbody tr')).toHaveCount(report.overThreshold.length);
  await expect(over).toContainText('3 lates in a week');
  expect(await axeFindings(page)).toEqual([]);

  // The numbers behind the per-day chart.
  const panel = page.locator('[data-chart="byDay"]');
  await panel.getByRole('button', { name: 'Show the numbers' }).click();
  const table = page.getByTestId('table-byDay');
  await expect(table.locator('tbody tr')).toHaveCount(17);
  await expect(table.locator('tbody tr').first()).toContainText(String(monday));
  expect(await axeFindings(page)).toEqual([]);

  // …and as CSV in the kiosk's exports folder.
  await panel.getByRole('button', { name: 'Save as CSV' }).click();
  await expect(page.getByTestId('csv-saved-byDay')).toContainText('Saved to');
  const dir = path.join(kiosk.core.dataDir, 'exports');
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('lateness-byDay-'));
  expect(files).toHaveLength(1);
  const csv = fs.readFileSync(path.join(dir, files[0]!), 'utf8');
  expect(csv.startsWith('\ufeffdate,lates\r\n2026-11-02,')).toBe(true);
  expect(csv.trim().split('\r\n')).toHaveLength(report.byDay.length + 1);
});
