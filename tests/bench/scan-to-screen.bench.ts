// From the scanner's last key (Enter) to the student screen painted, in real Chromium with the
// production renderer bundle, on a 50,000-student roster: 200 wedge scans of random students.
// Measured inside the page with performance marks (renderer/src/perf.ts): the Enter keydown's own
// timeStamp to a task queued after the next animation frame. Target: p95 < 100 ms, the point at
// which a response stops feeling instant.
//
// The transport here is Playwright's exposeBinding (a CDP round trip through this process), which
// is slower than Electron's IPC: the figure is an upper bound for the kiosk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import type { Student } from '../../shared/model';
import { chromiumLaunch } from '../../playwright.config';
import { bindKiosk, KIOSK_URL, RENDERER_DIST } from '../e2e/kiosk-binding';
import { E2E_MAX_KEY_GAP_MS, scannerBurst, warmKeyboard } from '../e2e/fixtures';
import type { PageGlobals } from '../e2e/page-globals';
import { line, summarise } from './stats';

const ROSTER = 50_000;
const SCANS = 200;
const WARM_UP = 20;
const TARGET_P95_MS = 100;

if (!fs.existsSync(path.join(RENDERER_DIST, 'index.html'))) {
  console.log('building the renderer bundle (dist/renderer)…');
  await build({
    configFile: path.resolve(import.meta.dirname, '../../renderer/vite.config.ts'),
    logLevel: 'warn',
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-bench-screen-'));
const core = KioskCore.open({ dataDir: dir, clock: fixedClock('2026-11-24T09:07:00Z'), demo: false });
const first = [
  'Amelia',
  'Oliver',
  'Isla',
  'George',
  'Ava',
  'Noah',
  'Mia',
  'Arthur',
  'Zoë',
  'Łukasz',
  'Siobhán',
  'Fatima',
];
const last = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Nguyễn',
  'Kowalski',
  'Okafor',
  'Patel',
  'Müller',
  'García',
  'Murphy',
];
const students: Student[] = Array.from({ length: ROSTER }, (_, i) => ({
  id: `s${i}`,
  misId: `m${i}`,
  forename: first[i % first.length]!,
  surname: last[(i * 7) % last.length]!,
  year: 7 + (i % 7),
  form: `${7 + (i % 7)}${'ABCD'[i % 4]}`,
  groupId: null,
  badge: String(1_000_000 + i),
  photo: null,
  active: true,
}));
core.importStudents(students, 'bench');
// Playwright's keys are slower than a scanner's (see tests/e2e/fixtures.ts); the threshold only
// decides whether a burst counts, not how fast the screen answers.
core.updateSettings({
  settings: {
    ...core.getSettings(),
    scanner: { ...core.getSettings().scanner, maxKeyGapMs: E2E_MAX_KEY_GAP_MS },
  },
});

// The core's own share of each scan, timed in this process.
const coreMs: number[] = [];
const realScan = core.scan.bind(core);
core.scan = (req) => {
  const t0 = performance.now();
  try {
    return realScan(req);
  } finally {
    coreMs.push(performance.now() - t0);
  }
};

const browser = await chromium.launch({ ...chromiumLaunch, headless: true });
const started = performance.now();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await bindKiosk(page, core);
  await page.goto(KIOSK_URL);
  await page.waitForSelector('.kiosk[data-screen="idle"]');
  await warmKeyboard(page);

  const samples: number[] = [];
  let missed = 0;
  for (let i = 0; i < WARM_UP + SCANS; i++) {
    const badge = String(1_000_000 + ((i * 7919 + 13) % ROSTER));
    const before = await page.evaluate(() => performance.getEntriesByName('passdesk:scan-to-screen').length);
    await scannerBurst(page, badge);
    const ok = await page
      .waitForFunction((n) => performance.getEntriesByName('passdesk:scan-to-screen').length > n, before, {
        timeout: 5_000,
      })
      .then(
        () => true,
        () => false,
      );
    if (!ok) {
      missed++;
    } else if (i >= WARM_UP) {
      samples.push(
        await page.evaluate(() => performance.getEntriesByName('passdesk:scan-to-screen').at(-1)!.duration),
      );
    }
    // "Not me": back to idle for the next student, outside the measured span.
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).document.querySelector('.topbar-action button')?.click(),
    );
    await page.waitForSelector('.kiosk[data-screen="idle"]');
  }
  coreMs.splice(0, WARM_UP);

  const r = summarise(samples);
  console.log(
    `roster ${ROSTER} students, ${samples.length} measured scans (${WARM_UP} warm-up), ${missed} not recognised as scans`,
  );
  console.log(line('scan-to-screen (last key to painted)', samples));
  console.log(line('  of which core.scan in process', coreMs));
  console.log(
    `p95 ${r.p95.toFixed(1)} ms vs target ${TARGET_P95_MS} ms: ratio ${(r.p95 / TARGET_P95_MS).toFixed(2)} ${r.p95 < TARGET_P95_MS ? '(within target)' : '(OVER TARGET)'}`,
  );
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (missed > 0 || r.p95 >= TARGET_P95_MS) process.exitCode = 1;
} finally {
  await browser.close();
  core.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
