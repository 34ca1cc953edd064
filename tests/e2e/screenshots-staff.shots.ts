// Renders every staff screen into docs/screenshots/staff/<layout>/<locale>-NN-<screen>.png,
// walking the real flows against a real core. Fails when a button is smaller than 64 px or a
// fixed part of a screen spills outside the window (staff lists scroll, and so do the sign-by-hand results; nothing else does).
// Run: npm run build:renderer && npx playwright test --config playwright.screenshots.config.ts
// (the config's testMatch must include screenshots-staff.shots.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { AVA_SMITH, IVY_HUGHES, MAJA_PATEL, expect, test } from './fixtures';
import type { PageGlobals } from './page-globals';
import { ADMIN_PIN, holdStaffEntry, openWithPolicy, RECEPTION_PIN, seedLog, setPins, signInStaff, typePin } from './staff-helpers';
import { demoRows, fileExportIn, nextYearRows, openAdmin, rosterCsv } from './admin-helpers';

const OUT = path.resolve(import.meta.dirname, '../../docs/screenshots/staff');

async function assertTouchable(page: Page, screen: string) {
  const problems = await page.evaluate(() => {
    const { innerWidth: w, innerHeight: h, document } = globalThis as unknown as PageGlobals;
    const small = [...document.querySelectorAll('.kiosk button')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      // Inside a scrolling list a button may be partly out of view; only its size counts.
      .filter(({ r }) => r.width > 0 && (r.height < 63.5 || r.width < 63.5))
      .map(({ el }) => `small: ${(el.textContent ?? '').trim().slice(0, 30)}`);
    const spill = [...document.querySelectorAll('.staff-topbar, .settings-foot, .pin-body button, .log-tools button, .sheet button:not(.find-hit)')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.bottom > h + 1 || r.right > w + 1 || r.left < -1 || r.top < -1)
      .map(({ el }) => `outside: ${(el.textContent ?? '').trim().slice(0, 30)}`);
    return [...small, ...spill];
  });
  expect(problems, screen).toEqual([]);
}

function shooter(page: Page, layout: string, locale: string) {
  let n = 0;
  return async (screen: string) => {
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.fonts.ready);
    await assertTouchable(page, screen);
    n++;
    await page.screenshot({ path: path.join(OUT, layout, `${locale}-${String(n).padStart(2, '0')}-${screen}.png`), animations: 'disabled', caret: 'hide' });
  };
}

