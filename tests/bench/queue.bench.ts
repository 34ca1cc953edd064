// The morning queue: students per minute through one kiosk, from the scan to the done screen
// with the pass printed. Real Chromium with the production renderer bundle, window.kiosk bound to
// a real KioskCore (demo roster, 09:07: every student is late), and the pass sent over TCP to the
// printer emulator (tests/fakes/printer) through the real PassPrinter. Each student: a scanner
// burst, "Sign in late", a reason (two taps, the fastest late path), done with "take your pass";
// the next student scans while the done screen is still up, as a queue does.
//
// Two figures: the kiosk alone (people taking no time at all: what the machine allows), and with
// people's time added from a stated model. Goal: at least 10 students a minute, limited by people,
// not by the kiosk. The taps go through Playwright (CDP round trips), so the kiosk's share is an
// upper bound.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import { PassPrinter } from '../../electron/core/hardware/printer';
import { chromiumLaunch } from '../../playwright.config';
import { bindKiosk, KIOSK_URL, RENDERER_DIST } from '../e2e/kiosk-binding';
import { scannerBurst, warmKeyboard } from '../e2e/fixtures';
import { startPrinterEmulator } from '../fakes/printer/emulator';
import { line, summarise } from './stats';

const STUDENTS = 60;
const WARM_UP = 5;
const GOAL_PER_MINUTE = 10;
/**
 * People's time per student at the screen (a model, not measured): lift the badge to the scanner
 * 2 s, read and tap each of the two choices 1.5 s each. Taking the pass and stepping aside (about
 * 3 s) overlaps the next student's scan, since the done screen hands over to a new scan at once;
 * the figure without that overlap is printed too.
 */
const PEOPLE_SECONDS = 2 + 2 * 1.5;
const PASS_PICKUP_SECONDS = 3;

if (!fs.existsSync(path.join(RENDERER_DIST, 'index.html'))) {
  console.log('building the renderer bundle (dist/renderer)…');
  await build({ configFile: path.resolve(import.meta.dirname, '../../renderer/vite.config.ts'), logLevel: 'warn' });
}

const emu = await startPrinterEmulator({ columns: 48, lifetimeMs: 10 * 60_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-bench-queue-'));
const printer = new PassPrinter();
const core = KioskCore.open({ dataDir: dir, clock: fixedClock('2026-11-24T09:07:00Z'), printer: printer.kioskPort() });
core.updateSettings({
  settings: {
    ...core.getSettings(),
    printer: { ...core.getSettings().printer, transport: 'tcp', host: emu.host, port: emu.port, paperWidth: 80, timeoutMs: 2000 },
    kiosk: { doneSeconds: 30, idleSeconds: 300, showCodeOnDone: false },
  },
});
const badges = (core.db.prepare('SELECT badge FROM students WHERE active = 1 AND badge IS NOT NULL ORDER BY id').all() as { badge: string }[]).map((r) => r.badge);
if (badges.length < WARM_UP + STUDENTS) throw new Error(`the demo roster has only ${badges.length} badges`);

const browser = await chromium.launch({ ...chromiumLaunch, headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await bindKiosk(page, core);
  await page.goto(KIOSK_URL);
  await page.waitForSelector('.kiosk[data-screen="idle"]');
  await page.waitForSelector('html[data-scanner="ready"]', { state: 'attached' });
  await warmKeyboard(page);

  const perStudent: number[] = [];
  let measuredMs = 0;
  for (let i = 0; i < WARM_UP + STUDENTS; i++) {
    const t0 = performance.now();
    await scannerBurst(page, badges[i]!);
    await page.waitForSelector(`.kiosk[data-screen="student"]`, { timeout: 10_000 });
    await page.click('[data-direction="sign_in"]');
    await page.click('[data-reason="traffic"]');
    await page.waitForSelector('.kiosk[data-screen="done"] .pass-printed', { timeout: 10_000 });
    const took = performance.now() - t0;
    if (i >= WARM_UP) {
      perStudent.push(took);
      measuredMs += took;
    }
  }
  await emu.waitForReceipts(WARM_UP + STUDENTS, 10_000);
  const stored = (core.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;

  const kioskPerMinute = (60_000 * STUDENTS) / measuredMs;
  const median = summarise(perStudent).median;
  const withPeople = 60 / (PEOPLE_SECONDS + median / 1000);
  console.log(`students ${STUDENTS} (${WARM_UP} warm-up), events stored ${stored}, passes out of the emulator ${emu.receipts.length}, all cut: ${emu.receipts.every((r) => r.cut)}`);
  console.log(line('queue: scan to done, pass printed (kiosk)', perStudent));
  console.log(`queue: kiosk alone ${kioskPerMinute.toFixed(1)} students a minute (people taking no time)`);
  console.log(
    `queue: with people (${PEOPLE_SECONDS} s at the screen each, modelled) ${withPeople.toFixed(1)} students a minute; goal ${GOAL_PER_MINUTE}: ${withPeople >= GOAL_PER_MINUTE ? 'met' : 'NOT MET'}; kiosk share of each student ${((100 * median) / (median + PEOPLE_SECONDS * 1000)).toFixed(0)}%`,
  );
  console.log(
    `queue: if each student waited for the one before to take the pass (+${PASS_PICKUP_SECONDS} s) ${(60 / (PEOPLE_SECONDS + PASS_PICKUP_SECONDS + median / 1000)).toFixed(1)} students a minute`,
  );
  if (stored !== WARM_UP + STUDENTS || emu.receipts.length < WARM_UP + STUDENTS || withPeople < GOAL_PER_MINUTE) process.exitCode = 1;
} finally {
  await browser.close();
  core.close();
  await emu.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
