// The site admin's area beyond the settings, end to end (production renderer in Chromium,
// window.kiosk bound to a real KioskCore): the roster's "Import now" with its bad rows by line,
// the leaver guard, a new academic year held back until approved, the roster settings, the kiosk
// doctor (a FAIL first) and the support bundle, the file export, the MIS's codes in the settings,
// and the pass message on the student's Done screen.
import fs from 'node:fs';
import path from 'node:path';
import type { FileExportConnector } from '../../electron/core/mis/fileexport/connector';
import { AVA_SMITH, expect, test } from './fixtures';
import { demoRows, fileExportIn, nextYearRows, openAdmin, rosterCsv, typeStaff } from './admin-helpers';
import { csvTextSource } from '../../electron/core/roster/sources/files';
import { ADMIN_PIN, RECEPTION_PIN, setPins, signInStaff } from './staff-helpers';

test('import now from a CSV: the counts, and the bad row by its line; a receptionist never sees Admin', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  const rows = demoRows();
  rosterCsv(kiosk.core, [...rows, 'new-1,6001,Zara,Quinn,7,7A,100901', 'new-2,6002,,Nameless,8,8B,100902']);
  await kiosk.open();

  await signInStaff(page, RECEPTION_PIN);
  await expect(page.getByRole('button', { name: 'Admin', exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Lock' }).click();

  await openAdmin(page);
  await expect(page.getByText('The roster has not been imported on this kiosk yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Import now' }).click();
  const last = page.getByTestId('roster-last');
  await expect(last.getByTestId('run-outcome')).toHaveText('Imported');
  await expect(last.locator('.admin-count', { hasText: 'Added' }).locator('dd')).toHaveText('1');
  await expect(last.getByText('1 row with a problem')).toBeVisible();
  // The header is line 1, so the nameless student is on the last line of the file.
  const issue = last.getByTestId('roster-issues').locator('li');
  await expect(issue).toHaveCount(1);
  await expect(issue.locator('.admin-issue-line')).toHaveText(`Line ${rows.length + 2}`);
  expect(kiosk.core.scan({ code: '100901' }).ok).toBe(true);
});

test('an import that would make too many leavers waits until the admin confirms them', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  const rows = demoRows();
  // The school's roster is in use (issue 13: demo students leaving would ask a different question).
  await kiosk.core.roster.importNow(csvTextSource(rows.join('\n'), 'roster.csv'));
  rosterCsv(kiosk.core, rows.slice(0, 51)); // the header and 50 of 200 students
  await kiosk.open();
  await openAdmin(page);

  await page.getByRole('button', { name: 'Import now' }).click();
  const last = page.getByTestId('roster-last');
  await expect(last.getByTestId('run-outcome')).toHaveText('Not imported');
  await expect(last).toContainText('would deactivate 150 of 200 students');
  expect(kiosk.core.students.get('demo-200')!.active).toBe(true);

  await last.getByRole('button', { name: 'Import and confirm 150 leavers' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Mark 150 students as leavers?');
  await dialog.getByRole('button', { name: 'Import and confirm' }).click();
  await expect(last.getByTestId('run-outcome')).toHaveText('Imported');
  await expect(last.locator('.admin-count', { hasText: 'Leavers' }).locator('dd')).toHaveText('150');
  expect(kiosk.core.students.get('demo-200')!.active).toBe(false);
  // The refused run is still in the list of earlier imports.
  await expect(page.locator('.admin-history-row', { hasText: 'Not imported' })).toHaveCount(1);
});

test('the first real roster replaces the demo students after a confirm step; their sign-ins stay', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  const reason = kiosk.core.getSettings().rules.reasons.find((r) => r.directions.includes('sign_in'))!;
  await kiosk.core.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: reason.id });
  // A ';' export from Excel with its BOM and CRLF: one student without an id, one badge that can never scan.
  const file = path.join(kiosk.core.dataDir, 'roster.csv');
  fs.writeFileSync(file, '\ufeffid;forename;surname;year;badge\r\nr1;Emil;Berg;Year R;655001\r\n;No;Id;7;655002\r\nr3;Lea;Wolf;8;QR-LOGIN\r\n');
  kiosk.core.roster.saveConfig({ source: { kind: 'csv', path: file } }, 'test');
  await kiosk.open();
  await openAdmin(page);

  await page.getByRole('button', { name: 'Import now' }).click();
  const last = page.getByTestId('roster-last');
  await expect(last.getByTestId('run-outcome')).toHaveText('Not imported');
  await expect(last).toContainText('still holds the 200 demo students');
  await expect(last.getByRole('button', { name: /confirm .* leavers/ })).toHaveCount(0);
  await last.getByTestId('replace-demo').click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Replace the 200 demo students?');
  await page.screenshot({ path: test.info().outputPath('replace-demo-confirm.png') });
  await dialog.getByRole('button', { name: 'Replace and import' }).click();

  await expect(last.getByTestId('run-outcome')).toHaveText('Imported');
  await expect(last).toContainText('200 demo students were replaced');
  await expect(last.locator('.admin-count', { hasText: 'Added' }).locator('dd')).toHaveText('1');
  const lines = last.getByTestId('roster-issues').locator('.admin-issue-line');
  await expect(lines).toHaveText(['Line 3', 'Line 4']);
  await page.screenshot({ path: test.info().outputPath('replace-demo-done.png'), fullPage: true });
  expect(kiosk.core.students.get('r1')).toMatchObject({ year: 0, active: true });
  expect(kiosk.core.students.get('demo-3')!.active).toBe(false);
  expect(kiosk.core.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE student_id = 'demo-3'`).get()).toEqual({ n: 1 });

  // The roster settings offer students without a badge.
  await page.locator('[data-admin-section="rosterSettings"]').click();
  const noBadge = page.locator('[data-path="allowNoBadge"]');
  await expect(noBadge).toContainText('Students without a badge');
  await noBadge.getByRole('switch').click();
  await page.screenshot({ path: test.info().outputPath('roster-settings-no-badge.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('roster-settings-status')).toHaveText('Roster settings saved. The nightly import uses them from now on.');
  expect(kiosk.core.roster.config().allowNoBadge).toBe(true);
});

test('a new academic year is shown first and replaces the roster only when approved', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  // The MIS rolled over: everyone up a year and into the next form, Year 13 gone.
  const nextYear = nextYearRows();
  rosterCsv(kiosk.core, nextYear);
  await kiosk.open();
  await openAdmin(page);

  await page.getByRole('button', { name: 'Import now' }).click();
  const rollover = page.getByTestId('rollover');
  await expect(rollover.getByRole('heading', { name: 'A new academic year is waiting' })).toBeVisible();
  await expect(page.getByTestId('roster-last').getByTestId('run-outcome')).toHaveText('New year waiting');
  await expect(rollover.locator('.admin-count', { hasText: 'Moved up a year' }).locator('dd')).toHaveText(String(nextYear.length - 1));
  await expect(rollover.locator('.admin-reasons li').first()).toContainText('moved up a year (100%)');
  expect(kiosk.core.students.get(AVA_SMITH.id)!.year).toBe(9); // not yet

  await rollover.getByRole('button', { name: 'Use the new year’s roster' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Replace this year’s roster?');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Use the new year’s roster' }).click();
  await expect(page.getByTestId('rollover')).toHaveCount(0);
  await expect(page.getByTestId('roster-last').getByTestId('run-outcome')).toHaveText('Imported');
  expect(kiosk.core.students.get(AVA_SMITH.id)).toMatchObject({ year: 10, form: '10C' });
});

test('roster settings: a CSV source and the nightly import are saved; main’s message shows at its field', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  await kiosk.open();
  await openAdmin(page, 'rosterSettings');

  await page.getByRole('button', { name: 'CSV file' }).click();
  await expect(page.locator('[data-path="source.path"] .field-problem')).toHaveText('Type the full path.');
  await page.locator('[data-path="source.path"] .form-input').click();
  await typeStaff(page, '/srv/roster.csv');
  await page.locator('.sheet').getByRole('button', { name: 'Done' }).click();
  await page.locator('[data-path="schedule.enabled"]').getByRole('switch').click();

  // A summer pause from 30 February: the form cannot tell, main can.
  await page.locator('[data-path="summerPause"]').getByRole('switch').click();
  await page.locator('[data-path="summerPause.from"] .form-input').click();
  await page.getByRole('button', { name: 'Clear everything typed' }).click();
  await typeStaff(page, '02-30');
  await page.locator('.sheet').getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('[data-path="summerPause.from"] .field-problem')).toHaveText('That day does not exist.');
  expect(kiosk.core.roster.config().source).toBeNull();

  await page.locator('[data-path="summerPause"]').getByRole('switch').click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('roster-settings-status')).toHaveText('Roster settings saved. The nightly import uses them from now on.');
  expect(kiosk.core.roster.config()).toMatchObject({ source: { kind: 'csv', path: '/srv/roster.csv' }, schedule: { enabled: true, at: '02:30' }, summerPause: null });
  await page.locator('[data-admin-section="roster"]').click();
  await expect(page.getByText('From the CSV file /srv/roster.csv. Imports every night at 02:30.')).toBeVisible();
});

test('the kiosk doctor lists a FAIL first with what to do; a support bundle goes to the kiosk’s folder', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  kiosk.core.diagnostics.printerStatus = async () => ({ state: 'cover_open', problem: 'The printer cover is open: Close the cover until it clicks.', twoWay: true });
  await kiosk.open();
  await openAdmin(page, 'doctor');

  const checks = page.getByTestId('doctor-list').locator('li');
  await expect(checks.first()).toHaveAttribute('data-status', 'fail');
  await expect(page.getByTestId('doctor-summary')).toContainText(/need(s)? someone to act/);
  const printer = page.locator('[data-check="printer"]');
  await expect(printer).toHaveAttribute('data-status', 'fail');
  await expect(printer.locator('.doctor-fix')).toHaveText('What to do: Close the cover until it clicks.');
  const statuses = await checks.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  const rank = { fail: 0, note: 1, ok: 2, skipped: 3 } as Record<string, number>;
  expect(statuses.map((s) => rank[s!])).toEqual([...statuses.map((s) => rank[s!])].sort((a, b) => a! - b!));

  // Fixed at the printer: "Run again" shows it.
  kiosk.core.diagnostics.printerStatus = async () => ({ state: 'ok', problem: null, twoWay: true });
  await page.getByRole('button', { name: 'Run again' }).click();
  await expect(printer).toHaveAttribute('data-status', 'ok');

  await page.locator('[data-admin-section="bundle"]').click();
  const own = path.join(kiosk.core.dataDir, 'support');
  await page.locator('[data-target="kiosk"]').click();
  await expect(page.getByTestId('bundle-written')).toBeVisible();
  const folder = (await page.getByTestId('bundle-folder').textContent())!;
  expect(folder.startsWith(own)).toBe(true);
  expect(fs.readdirSync(folder).length).toBeGreaterThan(0);
});

test('file export: a plain line when it is not the connection; run now and re-run a day when it is', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  await kiosk.open();
  await openAdmin(page, 'fileExport');
  await expect(page.getByTestId('export-unavailable')).toContainText('The file export is not the chosen MIS connection.');

  const out = path.join(kiosk.core.dataDir, 'sis-import');
  fs.mkdirSync(out);
  const connector = fileExportIn(kiosk.core, kiosk.clock, out);
  try {
    await connector.writeSessionMarks([
      { ref: 1, misId: '5003', date: '2026-11-24', session: 'AM', localTime: '09:07', occurredAt: '2026-11-24T09:07:00Z', direction: 'sign_in', code: 'L', comment: null, minutesLate: 7 },
    ] as Parameters<FileExportConnector['writeSessionMarks']>[0]);
    kiosk.core.sync.attachFileExport(connector);
    await page.locator('[data-admin-section="doctor"]').click();
    await page.locator('[data-admin-section="fileExport"]').click();
    await expect(page.getByTestId('export-waiting')).toHaveText('1');

    await page.getByRole('button', { name: 'Run the export now' }).click();
    await expect(page.getByTestId('export-result')).toContainText('with 1 mark.');
    await expect(page.getByTestId('export-waiting')).toHaveText('0');
    expect(fs.readdirSync(out)).toHaveLength(1);

    // The day picker: no keyboard, and no day after today.
    const day = page.getByTestId('export-day');
    await expect(day).toHaveAttribute('data-day', '2026-11-24');
    await expect(page.getByRole('button', { name: 'One day forward' })).toBeDisabled();
    await page.getByRole('button', { name: 'One day back' }).click();
    await expect(day).toHaveText(/^Monday,? 23 November 2026$/);
    await page.getByRole('button', { name: 'One day forward' }).click();
    await page.getByRole('button', { name: 'Re-run this day' }).click();
    await expect(page.getByTestId('export-result')).toContainText('with 1 mark.');
    expect(fs.readdirSync(out)).toHaveLength(2);
    await expect(page.locator('.admin-history-row', { hasText: 'Re-run' })).toHaveCount(1);
  } finally {
    kiosk.core.sync.attachFileExport(null);
    await connector.close();
  }
});

test('the MIS’s codes: fetched, offered on code fields, and a code the MIS lacks is refused at its field', async ({ page, kiosk }) => {
  await setPins(kiosk.core);
  kiosk.configure({ mis: { connector: 'wonde', schoolId: 'A1930499544' } });
  const misCodes = [
    { code: 'L', description: 'Late (before registers closed)', type: 'present' },
    { code: 'U', description: 'Late (after registers closed)', type: 'unauthorised' },
    { code: 'N', description: 'No reason yet provided', type: 'unauthorised' },
    { code: 'M', description: 'Medical or dental appointment', type: 'authorised' },
    { code: 'I', description: 'Illness', type: 'authorised' },
    { code: 'C', description: 'Other authorised circumstances', type: 'authorised' },
    { code: '/', description: 'Present (AM)', type: 'present' },
    { code: '\\', description: 'Present (PM)', type: 'present' },
  ].map((c, i) => ({ ...c, misCodeId: `code-${i}` }));
  kiosk.core.diagnostics.misCodes = async () => misCodes;
  await kiosk.open();
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.locator('[data-section="mis"]').first().click();
  await page.getByRole('button', { name: 'Fetch the MIS’s codes' }).click();
  await expect(page.getByTestId('mis-codes-result')).toContainText('8 codes, fetched');

  await page.locator('[data-section="writeback"]').first().click();
  await page.locator('[data-path="rules.lateCode"] .form-input').click();
  const choices = page.getByTestId('sheet-choices');
  await expect(choices.getByRole('button')).toHaveCount(8);
  await expect(choices.getByRole('button', { name: 'L · Late (before registers closed)' })).toHaveAttribute('aria-pressed', 'true');
  await choices.getByRole('button', { name: 'N · No reason yet provided' }).click();
  await expect(page.locator('[data-path="rules.lateCode"] .form-input')).toHaveText('N');

  // A code typed by hand that the MIS does not have: main refuses it at that field.
  await page.locator('[data-path="rules.unauthorisedCode"] .form-input').click();
  await page.getByRole('button', { name: 'Type another' }).click();
  await page.getByRole('button', { name: 'Clear everything typed' }).click();
  await page.getByRole('button', { name: 'Capital letter' }).click();
  await page.locator('.staff-keyboard [data-key="Z"]').click();
  await page.locator('.sheet').getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('[data-path="rules.unauthorisedCode"] .field-problem')).toHaveText('The MIS has no code "Z". Use one of its codes, or fetch the codes again.');
  expect(kiosk.core.getSettings().rules.lateCode).toBe('L');

  await page.locator('[data-path="rules.unauthorisedCode"] .form-input').click();
  await page.getByTestId('sheet-choices').getByRole('button', { name: /^U · / }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved. The changes are in force now.');
  expect(kiosk.core.getSettings().rules).toMatchObject({ lateCode: 'N', unauthorisedCode: 'U' });
});

test('the Done screen shows the school’s pass message under "take your pass"', async ({ page, kiosk }) => {
  await kiosk.open();
  await kiosk.scan(AVA_SMITH.badge);
  await page.getByRole('button', { name: /Sign in late/ }).click();
  await page.getByRole('button', { name: 'Traffic' }).click();
  await expect(page.getByText('Take your pass from the printer.')).toBeVisible();
  await expect(page.getByTestId('done-message')).toHaveText('Go straight to your lesson.');
});
