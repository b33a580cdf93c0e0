import { expect, test } from '@playwright/test';
import { appUrl, originOnly } from './env.js';

const views = [
  { link: 'Data', heading: 'No datasets yet' },
  { link: 'Models', heading: 'No models yet' },
  { link: 'Explain', heading: 'Nothing to explain yet' },
  { link: 'Annotate', heading: 'No annotation sets yet' },
  { link: 'Evaluate', heading: 'No evaluations yet' },
  { link: 'Studies', heading: 'No studies yet' },
  { link: 'Catalogue', heading: 'Catalogue' },
  { link: 'Engine', heading: 'Engine' },
];

test('opens every view from the navigation and keeps a screenshot of each', async ({ page }, testInfo) => {
  await page.goto(appUrl());
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const view of views) {
    await nav.getByRole('link', { name: view.link, exact: true }).click();
    await expect(page.getByRole('heading', { level: view.heading === view.link ? 1 : 2, name: view.heading })).toBeVisible();
    await expect(nav.getByRole('link', { name: view.link, exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveURL(new RegExp(`#/${view.link.toLowerCase()}$`));
    const path = testInfo.outputPath(`view-${view.link.toLowerCase()}.png`);
    await page.screenshot({ path });
    await testInfo.attach(`view ${view.link}`, { path, contentType: 'image/png' });
  }
});

test('reaches every view by keyboard alone', async ({ page }) => {
  await page.goto(appUrl());
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Data', exact: true })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'No models yet' })).toBeVisible();
});

test('shows the workspace and the resolved engines', async ({ page }) => {
  await page.goto(`${appUrl()}#/catalogue`);
  await expect(page.getByTestId('workspace-path')).toHaveText(process.env.HEATLAB_E2E_WORKSPACE!);
  await page.getByRole('link', { name: 'Engine', exact: true }).click();
  await expect(page.getByTestId('tfjs-backend')).toHaveText(/^(tensorflow-gpu|tensorflow|wasm|cpu)$/);
  await expect(page.getByText(/ONNX Runtime \d+\.\d+/).first()).toBeVisible();
});

test('takes the token out of the address once it is traded for the cookie, keeping the view', async ({ page }) => {
  await page.goto(`${appUrl()}#/catalogue`);
  await expect(page.getByTestId('workspace-path')).toBeVisible();
  expect(page.url()).toBe(`${originOnly()}#/catalogue`);
  // A reload finds the app through the cookie alone.
  await page.reload();
  await expect(page.getByTestId('workspace-path')).toBeVisible();
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => c.name)).toEqual([`heatlab_token_${new URL(appUrl()).port}`]);
});

test('refuses a page request without the token', async ({ browser, request }) => {
  const response = await request.get(originOnly(), { headers: { cookie: '' } });
  expect(response.status()).toBe(401);
  expect(await response.text()).toContain('token');
  // A fresh browser profile has no token cookie: the app does not load.
  const context = await browser.newContext();
  const page = await context.newPage();
  const navigation = await page.goto(originOnly());
  expect(navigation?.status()).toBe(401);
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  await context.close();
});

test('follows the system dark setting', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(appUrl());
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    const luminance = (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    if (colorScheme === 'dark') expect(luminance).toBeLessThan(0.3);
    else expect(luminance).toBeGreaterThan(0.7);
    await context.close();
  }
});
