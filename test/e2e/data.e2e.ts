import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { appUrl } from './env.js';

/** Statistics of what a canvas holds: drawn pixels, the range of red, and how many look tinted (not grey). */
function pixels(canvas: Locator) {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const { data } = el.getContext('2d')!.getImageData(0, 0, el.width, el.height);
    let drawn = 0;
    let min = 255;
    let max = 0;
    let tinted = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      drawn++;
      min = Math.min(min, data[i]!);
      max = Math.max(max, data[i]!);
      if (Math.abs(data[i]! - data[i + 1]!) > 30) tinted++;
    }
    return { drawn, min, max, tinted };
  });
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Deletes the open dataset through its confirmation dialog, leaving the shared workspace as it was. */
async function deleteDataset(page: Page, name: string) {
  await page.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete “${name}”?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Delete dataset' }).click();
  await expect(page).toHaveURL(/#\/data$/);
  await expect(page.getByRole('link', { name })).toHaveCount(0);
}

test('generates a small Triangles & Squares dataset from the UI, then shows its thumbnails, ground truth and parameters', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const name = `e2e triangles ${Date.now()}`;
  await page.goto(`${appUrl()}#/data`);
  await page.getByRole('link', { name: 'New dataset' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'New dataset' })).toBeVisible();

  await page.getByRole('radio', { name: 'Triangles & Squares', exact: true }).check();
  await page.getByRole('spinbutton', { name: 'Images' }).fill('200');
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  // The live preview draws 16 samples with their ground truth.
  await expect(page.getByTestId('preview').locator('canvas')).toHaveCount(16);

  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.waitForURL(/#\/data\/\d+$/, { timeout: 60_000 });
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Facts' })).toContainText('200');

  // Thumbnails: each grid row is one canvas; the first one drew real, non-uniform grey pixels.
  const grid = page.getByTestId('thumbnail-grid');
  const row = grid.locator('canvas').first();
  await expect(row).toHaveAttribute('data-drawn', /^[1-9]/);
  const plain = await pixels(row);
  expect(plain.drawn).toBeGreaterThan(0);
  expect(plain.max - plain.min).toBeGreaterThan(10);
  expect(plain.tinted).toBe(0);

  // The ground-truth overlay tints the object pixels.
  await page.getByRole('checkbox', { name: 'Ground truth' }).check();
  await expect(row).toHaveAttribute('data-overlay', 'on');
  expect((await pixels(row)).tinted).toBeGreaterThan(0);

  // An image's parameters, then the keyboard moves the selection and Esc closes the panel.
  await grid.getByRole('option').first().click();
  const panel = page.getByRole('complementary', { name: 'Image 0' });
  await expect(panel.getByRole('table', { name: 'Parameters of image 0' })).toContainText('theta');
  await expect(panel).toContainText(/square|triangle/);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('complementary', { name: 'Image 1' })).toBeVisible();
  const path = testInfo.outputPath('data-generated.png');
  await page.screenshot({ path });
  await testInfo.attach('generated dataset', { path, contentType: 'image/png' });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: 'Image 1' })).toHaveCount(0);

  await deleteDataset(page, name);
  expect(errors).toEqual([]);
});

test('imports a folder of PNGs chosen in the folder browser and shows the import report', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const folder = mkdtempSync(join(tmpdir(), 'heatlab-e2e-import-'));
  try {
    for (const [cls, grey] of [['circles', 40], ['stripes', 200]] as const) {
      mkdirSync(join(folder, cls));
      for (let k = 0; k < 4; k++) {
        const pixels = Buffer.alloc(16 * 16, grey);
        for (let i = 0; i < 16 * 16; i += 3 + k) pixels[i] = 255 - grey;
        await sharp(pixels, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(join(folder, cls, `${cls}-${k}.png`));
      }
    }
    const name = `e2e import ${Date.now()}`;
    await page.goto(`${appUrl()}#/data`);
    await page.getByRole('link', { name: 'Import' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Import images' })).toBeVisible();

    const path = page.getByRole('textbox', { name: 'Go to path' });
    await path.fill(folder);
    await path.press('Enter');
    await expect(page.getByRole('listbox', { name: `Contents of ${folder}` }).getByRole('option', { name: 'circles' })).toBeVisible();
    await page.getByRole('button', { name: 'Choose this folder' }).click();

    const plan = page.getByTestId('import-plan');
    await expect(plan.getByRole('table', { name: 'Classes found' })).toContainText('circles');
    await expect(plan.getByRole('table', { name: 'Classes found' })).toContainText('stripes');
    await expect(plan).toContainText('16×16');
    await page.getByRole('textbox', { name: 'Name' }).fill(name);
    await page.getByRole('button', { name: 'Import', exact: true }).click();

    await page.waitForURL(/#\/data\/\d+$/, { timeout: 60_000 });
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByTestId('imported-count')).toHaveText('8 images');
    await expect(page.getByRole('region', { name: 'Facts' })).toContainText(folder);
    await expect(page.getByTestId('thumbnail-grid').locator('canvas').first()).toHaveAttribute('data-drawn', /^[1-9]/);
    const shot = testInfo.outputPath('data-imported.png');
    await page.screenshot({ path: shot });
    await testInfo.attach('imported dataset', { path: shot, contentType: 'image/png' });
    await deleteDataset(page, name);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  expect(errors).toEqual([]);
});
