// Each e2e test gets its own KioskCore in its own temporary data directory (demo roster, default
// settings, clock fixed at 09:07 London time on a school day) bound to the page, torn down for
// sure afterwards. The pass printer is a fake whose answer a test can change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type CDPSession, type Page } from '@playwright/test';
import { KioskCore, type PassPrinterPort } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import type { KioskStatus, PassOutcome } from '../../shared/ipc/contract';
import type { SiteSettingsInput } from '../../shared/settings';
import { bindKiosk, KIOSK_URL } from './kiosk-binding';

/** Tuesday 24 November 2026, 09:07 in London (GMT): seven minutes after the AM late time. */
export const SCHOOL_MORNING = '2026-11-24T09:07:00Z';

/** From resources/demo-roster.csv. */
export const AVA_SMITH = {
  badge: '100003',
  id: 'demo-3',
  name: 'Ava Smith',
  short: 'Ava S.',
  year: 9,
  form: '9C',
};
export const MAJA_PATEL = {
  badge: '100002',
  id: 'demo-2',
  name: 'Maja Patel',
  short: 'Maja P.',
  year: 8,
  form: '8C',
};
export const IVY_HUGHES = {
  badge: '100004',
  id: 'demo-4',
  name: 'Ivy Hughes',
  short: 'Ivy H.',
  year: 10,
  form: '10A',
};

export interface FakePrinter extends PassPrinterPort {
  next: PassOutcome;
  printed: number;
}

function fakePrinter(): FakePrinter {
  const printer: FakePrinter = {
    next: { status: 'printed', problem: null },
    printed: 0,
    async print() {
      if (printer.next.status === 'printed') printer.printed++;
      return printer.next;
    },
    async status() {
      return printer.next.status === 'failed'
        ? { state: 'problem', problem: printer.next.problem }
        : { state: 'ok', problem: null };
    },
  };
  return printer;
}

export interface KioskHarness {
  core: KioskCore;
  clock: ReturnType<typeof fixedClock>;
  printer: FakePrinter;
  /** Change site settings before open() (a deep patch of the top-level sections). */
  configure(patch: Partial<SiteSettingsInput>): void;
  /** Load the production renderer bundle with window.kiosk bound to this core. */
  open(): Promise<void>;
  /** A keyboard-wedge scan: the badge typed a few ms per key, then Enter, as a USB scanner does. */
  scan(badge: string): Promise<void>;
  /** Push a status event from main, as the sync engine and printer do. */
  pushStatus(status: Partial<KioskStatus>): Promise<void>;
  /** Rows of the events table: what actually landed in SQLite. */
  storedEvents(): Record<string, unknown>[];
}

/**
 * The scanner threshold the e2e kiosk runs with. Playwright's keys each cost two CDP round trips
 * that wait for the renderer, 10-40 ms on a two-core CI machine and more when it is busy; 100 ms
 * still leaves a wide gap to the slow-typing test's person (350 ms a key). The product default is 35.
 */
export const E2E_MAX_KEY_GAP_MS = 100;

/** The first keys sent to a fresh page are slow (cold input path): warm it with keys the detector ignores. */
export async function warmKeyboard(page: Page): Promise<void> {
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift');
}

const cdpSessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * A scanner's burst as the page sees it: every key of the badge, then Enter, 4 ms apart by the
 * events' own timestamps (CDP's `timestamp` becomes the KeyboardEvent's timeStamp, which the
 * wedge detector reads). On a saturated CPU, Playwright's one-key-at-a-time typing can space the
 * keys wider than any scanner does and the burst stops looking like a scan; here the spacing is
 * what a scanner sends whatever the machine's load. The keys are still real, trusted key events.
 */
export async function scannerBurst(page: Page, badge: string): Promise<void> {
  let session = cdpSessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    cdpSessions.set(page, session);
  }
  const cdp = await session;
  const keys = [...badge].map((ch) => ({
    key: ch,
    code: /\d/.test(ch) ? `Digit${ch}` : /[a-z]/i.test(ch) ? `Key${ch.toUpperCase()}` : '',
    text: ch,
    vk: /[a-z0-9]/i.test(ch) ? ch.toUpperCase().charCodeAt(0) : 0,
  }));
  keys.push({ key: 'Enter', code: 'Enter', text: '\r', vk: 13 });
  const t0 = Date.now() / 1000;
  // Sent in order without waiting for each answer: the renderer gets them as one burst.
  const sent: Promise<unknown>[] = [];
  keys.forEach((k, i) => {
    const at = t0 + i * 0.004;
    const base = { key: k.key, code: k.code, windowsVirtualKeyCode: k.vk, nativeVirtualKeyCode: k.vk };
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base, text: k.text, unmodifiedText: k.text, timestamp: at }));
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base, timestamp: at + 0.001 }));
  });
  await Promise.all(sent);
}

export const test = base.extend<{ kiosk: KioskHarness }>({
  kiosk: async ({ page }, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-e2e-'));
    const clock = fixedClock(SCHOOL_MORNING);
    const printer = fakePrinter();
    const core = KioskCore.open({ dataDir, clock, printer });
    core.updateSettings({
      settings: {
        ...core.getSettings(),
        scanner: { ...core.getSettings().scanner, maxKeyGapMs: E2E_MAX_KEY_GAP_MS },
      },
    });
    let unbind = () => {};
    const harness: KioskHarness = {
      core,
      clock,
      printer,
      configure(patch) {
        const current = core.getSettings();
        const next: Record<string, unknown> = { ...current };
        for (const [k, v] of Object.entries(patch)) {
          const cur = (current as Record<string, unknown>)[k];
          next[k] =
            v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object'
              ? { ...cur, ...v }
              : v;
        }
        core.updateSettings({ settings: next });
      },
      async open() {
        unbind = await bindKiosk(page, core);
        await page.goto(KIOSK_URL);
        await expect(page.locator('.kiosk[data-screen="idle"]')).toBeVisible();
        // The wedge listener attaches in an effect after the idle screen paints: wait for it.
        await expect(page.locator('html[data-scanner="ready"]')).toHaveCount(1, { timeout: 15_000 });
        await warmKeyboard(page);
      },
      scan: (badge) => scannerBurst(page, badge),
      async pushStatus(patch) {
        const status = { ...(await core.getStatus()), ...patch };
        core.emit('status', status);
      },
      storedEvents: () =>
        core.db.prepare('SELECT * FROM events ORDER BY occurred_at').all() as Record<string, unknown>[],
    };
    try {
      await use(harness);
    } finally {
      unbind();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

/**
 * Where a spec's screenshots of new screens go: docs/screenshots/<sub> under `npm run screenshots`
 * (which sets PASSDESK_SCREENSHOTS), else test-results/, so that `npm test` never rewrites the
 * pictures the README shows (a clean checkout stays clean after a test run).
 */
export function screenshotDir(sub: string): string {
  const root = path.resolve(import.meta.dirname, '../..');
  return process.env.PASSDESK_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots', sub) : path.join(root, 'test-results/e2e-screenshots', sub);
}

export { expect };
