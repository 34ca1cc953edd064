// Shared steps for the admin area's e2e tests and screenshots: roster CSVs written into the
// kiosk's data folder (this year's, next year's), the way into the admin area, typing on the
// staff keyboard, and a file export connector writing into the data folder.
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { FileExportConnector } from '../../electron/core/mis/fileexport/connector';
import { silentLogger } from '../../electron/core/logging/logger';
import { memorySecretStore } from '../../electron/core/security/secrets';
import type { Clock } from '../../electron/core/clock';
import { DEFAULT_RESOURCES_DIR, type KioskCore } from '../../electron/core/kiosk';
import { fileExportUsSettings } from '../../shared/mis-us';
import { ADMIN_PIN, signInStaff } from './staff-helpers';

/** The demo roster's rows (header first), as the school's MIS would export them. */
export function demoRows(): string[] {
  return fs.readFileSync(path.join(DEFAULT_RESOURCES_DIR, 'demo-roster.csv'), 'utf8').trim().split(/\r?\n/);
}

/** Writes a roster CSV into the kiosk's data folder and makes it the roster source. */
export function rosterCsv(core: KioskCore, lines: string[]): string {
  const file = path.join(core.dataDir, 'roster.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  core.roster.saveConfig({ source: { kind: 'csv', path: file } }, 'test');
  return file;
}

export async function openAdmin(page: Page, section?: string): Promise<void> {
  await signInStaff(page, ADMIN_PIN);
  await page.getByRole('button', { name: 'Admin', exact: true }).click();
  await expect(page.getByTestId('admin-section')).toHaveAttribute('data-section', 'roster');
  if (section) {
    await page.locator(`[data-admin-section="${section}"]`).click();
    await expect(page.getByTestId('admin-section')).toHaveAttribute('data-section', section);
  }
}

/** Types on the staff keyboard, switching to its symbols for / . - and back. */
export async function typeStaff(page: Page, text: string): Promise<void> {
  let symbols = false;
  for (const ch of text) {
    const wantSymbols = !/[a-z0-9]/.test(ch);
    if (!/[0-9]/.test(ch) && wantSymbols !== symbols) {
      await page.getByRole('button', { name: symbols ? 'Letters' : 'Symbols' }).click();
      symbols = wantSymbols;
    }
    await page.locator(`.staff-keyboard [data-key="${ch}"]`).click();
  }
}

/** Next year's roster: everyone up a year and into the next form; Year 13 has left. Header first. */
export function nextYearRows(): string[] {
  const [header, ...students] = demoRows();
  return [
    header!,
    ...students
      .map((r) => r.split(','))
      .filter((c) => Number(c[4]) < 13)
      .map((c) => [c[0], c[1], c[2], c[3], String(Number(c[4]) + 1), c[5]!.replace(/^\d+/, String(Number(c[4]) + 1)), c[6]].join(',')),
  ];
}

/** A file export into `out` (a folder in the data dir), as the MIS port (sync/mis-port.ts) would make for a US school. */
export function fileExportIn(core: KioskCore, clock: Clock, out: string): FileExportConnector {
  return new FileExportConnector({
    settings: fileExportUsSettings.parse({ connector: 'file', schoolId: '042', fields: [{ field: 'student_id' }, { field: 'date' }, { field: 'code' }], codeMap: { L: 'TU' }, destination: { kind: 'folder', path: out } }),
    secrets: memorySecretStore({}),
    logger: silentLogger,
    ledgerFile: path.join(core.dataDir, 'file-export.sqlite'),
    timeZone: 'Europe/London',
    clock,
  });
}
