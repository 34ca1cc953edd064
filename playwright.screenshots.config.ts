// `npm run screenshots`: every kiosk screen, both locales, landscape and portrait, into
// docs/screenshots/. Also fails when anything on a screen spills outside the window (no scrolling
// on a kiosk). Same Chromium and binding as the e2e suite. The roll call and messages specs take
// their screens' pictures as they test them: here (PASSDESK_SCREENSHOTS=1) into docs/screenshots/
// too, once, at the landscape size they were designed for; under `npm test` into test-results/.
import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './playwright.config';

process.env.PASSDESK_SCREENSHOTS = '1';
const SPECS_WITH_PICTURES = ['rollcall.spec.ts', 'messages.spec.ts'];

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: 'screenshots*.shots.ts',
  outputDir: 'test-results/screenshots',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunch,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    timezoneId: 'Europe/London',
  },
  projects: [
    { name: 'landscape', use: { viewport: { width: 1280, height: 800 } }, testMatch: ['screenshots*.shots.ts', ...SPECS_WITH_PICTURES] },
    { name: 'portrait', use: { viewport: { width: 1080, height: 1920 } } },
    { name: 'wide', use: { viewport: { width: 1920, height: 1080 } } },
  ],
});
