// `npm run screenshots`: the README's pictures, taken from the real app in browser mode on a fresh
// workspace (the e2e tests' global setup starts it). Not part of `npm test`: it writes files into
// resources/screenshots/ and takes a few minutes.
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.js';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '**/*.shot.ts',
  globalSetup: '../e2e/global-setup.ts',
  outputDir: '../../test-results/screenshots',
  timeout: 900_000,
  use: { ...base.use, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: 'light' },
});
