import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // The compute host runs from its bundle: build dist/main once before the tests.
    globalSetup: ['test/setup/build-main.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    restoreMocks: true,
  },
});
