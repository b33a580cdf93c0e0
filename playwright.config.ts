import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Debian's Chromium: Playwright's own browser download cannot work on these offline machines.
const chromium = process.env.HEATLAB_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(`End-to-end tests need Chromium at ${chromium}: install it with "apt-get install -y chromium" (or set HEATLAB_CHROMIUM).`);
}

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    viewport: { width: 1400, height: 850 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      // Debian's Chromium (151.0.7922.137 on) pre-renders its address-bar popup (a WebUI page in a
      // renderer of its own) at every start, headless too: seconds of CPU a test machine's two cores
      // would share with the app under test. Puppeteer disables the same two features by default.
      // main/bench/explain-view-bench.ts launches with these arguments too.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup'],
    },
  },
});