for (const locale of ['en-GB', 'en-US'] as const) {
  test(`staff screens, ${locale}`, async ({ page, kiosk }, testInfo) => {
    test.skip(testInfo.project.name !== 'landscape' && locale === 'en-US', 'portrait and wide are layout checks: en-GB is enough');
    test.setTimeout(120_000);
    const shot = shooter(page, testInfo.project.name, locale);
    const w = (gb: string, us: string) => (locale === 'en-GB' ? gb : us);
    kiosk.configure({ locale, kiosk: { doneSeconds: 30, idleSeconds: 300, showCodeOnDone: false } });
    await kiosk.open();

    // First run: no PIN yet.
    await holdStaffEntry(page);
    await typePin(page, '4826');
    await shot('setup');
    await page.getByRole('button', { name: w('Back to the kiosk', 'Back to the kiosk') }).click();

    await setPins(kiosk.core);
    const ava = await kiosk.core.record({ studentId: AVA_SMITH.id, direction: 'sign_in', reasonId: 'traffic' });
    await kiosk.core.record({ studentId: IVY_HUGHES.id, direction: 'sign_in', reasonId: 'overslept' });
    await kiosk.core.record({ studentId: 'demo-6', direction: 'sign_out', reasonId: 'unwell', note: 'Mum' });
    const maja = await kiosk.core.record({ studentId: MAJA_PATEL.id, direction: 'sign_in', reasonId: 'transport' });
    kiosk.core.db.prepare(`UPDATE outbox SET state = 'done' WHERE event_id = ?`).run(ava.event.id);
    kiosk.core.db.prepare(`UPDATE outbox SET state = 'failed_permanent', last_error = 'Student not found in the MIS.' WHERE event_id = ?`).run(maja.event.id);
    seedLog(kiosk.core, 400);

    await holdStaffEntry(page);
    await typePin(page, '13');
    await shot('pin');
    await page.getByRole('button', { name: 'Clear all digits' }).click();
    for (let i = 0; i < 5; i++) {
      await typePin(page, '0000');
      await page.locator('.pin-go').click();
      await expect(page.getByTestId('pin-message')).toContainText(i < 4 ? `${4 - i} tr` : 'Too many wrong PINs');
    }
    await expect(page.getByTestId('pin-message')).toContainText('Too many wrong PINs');
    await shot('pin-locked');
    await page.getByRole('button', { name: 'Back to the kiosk' }).click();
    kiosk.clock.set('2026-11-24T09:08:00Z');

    await signInStaff(page, RECEPTION_PIN);
    await expect(page.locator('.event-row').first()).toBeVisible();
    await shot('today');
    await page.locator('.event-row', { hasText: AVA_SMITH.name }).click();
    await shot('today-event');
    await page.locator('.panel .btn-primary').first().click();
    await page.getByTestId('change-panel').getByRole('button', { name: /Medical appointment/ }).click();
    await shot('today-change');
    await page.getByTestId('change-panel').locator('.btn-primary').click();
    await expect(page.getByTestId('event-panel')).toContainText('M');
    await shot('today-changed');
    await page.locator('.today-tools .btn-primary').click();
    // The search opens with its keyboard: first letters, then big result rows as they go in.
    await page.locator('.staff-keyboard [data-key="m"]').click();
    await shot('keyboard');
    for (const k of 'aja') await page.locator(`.staff-keyboard [data-key="${k}"]`).click();
    await expect(page.locator('.find-hit').first()).toBeVisible();
    await shot('today-manual');
    await page.locator('.find-hit').first().click();
    await page.getByTestId('manual-panel').locator('.choice').nth(1).click();
    await shot('today-manual-reason');
    await page.locator('.staff-topbar .topbar-action .btn').click();

    await signInStaff(page, ADMIN_PIN);
    await page.locator('.staff-tab').nth(1).click();
    await expect(page.getByTestId('log-row').first()).toBeVisible();
    await shot('log');
    await page.locator('.log-filters .segment').nth(3).click();
    await expect(page.getByTestId('log-row').first()).toHaveAttribute('data-status', 'failed');
    await shot('log-failed');
    await page.locator('.log-filters').nth(1).locator('.segment').last().click();
    await shot('log-dates');

    await page.locator('.staff-tab').nth(2).click();
    for (const id of ['school', 'writeback', 'reasons', 'groups', 'bell', 'kiosk', 'scanner', 'printer', 'mis', 'fleet', 'pins', 'audit']) {
      await page.locator(`[data-section="${id}"]`).first().click();
      await expect(page.getByTestId('settings-section')).toHaveAttribute('data-section', id);
      if (id === 'writeback') {
        const late = page.locator('[data-path="rules.sessions.AM.lateAfter"]');
        for (let i = 0; i < 7; i++) await late.locator('.stepper-btn').first().click();
        await page.locator('.settings-foot .btn-primary').click();
        await shot('settings-writeback-error');
        await page.locator('.settings-foot .btn-secondary').last().click();
      }
      if (id === 'bell') {
        await page.locator('[data-path="bellSchedule.3.start"] .stepper-btn').last().click();
        await shot('settings-bell-gap');
        await page.locator('.settings-foot .btn-secondary').last().click();
        continue;
      }
      if (id === 'mis') {
        await page.locator('[data-path="mis"] .segment').nth(1).click();
        await shot('settings-mis-wonde');
        await page.locator('[data-path="mis"] .segment').nth(2).click();
        await page.locator('[data-path="mis.baseUrl"] .form-input').click();
        for (const k of 'http') await page.locator(`.staff-keyboard [data-key="${k}"]`).click();
        await page.locator('.sheet .btn-primary').click();
        await shot('settings-mis-powerschool');
        await page.locator('.settings-foot .btn-secondary').last().click();
        continue;
      }
      await shot(`settings-${id}`);
    }
    await page.locator('[data-section="writeback"]').first().click();
    await page.locator('[data-path="rules.lateCode"] .form-input').click();
    await page.locator('.staff-keyboard [data-key="x"]').click();
    await page.locator('.sheet .btn-primary').click();
    await page.locator('.staff-tab').first().click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await shot('settings-leave');
  });
}

