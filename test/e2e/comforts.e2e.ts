// Issue 15 item 15: the theme the user chooses (light, dark, or the OS's) wins over the OS, is in
// place before the app's code runs, and survives reloads; the Jobs panel stays as the user left it.
import { expect, test, type Page } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors } from './e2e-api.js';

/** The page background's relative luminance, 0 (black) to 1 (white). */
async function backgroundLuminance(page: Page): Promise<number> {
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = background.match(/\d+/g)!.map(Number);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}

const theme = (page: Page) => page.getByRole('combobox', { name: 'Theme' });

test('applies a chosen theme over the OS setting before the app’s code runs, and keeps it across reloads', async ({ page }) => {
  const errors = collectErrors(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${appUrl()}#/engine`);
  await expect(theme(page)).toHaveValue('system');
  expect(await backgroundLuminance(page)).toBeGreaterThan(0.7);

  await theme(page).selectOption('Dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await backgroundLuminance(page)).toBeLessThan(0.3);

  // With the app's own script refused, the page is already dark: the choice is applied before it runs.
  await page.route(/\/assets\/index-[^/]+\.js$/, (route) => route.abort());
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await backgroundLuminance(page)).toBeLessThan(0.3);
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  await page.unroute(/\/assets\/index-[^/]+\.js$/);

  // Light on a dark OS.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(theme(page)).toHaveValue('dark');
  await theme(page).selectOption('Light');
  await page.reload();
  await expect(theme(page)).toHaveValue('light');
  expect(await backgroundLuminance(page)).toBeGreaterThan(0.7);

  // Following the system again: the OS decides, live.
  await theme(page).selectOption('Follow system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme');
  expect(await backgroundLuminance(page)).toBeLessThan(0.3);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await backgroundLuminance(page)).toBeGreaterThan(0.7);
  await page.reload();
  await expect(theme(page)).toHaveValue('system');
  // The refused script is the one error expected.
  expect(errors.filter((e) => !e.includes('net::ERR_FAILED'))).toEqual([]);
});

test('takes up a theme chosen in another tab of the app', async ({ context }) => {
  const first = await context.newPage();
  const second = await context.newPage();
  await first.goto(`${appUrl()}#/data`);
  await second.goto(`${appUrl()}#/models`);
  await theme(first).selectOption('Dark');
  await expect(second.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(theme(second)).toHaveValue('dark');
});

test('keeps the Jobs panel open or closed across reloads, as the user left it', async ({ page }) => {
  await page.goto(`${appUrl()}#/data`);
  const toggle = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Jobs/ });
  // Open the first time.
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#jobs-panel')).toBeVisible();
  await toggle.click();
  await expect(page.locator('#jobs-panel')).toHaveCount(0);
  await page.reload();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page.locator('#jobs-panel')).toHaveCount(0);
  await toggle.click();
  await page.reload();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#jobs-panel')).toBeVisible();
});
