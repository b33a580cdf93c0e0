// Issue 7's whole loop in the UI: draw the regions a human would look at on three images, then
// score two methods' heatmaps against that annotation set, read the table and the curve plot
// against the API, and export the per-image CSV.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { appUrl } from './env.js';
import { collectErrors, connectApi, drag, finished, trainModel, value } from './e2e-api.js';

test('annotates three images, then evaluates two methods against that set, reads the table and curves, and exports the CSV', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[], set: 0, evaluation: 0 };
  try {
    await trainModel(api, created, 'e2e loop', stamp, 300, 1);
    const explained = await finished(
      api,
      value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { pick: 'indices', indices: [0, 1, 2] }, methods: [{ id: 'gradient' }, { id: 'gradient-x-input' }] })),
    );
    created.runs = (explained.result as { runIds: number[] }).runIds;

    // Draw a rectangle on each of the three explained images.
    created.set = value(await api['annotations.create']({ datasetId: created.dataset, name: `e2e loop set ${stamp}`, annotator: 'playwright', labels: ['shape'] })).id;
    await page.goto(`${appUrl()}#/annotate/${created.set}/0`);
    const canvas = page.getByTestId('mask-canvas');
    await expect(canvas).toHaveAttribute('data-revision', /[1-9]/);
    await page.getByRole('radio', { name: /Rectangle/ }).click();
    for (const index of [0, 1, 2]) {
      if (index > 0) {
        await page.keyboard.press('ArrowRight');
        await expect(page).toHaveURL(new RegExp(`#/annotate/${created.set}/${index}$`));
      }
      await drag(page, canvas, [0.3, 0.3], [0.7, 0.7]);
      await expect(page.getByTestId('progress')).toContainText(`${index + 1} / 300 annotated`);
      await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
    }
    const masks = value(await api['annotations.masks']({ id: created.set, indices: [0, 1, 2] }));
    expect(masks.data.reduce((n, v) => n + (v === 1 ? 1 : 0), 0)).toBeGreaterThan(3 * 100);

    // Evaluate both runs against the set.
    await page.goto(`${appUrl()}#/evaluate`);
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e loop model ${stamp}` });
    await expect(page.getByRole('checkbox', { name: /^Gradient \(signed\)/ })).toBeChecked();
    await page.getByRole('radio', { name: 'Annotation set' }).check();
    await page.getByRole('combobox', { name: 'Annotation set' }).selectOption({ label: `e2e loop set ${stamp} — playwright` });
    const metrics = value(await api['evaluate.metrics']({}));
    const labelOf = (id: string) => new RegExp(`^${metrics.find((m) => m.id === id)!.label.replace(/[()]/g, '\\$&')}`);
    await expect(page.getByRole('checkbox', { name: labelOf('region-perturbation') })).toBeChecked();
    await page.getByRole('checkbox', { name: labelOf('relevance-mass-accuracy') }).check();
    await page.getByRole('spinbutton', { name: 'Bootstrap resamples' }).fill('200');
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await page.waitForURL(/#\/evaluate\/\d+$/, { timeout: 180_000 });
    created.evaluation = Number(/#\/evaluate\/(\d+)$/.exec(page.url())![1]);
    const evaluation = value(await api['evaluations.get']({ id: created.evaluation }));
    expect(evaluation.groundTruth).toEqual({ kind: 'set', id: created.set });
    const mass = evaluation.metricDetails.findIndex((m) => m.id === 'relevance-mass-accuracy');
    expect(evaluation.table[mass]!.map((s) => s.n)).toEqual([3, 3, 3]);

    // The table shows the stored means; the curve plot has a mean per column.
    const cells = page.getByTestId('score-table').locator('[data-testid="score-cell"][data-metric="relevance-mass-accuracy"]');
    await expect(cells).toHaveCount(3);
    for (let c = 0; c < 3; c++) expect(Number(await cells.nth(c).getAttribute('data-mean'))).toBe(evaluation.table[mass]![c]!.mean);
    await expect(page.getByTestId('curve-plot').locator('svg').getByTestId('curve-mean')).toHaveCount(3);
    await page.screenshot({ path: testInfo.outputPath('annotate-evaluate-results.png') });

    // The per-image CSV: three images × three columns.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Per-image CSV' }).click()]);
    const csvPath = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(csvPath);
    expect(readFileSync(csvPath, 'utf8').trim().split('\n')).toHaveLength(1 + 3 * 3);
    expect(errors).toEqual([]);
  } finally {
    if (created.evaluation) await api['evaluations.delete']({ id: created.evaluation });
    if (created.set) await api['annotations.delete']({ id: created.set });
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