test('a district lock, en-GB', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'wide', 'wide is covered by the main walk');
  const k = await openWithPolicy(page, {
    district: 'Northshire Schools',
    locked: [
      { path: 'rules.presentWriteback', value: false, reason: 'Present marks come from the register.' },
      { path: 'rules.protectedCodes', reason: 'The district decides which codes are never overwritten.' },
    ],
  });
  try {
    await setPins(k.core);
    await signInStaff(page, ADMIN_PIN);
    await page.locator('.staff-tab').nth(2).click();
    await page.locator('[data-section="writeback"]').first().click();
    await page.locator('[data-path="rules.presentWriteback"]').scrollIntoViewIfNeeded();
    await shooter(page, testInfo.project.name, 'en-GB-district')('settings-locked');
  } finally {
    k.close();
  }
});

// The admin area: roster (last import with its bad rows, an import under way, a refused import,
// a new academic year), roster settings, file export, kiosk doctor, support bundle, and the MIS's
// codes in the settings. Files: <locale>-admin-NN-<screen>.png.
for (const locale of ['en-GB', 'en-US'] as const) {
  test(`admin screens, ${locale}`, async ({ page, kiosk }, testInfo) => {
    test.skip(testInfo.project.name !== 'landscape' && locale === 'en-US', 'portrait and wide are layout checks: en-GB is enough');
    test.setTimeout(120_000);
    const shot = shooter(page, testInfo.project.name, `${locale}-admin`);
    kiosk.configure({ locale, mis: { connector: 'wonde', schoolId: 'A1930499544' } });
    await setPins(kiosk.core);
    kiosk.core.diagnostics.printerStatus = async () => ({ state: 'paper_out', problem: 'Out of paper: Load a new roll of 80 mm paper.', twoWay: true });
    kiosk.core.diagnostics.misCodes = async () =>
      [
        ['L', 'Late (before registers closed)'],
        ['U', 'Late (after registers closed)'],
        ['N', 'No reason yet provided'],
        ['M', 'Medical or dental appointment'],
        ['I', 'Illness'],
        ['C', 'Other authorised circumstances'],
        ['/', 'Present (AM)'],
        ['\\', 'Present (PM)'],
        ['B', 'Educated off site'],
        ['E', 'Excluded'],
      ].map(([code, description], i) => ({ code: code!, description: description!, type: null, misCodeId: String(i) }));

    // Two nights of imports: the first had two bad rows.
    const rows = demoRows();
    rosterCsv(kiosk.core, [...rows, 'new-1,6001,Zara,Quinn,7,7A,100901', 'new-2,6002,,Nameless,8,8B,100902', 'new-3,6003,Omar,Reed,19,19Z,100903']);
    await kiosk.core.roster.importNow(undefined, { trigger: 'scheduled' });
    kiosk.clock.set('2026-11-24T09:07:30Z');
    await kiosk.core.roster.importNow(undefined, { trigger: 'manual' });
    await kiosk.open();
    await openAdmin(page);
    await expect(page.getByTestId('roster-last')).toBeVisible();
    await shot('roster');

    // An import under way (as main reports it).
    kiosk.core.emit('rosterProgress', { phase: 'writing', done: 120, total: 202, message: '' });
    await expect(page.getByTestId('roster-progress')).toBeVisible();
    await shot('roster-importing');
    kiosk.core.emit('rosterProgress', { phase: 'done', done: 0, total: 0, message: '' });

    // A file with a quarter of the school: refused until the leavers are confirmed.
    rosterCsv(kiosk.core, rows.slice(0, 51));
    await page.locator('.admin-panel .btn-primary').first().click();
    await expect(page.getByTestId('roster-last')).toHaveAttribute('data-outcome', 'refused');
    await shot('roster-refused');
    await page.getByTestId('roster-last').locator('.panel-actions .btn').click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await shot('roster-confirm-leavers');
    await page.getByRole('alertdialog').locator('.btn-secondary').click();

    // The MIS rolled over to next year.
    rosterCsv(kiosk.core, nextYearRows());
    await page.locator('.admin-panel .btn-primary').first().click();
    await expect(page.getByTestId('rollover')).toBeVisible();
    await shot('roster-new-year');
    await page.getByTestId('rollover').locator('.panel-actions .btn-primary').click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await shot('roster-new-year-approve');
    await page.getByRole('alertdialog').locator('.btn-secondary').click();

    await page.locator('[data-admin-section="rosterSettings"]').click();
    await page.locator('[data-path="schedule.enabled"] [role="switch"]').click();
    await page.locator('[data-path="summerPause"] [role="switch"]').click();
    await page.getByTestId('admin-section').evaluate((el) => el.scrollTo(0, 0));
    await shot('roster-settings');
    await page.locator('.admin-foot .btn-secondary').click();

    await page.locator('[data-admin-section="fileExport"]').click();
    await expect(page.getByTestId('export-unavailable')).toBeVisible();
    await shot('file-export-not-chosen');
    const out = path.join(kiosk.core.dataDir, 'sis-import');
    fs.mkdirSync(out);
    const connector = fileExportIn(kiosk.core, kiosk.clock, out);
    try {
      const mark = { misId: '5003', date: '2026-11-24', session: 'AM', localTime: '09:07', occurredAt: '2026-11-24T09:07:00Z', direction: 'sign_in', code: 'L', comment: null, minutesLate: 7 };
      await connector.writeSessionMarks([{ ...mark, ref: 1 }, { ...mark, ref: 2, misId: '5002' }] as Parameters<typeof connector.writeSessionMarks>[0]);
      await connector.rerunDay('2026-11-23');
      await connector.writeSessionMarks([{ ...mark, ref: 3, misId: '5004' }] as Parameters<typeof connector.writeSessionMarks>[0]);
      kiosk.core.sync.attachFileExport(connector);
      await page.locator('[data-admin-section="doctor"]').click();
      await page.locator('[data-admin-section="fileExport"]').click();
      await expect(page.getByTestId('export-waiting')).toBeVisible();
      await page.locator('.admin-panel .btn-primary').first().click();
      await expect(page.getByTestId('export-result')).toBeVisible();
      await page.locator('.admin-day .stepper-btn').first().click();
      await shot('file-export');
    } finally {
      kiosk.core.sync.attachFileExport(null);
      await connector.close();
    }

    await page.locator('[data-admin-section="doctor"]').click();
    await expect(page.getByTestId('doctor-list')).toBeVisible();
    await shot('doctor');
    await page.locator('[data-admin-section="bundle"]').click();
    await page.locator('[data-target="kiosk"]').click();
    await expect(page.getByTestId('bundle-written')).toBeVisible();
    await shot('support-bundle');

    await page.locator('.staff-tab').nth(2).click();
    await page.locator('[data-section="mis"]').first().click();
    await page.locator('.extras .btn-primary').last().click();
    await expect(page.getByTestId('mis-code-list')).toBeVisible();
    await page.getByTestId('mis-code-list').scrollIntoViewIfNeeded();
    await shot('settings-mis-codes');
    await page.locator('[data-section="writeback"]').first().click();
    await page.locator('[data-path="rules.lateCode"] .form-input').click();
    await expect(page.getByTestId('sheet-choices')).toBeVisible();
    await shot('settings-code-picker');
  });
}
