import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';

test('runs a 5-second engine benchmark with visible progress to completion', async ({ page }) => {
  await page.goto(`${appUrl()}#/engine`);
  const check = page.getByRole('region', { name: 'Engine check' });
  await check.getByLabel('Duration').selectOption({ label: 'Benchmark for 5 s' });
  await check.getByRole('button', { name: 'Run engine check' }).click();

  const bar = check.getByRole('progressbar', { name: 'Engine check progress' });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(10);
  // The Jobs panel shows the same job with its own bar and an ETA.
  const panel = page.getByRole('complementary', { name: 'Jobs' });
  await expect(panel.getByRole('progressbar').first()).toBeVisible();
  await expect(panel.getByText(/left/).first()).toBeVisible();

  await expect(check.getByTestId('engine-check-verdict')).toContainText('agree', { timeout: 30_000 });
  await expect(check.getByTestId('engine-check-result')).toContainText('GFLOP/s');
  await expect(panel.locator('li[data-status="done"]').first()).toBeVisible();
});

test('cancels a running benchmark from the Jobs panel', async ({ page }) => {
  await page.goto(`${appUrl()}#/engine`);
  const check = page.getByRole('region', { name: 'Engine check' });
  await check.getByLabel('Duration').selectOption({ label: 'Benchmark for 2 min' });
  await check.getByRole('button', { name: 'Run engine check' }).click();
  const panel = page.getByRole('complementary', { name: 'Jobs' });
  const running = panel.locator('li[data-status="running"]').first();
  await expect(running).toBeVisible();
  await running.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.locator('li[data-status="cancelled"]').first()).toContainText('Cancelled by the user');
  await expect(check.getByRole('button', { name: 'Run engine check' })).toBeEnabled();
  // The catalogue records it.
  await page.getByRole('link', { name: 'Catalogue', exact: true }).click();
  await page.getByLabel('Status').selectOption('cancelled');
  await expect(page.getByRole('region', { name: 'Job history' }).getByRole('cell', { name: 'cancelled', exact: true }).first()).toBeVisible();
});
