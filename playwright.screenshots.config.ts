// `npm run screenshots`: every kiosk screen, both locales, landscape and portrait, into
// docs/screenshots/. Also fails when anything on a screen spills outside the window (no scrolling
// on a kiosk). Same Chromium and binding as the e2e suite.
import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './playwright.config';

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
    { name: 'landscape', use: { viewport: { width: 1280, height: 800 } } },
    { name: 'portrait', use: { viewport: { width: 1080, height: 1920 } } },
    { name: 'wide', use: { viewport: { width: 1920, height: 1080 } } },
  ],
});
