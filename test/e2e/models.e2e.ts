import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appUrl } from './env.js';
import { connectApi, finished, value } from './e2e-api.js';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Generates a Triangles & Squares dataset from the Data view; returns its id. */
async function generateDataset(page: Page, name: string, count: number): Promise<number> {
  await page.goto(`${appUrl()}#/data/new`);
  await page.getByRole('radio', { name: 'Triangles & Squares', exact: true }).check();
  await page.getByRole('spinbutton', { name: 'Images' }).fill(String(count));
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.waitForURL(/#\/data\/\d+$/, { timeout: 60_000 });
  return Number(/#\/data\/(\d+)$/.exec(page.url())![1]);
}

/** Plotted per-batch points of the live loss chart. */
async function batchPoints(page: Page): Promise<number> {
  return Number((await page.getByTestId('training-chart-loss').getAttribute('data-batch-points')) ?? 0);
}

test('trains a tiny CNN from the Models view, watches the chart move, and reads its confusion matrix', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  const stamp = Date.now();
  const datasetName = `e2e models data ${stamp}`;
  const modelName = `e2e tiny-cnn ${stamp}`;
  const datasetId = await generateDataset(page, datasetName, 1000);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models', exact: true }).click();
  await page.getByRole('link', { name: 'Train a model' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Train a model' })).toBeVisible();
  await page.getByLabel('Dataset to train on').selectOption({ label: `${datasetName} — 1,000 images` });
  await expect(page.getByTestId('dataset-facts')).toContainText('32×32 px, grey · 2 classes');

  // The summary is worked out before training: tiny-cnn on 32×32×1 with two classes.
  await expect(page.getByRole('radio', { name: 'Tiny CNN' })).toBeChecked();
  const summary = page.getByRole('region', { name: 'Model summary' });
  await expect(summary.getByTestId('parameter-total')).toHaveText('47,010');

  // A custom list: a dense layer moved to the top by keyboard is refused before anything runs.
  await page.getByRole('radio', { name: 'Custom layers' }).check();
  const layers = page.getByRole('list', { name: 'Custom layers' });
  await expect(layers.getByRole('listitem')).toHaveCount(8); // seven layers and the classifier note
  await page.getByLabel('Type of layer to add').selectOption({ label: 'Dense' });
  await page.getByRole('button', { name: 'Add layer' }).click();
  await page.getByRole('button', { name: 'Move layer 8 up' }).click();
  for (let k = 0; k < 6; k++) await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Move layer 1 down' })).toBeFocused();
  await expect(summary.getByTestId('architecture-problem')).toHaveText(/^Layer 1 \(dense\) needs a flat input/);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeDisabled();
  await page.getByRole('button', { name: 'Remove layer 1' }).click();
  await expect(summary.getByTestId('architecture-problem')).toHaveCount(0);
  await page.getByRole('radio', { name: 'Tiny CNN' }).check();

  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('3');
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill('4');
  await page.getByRole('textbox', { name: 'Name' }).fill(modelName);
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  // The live page: the number of plotted batch points grows while the job runs.
  await page.waitForURL(/#\/models\/job\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: modelName })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop and keep' })).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => batchPoints(page), { intervals: [50] }).toBeGreaterThan(0);
  const first = await batchPoints(page);
  await expect.poll(() => batchPoints(page), { intervals: [50] }).toBeGreaterThan(first);
  await expect(page.getByTestId('epoch-counter')).toHaveText(/Epoch [1-3] of 3/);

  await expect(page.getByRole('link', { name: 'Open the model' })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('training-chart-accuracy')).toHaveAttribute('data-epoch-points', '3');
  const live = testInfo.outputPath('models-training.png');
  await page.screenshot({ path: live });
  await testInfo.attach('training run', { path: live, contentType: 'image/png' });

  // The model page: summary, verified ONNX, and a confusion matrix that adds up to the test count.
  await page.getByRole('link', { name: 'Open the model' }).click();
  await page.waitForURL(/#\/models\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: modelName })).toBeVisible();
  await expect(page.getByTestId('onnx-check')).toContainText('Verified');
  await expect(page.getByTestId('confusion-heatmap')).toBeVisible();
  const testCount = Number((await page.getByTestId('test-count').textContent())!.replace(/,/g, ''));
  expect(testCount).toBe(300); // 30 % of 1,000 images
  await page.getByText('The matrix as a table').click();
  const cells = page.getByRole('table', { name: 'Confusion matrix' }).locator('td[data-count]');
  await expect(cells).toHaveCount(4);
  const counts = await cells.evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-count'))));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(testCount);
  await expect(page.getByRole('table', { name: 'Per-class precision and recall' })).toContainText('triangle');

  // Export the ONNX file into a folder chosen in the folder picker.
  const folder = mkdtempSync(join(tmpdir(), 'heatlab-e2e-export-'));
  try {
    await page.getByRole('button', { name: 'Export ONNX…' }).click();
    const path = page.getByRole('textbox', { name: 'Go to path' });
    await path.fill(folder);
    await path.press('Enter');
    await expect(page.getByRole('listbox', { name: `Contents of ${folder}` })).toBeVisible();
    await page.getByRole('button', { name: 'Choose this folder' }).click();
    const written = page.getByTestId('export-path');
    await expect(written).toHaveText(new RegExp(`^${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/.+\\.onnx$`));
    const file = (await written.textContent())!;
    expect(existsSync(file) && statSync(file).size).toBeGreaterThan(1000);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const shot = testInfo.outputPath('models-model-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('model page', { path: shot, contentType: 'image/png' });

  // Leave the shared workspace as it was: delete the model, then the dataset.
  await page.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete “${modelName}”?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Delete model' }).click();
  await expect(page).toHaveURL(/#\/models$/);
  await expect(page.getByRole('link', { name: modelName })).toHaveCount(0);

  await page.goto(`${appUrl()}#/data/${datasetId}`);
  await page.getByRole('button', { name: 'Delete…' }).click();
  await page.getByRole('dialog', { name: `Delete “${datasetName}”?` }).getByRole('button', { name: 'Delete dataset' }).click();
  await expect(page).toHaveURL(/#\/data$/);
  expect(errors).toEqual([]);
});

test('says in the Train form that LeNet-5 needs images of at least 32×32, and plans it on 64×64 images to end in one score per class', async ({ page }) => {
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const ids: number[] = [];
  try {
    const small = await finished(api, value(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 20, size: 16 }, name: `e2e lenet small ${stamp}` })));
    ids.push((small.result as { datasetId: number }).datasetId);
    const scaled = await finished(api, value(await api['datasets.generate']({ generator: 'triangles-squares-scaled', params: { count: 20 }, name: `e2e lenet scaled ${stamp}` })));
    ids.push((scaled.result as { datasetId: number }).datasetId);

    await page.goto(`${appUrl()}#/models/train?dataset=${ids[0]}`);
    await page.getByRole('radio', { name: 'LeNet-5 (Triangles & Squares study)' }).check();
    const summary = page.getByRole('region', { name: 'Model summary' });
    await expect(summary.getByTestId('architecture-problem')).toHaveText(
      'These 16×16 images are too small for LeNet-5 (Triangles & Squares study), which needs at least 32×32 pixels; choose another architecture or a custom layer list.',
    );
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeDisabled();

    // On 64×64 images the last layer is a dense one with the two class scores: 5×5×100 features × 2 + 2 biases.
    await page.getByLabel('Dataset to train on').selectOption({ label: `e2e lenet scaled ${stamp} — 20 images` });
    await expect(summary.getByTestId('architecture-problem')).toHaveCount(0);
    await expect(summary.getByRole('table', { name: 'Layers' }).locator('tbody tr').last()).toHaveText(/l08_dense\s*Dense\s*2\s*5,002/);
    await expect(summary.getByTestId('parameter-total')).toHaveText('51,637');
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
    expect(errors).toEqual([]);
  } finally {
    for (const id of ids) await api['datasets.delete']({ id });
    api.close();
  }
});
