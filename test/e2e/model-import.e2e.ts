import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelWithOp } from '../fixtures/onnx-fixtures.js';
import { pytorchMadeCnn } from '../fixtures/foreign-onnx.js';
import { appUrl } from './env.js';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Generates a small Triangles & Squares dataset from the Data view; returns its id. */
async function generateDataset(page: Page, name: string): Promise<number> {
  await page.goto(`${appUrl()}#/data/new`);
  await page.getByRole('radio', { name: 'Triangles & Squares', exact: true }).check();
  await page.getByRole('spinbutton', { name: 'Images' }).fill('200');
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.waitForURL(/#\/data\/\d+$/, { timeout: 60_000 });
  return Number(/#\/data\/(\d+)$/.exec(page.url())![1]);
}

/** Opens `folder` in the file browser and chooses `file` in it. */
async function chooseFile(page: Page, folder: string, file: string): Promise<void> {
  const path = page.getByRole('textbox', { name: 'Go to path' });
  await path.fill(folder);
  await path.press('Enter');
  const listing = page.getByRole('listbox', { name: `Contents of ${folder}` });
  await listing.getByRole('option', { name: new RegExp(file.replace('.', '\\.')) }).click();
  await page.getByRole('button', { name: `Choose ${file}` }).click();
}

test('imports a PyTorch-made ONNX file through the Models view, test-runs it on a dataset, lists it as imported, and deletes it', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const folder = mkdtempSync(join(tmpdir(), 'heatlab-e2e-onnx-'));
  const stamp = Date.now();
  const name = `e2e torch import ${stamp}`;
  const datasetName = `e2e import data ${stamp}`;
  const datasetId = await generateDataset(page, datasetName);
  try {
    writeFileSync(join(folder, 'torch-cnn.onnx'), pytorchMadeCnn().bytes);
    writeFileSync(join(folder, 'with-resize.onnx'), modelWithOp('Resize'));
    writeFileSync(join(folder, 'notes.txt'), 'not a model');

    await page.goto(`${appUrl()}#/models`);
    await page.getByRole('link', { name: 'Import ONNX model' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Import an ONNX model' })).toBeVisible();

    // A graph the compiler cannot handle is named, with what still works.
    await chooseFile(page, folder, 'with-resize.onnx');
    await expect(page.getByTestId('unsupported-ops')).toContainText('Resize');
    await expect(page.getByTestId('unsupported-ops')).toContainText('forward-only methods (Occlusion, RISE, LIME, KernelSHAP) still work');
    await expect(page.getByRole('listbox')).toHaveCount(0);

    // The PyTorch file: its inputs, outputs, opset and producer, then the form.
    await page.getByRole('button', { name: 'Change…' }).click();
    await chooseFile(page, folder, 'torch-cnn.onnx');
    const summary = page.getByTestId('onnx-summary');
    await expect(summary).toContainText('pytorch 2.1.0');
    await expect(summary).toContainText('opset 13');
    const io = summary.getByRole('table', { name: 'Inputs and outputs' });
    await expect(io.getByRole('row', { name: /input\.1/ })).toContainText('[batch_size, 1, 32, 32]');
    await expect(io.getByRole('row', { name: /input\.1/ })).toContainText('image input, NCHW');
    await expect(io.getByRole('row', { name: /^Output output/ })).toContainText('logits, 2 classes');
    await expect(page.getByRole('radio', { name: /NCHW/ })).toBeChecked();

    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    await page.getByLabel('Preprocessing preset').selectOption({ label: 'ImageNet mean/std' });
    await expect(page.getByTestId('import-problem')).toHaveText('The mean has 3 values and the model reads 1 channel.');
    await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
    await page.getByLabel('Preprocessing preset').selectOption({ label: '[0, 1]' });
    await page.getByRole('textbox', { name: 'Class names' }).fill('square, triangle');
    await expect(page.getByLabel('Test dataset')).toHaveValue(String(datasetId)); // the one dataset that fits
    await page.getByRole('spinbutton', { name: 'Images' }).fill('12');
    await page.getByRole('button', { name: 'Import', exact: true }).click();

    const result = page.getByTestId('import-result');
    await expect(result).toContainText(`Imported as ${name}`, { timeout: 60_000 });
    await expect(result).toContainText('2 classes, input 1×32×32');
    await expect(result).toContainText(new RegExp(`Test run on 12 images of ${datasetName}: accuracy [\\d.]+ %; predicted .+\\. Every score is finite\\.`));
    const shot = testInfo.outputPath('models-import.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('import page', { path: shot, contentType: 'image/png' });

    // Listed with source "imported"; its page says where it came from.
    await page.getByRole('link', { name: '← Models' }).click();
    const row = page.getByRole('table', { name: 'Models' }).getByRole('row', { name: new RegExp(name) });
    await expect(row).toContainText('imported');
    await expect(row).toContainText('ONNX from pytorch 2.1.0');
    await row.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByTestId('imported-from')).toContainText('torch-cnn.onnx');
    await expect(page.getByTestId('onnx-check')).toContainText('Verified');
    await expect(page.getByTestId('test-count')).toHaveText('12');
    const modelShot = testInfo.outputPath('models-imported-model.png');
    await page.screenshot({ path: modelShot });
    await testInfo.attach('imported model page', { path: modelShot, contentType: 'image/png' });

    // Leave the shared workspace without models, as the shell test expects.
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog', { name: `Delete “${name}”?` }).getByRole('button', { name: 'Delete model' }).click();
    await expect(page).toHaveURL(/#\/models$/);
    await expect(page.getByRole('heading', { name: 'No models yet' })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await page.goto(`${appUrl()}#/data/${datasetId}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog', { name: `Delete “${datasetName}”?` }).getByRole('button', { name: 'Delete dataset' }).click();
    await expect(page).toHaveURL(/#\/data$/);
    rmSync(folder, { recursive: true, force: true });
  }
});
