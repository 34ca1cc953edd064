// End-to-end tests: the production renderer bundle (dist/renderer, built by `npm run
// build:renderer`) in Debian's Chromium, with window.kiosk bound to a real KioskCore in the test
// process (tests/e2e/kiosk-binding.ts). Failures keep a trace and a screenshot in test-results/.
import { defineConfig } from '@playwright/test';

export const chromiumLaunch = {
  executablePath: process.env.PASSDESK_CHROMIUM ?? '/usr/bin/chromium',
  // This machine class has no network but the registries: background networking would only
  // produce refused connections; no GPU, and root needs --no-sandbox.
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
};

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  // Ceilings, not waits: a test ends as soon as what it expects happens; a busy CI machine only
  // needs the room.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  forbidOnly: true,
  workers: process.env.CI ? 1 : 2,
  reporter: process.env.CI
    ? [['list']]
    : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: chromiumLaunch,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  },
});
