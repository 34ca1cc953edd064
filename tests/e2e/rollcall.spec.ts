// Issue 17, parts 1 and 2, end to end: the roll call from staff mode (on screen and printed by the
// ESC/POS printer emulator over TCP, through the real PassPrinter), the roll call badge at the
// idle screen with no PIN, "Who is collecting you?" with the student's contacts, and "Someone
// else" approved by reception. Screenshots of each new screen in both locales go to
// docs/screenshots/rollcall/ under `npm run screenshots` (test-results/ under `npm test`).
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { PassPrinter } from '../../electron/core/hardware/printer';
import { startPrinterEmulator, type PrinterEmulator } from '../fakes/printer/emulator';
import { AVA_SMITH, IVY_HUGHES, MAJA_PATEL, expect, test, type KioskHarness, screenshotDir } from './fixtures';
import { ADMIN_PIN, RECEPTION_PIN, setPins, signInStaff } from './staff-helpers';

const OUT = screenshotDir('rollcall');
/** Every new screen: no serious or critical axe-core finding (the a11y budget of issue 15), then its screenshot. */
async function shot(page: Page, locale: string, name: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, name).toEqual([]);
  await page.screenshot({ path: path.join(OUT, `${locale}-${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** The real pass printer, over TCP to the emulator on 127.0.0.1, as services.ts wires it. */
async function emulatedPrinter(kiosk: KioskHarness): Promise<PrinterEmulator> {
  const emulator = await startPrinterEmulator({ columns: 48, lifetimeMs: 110_000 });
  const printer = { transport: 'tcp' as const, host: emulator.host, port: emulator.port };
  kiosk.configure({ printer: { ...kiosk.core.getSettings().printer, ...printer } });
  kiosk.core.runtime.printer.bind(new PassPrinter({ clock: kiosk.core.clock, settings: printer }).kioskPort());
  return emulator;
}

function giveContacts(kiosk: KioskHarness, studentId: string, contacts: object[]) {
  kiosk.core.db
    .prepare('INSERT INTO student_contacts (student_id, json, updated_at) VALUES (?, ?, ?)')
    .run(
      studentId,
      JSON.stringify(contacts.map((c) => ({ name: null, relationship: null, phone: null, email: null, parentalResponsibility: null, priority: null, ...c }))),
      '2026-11-01T00:00:00Z',
    );
}

/** Ava late at 09:07; Maja collected by her mother at 10:15; Ivy by "someone else" at 10:40 (waiting). */
async function morning(kiosk: KioskHarness) {
  await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
  kiosk.clock.set('2026-11-24T10:15:00Z');
  giveContacts(kiosk, MAJA_PATEL.id, [{ name: 'Priya Patel', relationship: 'Mother', phone: '07700 900111', priority: 1 }]);
  await kiosk.core.record({ studentId: MAJA_PATEL.id, direction: 'sign_out', reasonId: 'unwell', collector: { contact: 0 } });
  kiosk.clock.set('2026-11-24T10:40:00Z');
  await kiosk.core.record({ studentId: IVY_HUGHES.id, direction: 'sign_out', reasonId: 'family', collector: { someoneElse: 'Uncle Dev' } });
  kiosk.clock.set('2026-11-24T11:02:00Z');
}

for (const locale of ['en-GB', 'en-US'] as const) {
  const w = (gb: string, us: string) => (locale === 'en-GB' ? gb : us);

  test(`staff mode: one button shows the roll call and prints it on the pass printer (${locale})`, async ({ page, kiosk }) => {
    await setPins(kiosk.core);
    kiosk.configure({ locale });
    await morning(kiosk);
    const emulator = await emulatedPrinter(kiosk);
    try {
      await kiosk.open();
      await signInStaff(page, RECEPTION_PIN);
      await page.getByTestId('open-rollcall').click();
      await expect(page.getByTestId('rollcall-at')).toContainText(w('11:02', '11:02 AM'));
      const onSite = page.getByTestId('rollcall-onsite');
      await expect(onSite).toContainText(w('On site: arrived late (1)', 'On campus: arrived tardy (1)'));
      await expect(onSite).toContainText(w('Year 9', 'Grade 9'));
      await expect(onSite).toContainText('Smith, Ava');
      const offSite = page.getByTestId('rollcall-offsite');
      await expect(offSite).toContainText(w('Collected by Priya Patel (Mother)', 'Picked up by Priya Patel (Mother)'));
      await expect(offSite).toContainText('Uncle Dev');
      await expect(page.getByTestId('rollcall-print')).toHaveText('Printed on the pass printer.');
      const [paper] = await emulator.waitForReceipts(1, 60_000);
      expect(paper!.text()).toMatch(/ROLL CALL[\s\S]*Smith, Ava[\s\S]*Patel, Maja - by Priya Patel \(Mother\)[\s\S]*Hughes, Ivy - by Uncle Dev/);
      await shot(page, locale, '01-staff-rollcall');
    } finally {
      await emulator.close();
    }
  });

  test(`a roll call badge at the idle screen prints the roll call with no PIN (${locale})`, async ({ page, kiosk }) => {
    kiosk.configure({ locale, rollCall: { badges: ['909090'] } });
    await morning(kiosk);
    const emulator = await emulatedPrinter(kiosk);
    try {
      await kiosk.open();
      await kiosk.scan('909090');
      await expect(page.locator('.kiosk[data-screen="rollcall"]')).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Roll call' })).toBeVisible();
      await expect(page.getByTestId('rollcall-onsite')).toContainText('Smith, Ava');
      await expect(page.locator('.staff-pin')).toHaveCount(0);
      const [paper] = await emulator.waitForReceipts(1, 60_000);
      expect(paper!.text()).toMatch(/ROLL CALL[\s\S]*Smith, Ava/);
      await shot(page, locale, '02-badge-rollcall');
      await page.getByRole('button', { name: 'Done' }).click();
      await expect(page.locator('.kiosk[data-screen="idle"]')).toBeVisible();
    } finally {
      await emulator.close();
    }
  });

  test(`"Who is collecting you?" offers the contacts; "Someone else" waits for reception to approve (${locale})`, async ({ page, kiosk }) => {
    await setPins(kiosk.core);
    kiosk.configure({ locale, kiosk: { doneSeconds: 30, idleSeconds: 300, showCodeOnDone: false } });
    kiosk.clock.set('2026-11-24T10:15:00Z');
    giveContacts(kiosk, MAJA_PATEL.id, [
      { name: 'Sam Patel', relationship: 'Father', phone: '07700 900222', priority: 2 },
      { name: 'Priya Patel', relationship: 'Mother', phone: '07700 900111', email: 'priya@example.org', priority: 1 },
    ]);
    giveContacts(kiosk, IVY_HUGHES.id, [{ name: 'Kate Hughes', relationship: 'Mother', phone: '07700 900333' }]);
    await kiosk.open();

    // Maja: her mother, by one tap.
    await kiosk.scan(MAJA_PATEL.badge);
    await page.getByRole('button', { name: w('Sign out early', 'Check out early') }).click();
    await page.getByRole('button', { name: 'Unwell, going home' }).click();
    await expect(page.getByRole('heading', { name: w('Who is collecting you?', 'Who is picking you up?') })).toBeVisible();
    const buttons = page.getByTestId('collectors').getByRole('button');
    await expect(buttons).toHaveText(['Priya PatelMother', 'Sam PatelFather', w('Someone elseNot on this list', 'Someone elseNot on this list')]);
    await expect(page.locator('main')).not.toContainText('07700');
    await shot(page, locale, '03-collector-buttons');
    await page.getByRole('button', { name: /Priya Patel/ }).click();
    await expect(page.getByRole('heading', { name: w('You are signed out', 'You are checked out') })).toBeVisible();
    await expect(page.getByTestId('done-see-reception')).toHaveCount(0);
    const majaOut = kiosk.storedEvents().find((e) => e.student_id === MAJA_PATEL.id)!;
    expect(kiosk.core.collectors.ofEvent(String(majaOut.id))).toMatchObject({ name: 'Priya Patel', kind: 'contact', approval: 'not_needed' });
    await page.getByRole('button', { name: w('Finish', 'Finish') }).click();

    // Ivy: someone not on her list; the kiosk says to see reception.
    await kiosk.scan(IVY_HUGHES.badge);
    await page.getByRole('button', { name: w('Sign out early', 'Check out early') }).click();
    await page.getByRole('button', { name: 'Family matter (authorised)' }).click();
    await page.getByRole('button', { name: /Someone else/ }).click();
    for (const key of ['D', 'E', 'V']) await page.locator(`[data-key="${key}"]`).click();
    await expect(page.getByTestId('note-field')).toHaveText('Dev');
    await shot(page, locale, '04-someone-else');
    await page.getByRole('button', { name: w('Done: sign me out', 'Done: check me out') }).click();
    await expect(page.getByTestId('done-see-reception')).toBeVisible();
    await shot(page, locale, '05-see-reception');
    await page.getByRole('button', { name: 'Finish' }).click();

    // Reception approves from Today.
    await signInStaff(page, RECEPTION_PIN);
    await expect(page.getByTestId('collector-pending')).toHaveCount(1);
    await page.getByRole('button', { name: new RegExp(IVY_HUGHES.name) }).first().click();
    await expect(page.getByTestId('event-collector')).toContainText('Dev');
    await expect(page.getByTestId('event-collector')).toContainText('Waiting for approval');
    await shot(page, locale, '06-today-approve');
    await page.getByTestId('approve-collector').click();
    await expect(page.getByTestId('event-collector')).toContainText('Approved');
    await expect(page.getByTestId('collector-pending')).toHaveCount(0);
    const ivyOut = kiosk.storedEvents().find((e) => e.student_id === IVY_HUGHES.id)!;
    expect(kiosk.core.collectors.ofEvent(String(ivyOut.id))).toMatchObject({ name: 'Dev', kind: 'someone_else', approval: 'approved', approvedBy: 'receptionist' });
  });
}

for (const locale of ['en-GB', 'en-US'] as const) {
  test(`site admin settings: roll call badges and who collects a student (${locale})`, async ({ page, kiosk }) => {
    await setPins(kiosk.core);
    kiosk.configure({ locale, rollCall: { badges: ['909090'] } });
    await kiosk.open();
    await signInStaff(page, ADMIN_PIN);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('[data-section="rollCall"]').click();
    await expect(page.getByTestId('settings-section')).toContainText('Roll call badges (print with no PIN)');
    await shot(page, locale, '07-settings-rollcall');
    await page.locator('[data-section="collectors"]').click();
    await expect(page.getByTestId('settings-section')).toContainText(locale === 'en-GB' ? 'Write the collector into the MIS comment' : 'Write the collector into the SIS comment');
    await shot(page, locale, '08-settings-collectors');
  });
}
