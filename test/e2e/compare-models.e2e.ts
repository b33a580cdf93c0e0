// Comparing models in the app: two models ticked in the Models list are explained on the same images
// in one go, the grid shows them as column groups (and the row comparison by model), both are
// evaluated, and the two evaluations ticked in the Evaluate list open the comparison — one table per
// metric with a column group per model, numbers equal to evaluations.compare's, and a sentence per
// paired test.
import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

test('explains two models on the same images side by side, evaluates both and compares them method by method', async ({ page }, testInfo) => {
  test.setTimeout(360_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, second: 0, runs: [] as number[], evaluations: [] as number[] };
  try {
    // A dataset, one model trained on it (trainModel), and a second one of another architecture.
    await trainModel(api, created, 'e2e compare', stamp, 160, 1);
    const first = `e2e compare model ${stamp}`;
    const second = `e2e compare cnn ${stamp}`;
    const trained = await finished(api, value(await api['models.train']({ datasetId: created.dataset, name: second, architecture: { kind: 'preset', preset: 'tiny-cnn' }, training: { epochs: 1, seed: 2 } })));
    created.second = (trained.result as { modelId: number }).modelId;

    // Models list: tick both, and compare their explanations.
    await page.goto(`${appUrl()}#/models`);
    const together = page.getByTestId('models-together');
    await expect(together.getByRole('button', { name: 'Compare explanations' })).toBeDisabled();
    await page.getByRole('checkbox', { name: `Select ${first}` }).check();
    await page.getByRole('checkbox', { name: `Select ${second}` }).check();
    await expect(together.getByRole('button', { name: 'Compare evaluations' })).toBeDisabled();
    await expect(page.getByTestId('together-words')).toContainText('No evaluations of these 2 models share');
    await together.getByRole('button', { name: 'Compare explanations' }).click();

    // The Explain form: the first model chosen, the second ticked to be explained on the same images.
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue(String(created.dataset));
    await expect(page.getByRole('group', { name: 'Other models to explain' }).getByRole('checkbox', { name: second })).toBeChecked();
    await page.getByRole('combobox', { name: 'Choose' }).selectOption('first');
    await page.getByRole('spinbutton', { name: 'How many' }).fill('6');
    await page.getByRole('button', { name: 'None', exact: true }).click();
    await page.getByRole('checkbox', { name: /^Gradient \(signed\)/ }).check();
    await page.getByRole('checkbox', { name: /^Gradient × Input/ }).check();
    // Choosing images by whether each model is right would pick other images per model.
    await page.getByRole('combobox', { name: 'Predicted' }).selectOption('incorrect');
    await expect(page.getByText(/^Models compared side by side explain the same images/)).toBeVisible();
    await page.getByRole('combobox', { name: 'Predicted' }).selectOption('all');
    await page.screenshot({ path: testInfo.outputPath('explain-two-models.png') });
    await page.getByRole('button', { name: 'Explain on 2 models' }).click();

    // One job per model; when both are done the address names all four runs, and the grid groups them by model.
    await page.waitForURL(/#\/explain\/(jobs\/\d+,\d+|runs\/\d+,\d+,\d+,\d+)$/);
    await page.waitForURL(/#\/explain\/runs\/\d+,\d+,\d+,\d+$/, { timeout: 120_000 });
    created.runs = /runs\/([\d,]+)$/.exec(page.url())![1]!.split(',').map(Number);
    const runs = await Promise.all(created.runs.map(async (id) => value(await api['explanations.get']({ id }))));
    expect(runs.map((r) => r.modelId)).toEqual([created.model, created.model, created.second, created.second]);
    const grid = page.getByTestId('heatmap-grid');
    await expect(grid).toHaveAttribute('data-cols', '4');
    await expect(grid).toHaveAttribute('data-rows', '6');
    await expect(page.getByTestId('model-group-head')).toHaveText([first, second]);
    await expect(grid.getByRole('columnheader')).toHaveText(['Gradient (signed)', 'Gradient × Input', 'Gradient (signed)', 'Gradient × Input']);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${first} vs ${second}`);
    await expect(page.getByTestId('heat-row').first()).toHaveAttribute('data-drawn', /^[1-9]/);
    const norm = page.getByTestId('norm-mode');
    await expect(norm.locator('option')).toHaveText(['Per cell', 'Per image (across methods)', 'Per image within each model', 'Per method (across images)', 'Per method across models', 'Global']);
    await norm.selectOption('method-models');
    await page.screenshot({ path: testInfo.outputPath('grid-two-models.png') });

    // The row comparison: one section per model, each headed by that model's own prediction.
    await grid.focus();
    await page.keyboard.press('Enter');
    const compare = page.getByTestId('row-compare');
    await expect(compare.getByTestId('compare-model')).toHaveCount(2);
    await expect(compare.getByRole('heading', { level: 3 })).toHaveText([new RegExp(`^${first} · predicted (triangle|square) \\(`), new RegExp(`^${second} · predicted (triangle|square) \\(`)]);
    await expect(compare.getByRole('img')).toHaveCount(5);
    await page.keyboard.press('Escape');
    await expect(compare).toHaveCount(0);

    // Evaluate each model's runs the same way.
    const metrics = [{ id: 'relevance-mass-accuracy' }, { id: 'sparseness' }];
    for (const model of [created.model, created.second]) {
      const job = await finished(api, value(await api['evaluate.start']({ runIds: runs.filter((r) => r.modelId === model).map((r) => r.id), metrics, groundTruth: { kind: 'generated', mask: 'object' }, resamples: 200, name: `e2e compare evaluation ${model} ${stamp}` })));
      expect(job.status, job.error?.message).toBe('done');
      created.evaluations.push((job.result as { evaluationId: number }).evaluationId);
    }
    // One more of the first model with other metrics: it cannot be compared with the second's.
    const other = await finished(api, value(await api['evaluate.start']({ runIds: [runs[0]!.id], metrics: [{ id: 'sparseness' }], resamples: 100, name: `e2e compare other ${stamp}` })));
    created.evaluations.push((other.result as { evaluationId: number }).evaluationId);

    // The Evaluate list: ticking evaluations that differ says which part, ticking the pair opens the comparison.
    await page.goto(`${appUrl()}#/evaluate`);
    const tick = (name: string) => page.getByRole('checkbox', { name: new RegExp(`^Compare ${name} \\(evaluation`) });
    await tick(`e2e compare other ${stamp}`).check();
    await tick(`e2e compare evaluation ${created.second} ${stamp}`).check();
    await expect(page.getByTestId('compare-mismatch')).toHaveText(/^Evaluations \d+ and \d+ use different ground truths \(none and generated "object" masks\)\.$/);
    await expect(page.getByRole('button', { name: 'Compare models' })).toBeDisabled();
    await tick(`e2e compare other ${stamp}`).uncheck();
    await tick(`e2e compare evaluation ${created.model} ${stamp}`).check();
    await page.getByRole('button', { name: 'Compare models' }).click();
    await page.waitForURL(new RegExp(`#/evaluate/compare/${created.evaluations[1]},${created.evaluations[0]}$`));

    // One table per metric, a column group per model (in the order ticked), the numbers main computed.
    const comparison = value(await api['evaluations.compare']({ ids: [created.evaluations[1]!, created.evaluations[0]!] }));
    const tables = page.getByTestId('comparison-table');
    await expect(tables).toHaveCount(2);
    for (const [k, mc] of comparison.metrics.entries()) {
      const table = tables.nth(k);
      await expect(table).toHaveAttribute('data-metric', mc.metric.id);
      await expect(table.getByTestId('model-group')).toHaveText([second, first]);
      await expect(table.getByRole('rowheader')).toHaveText(['Gradient (signed)', 'Gradient × Input', 'Random map (baseline)']);
      const cells = table.getByTestId('comparison-cell');
      await expect(cells).toHaveCount(6);
      for (const [j, row] of mc.cells.entries())
        for (const [i, cell] of row.entries()) {
          await expect(cells.nth(j * 2 + i)).toHaveAttribute('data-mean', String(cell!.mean));
          await expect(cells.nth(j * 2 + i)).toHaveAttribute('data-model', String(comparison.models[i]!.modelId));
        }
      await expect(table.getByTestId('comparison-test')).toHaveCount(2);
    }
    // A sentence per paired test, as the API words it.
    const sentences = page.getByTestId('comparison-sentence');
    await expect(sentences).toHaveCount(4);
    await expect(sentences.first()).toHaveText(
      new RegExp(`^On relevance mass accuracy, Gradient \\(signed\\) (on (${first}|${second}) beats (${first}|${second}) on the same 6 images, p [=<] [\\d.]+ \\(Holm\\)|is not distinguishable between ${second} and ${first} on the same 6 images, p = [\\d.]+ \\(Holm\\)|shows no non-zero differences between ${second} and ${first} on the same 6 images: .*)\\.$`),
    );
    await page.screenshot({ path: testInfo.outputPath('compare-models.png'), fullPage: true });

    // The CSV export: one line per metric and method, with the sentence.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Comparison CSV' }).click()]);
    const csv = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
    expect(csv.trim().split('\n')).toHaveLength(1 + 2 * 3);
    expect(csv).toContain(`,${second},${created.second},`);

    // Back in the Models list, the two ticked models now have comparable evaluations.
    await page.goto(`${appUrl()}#/models`);
    await page.getByRole('checkbox', { name: `Select ${first}` }).check();
    await page.getByRole('checkbox', { name: `Select ${second}` }).check();
    await page.getByTestId('models-together').getByRole('button', { name: 'Compare evaluations' }).click();
    await page.waitForURL(new RegExp(`#/evaluate/compare/${created.evaluations[0]},${created.evaluations[1]}$`));
    await expect(page.getByTestId('comparison-table').first().getByTestId('model-group')).toHaveText([first, second]);
    expect(errors).toEqual([]);
  } finally {
    for (const id of created.evaluations) await api['evaluations.delete']({ id });
    for (const id of created.runs) await api['explanations.delete']({ id });
    for (const id of [created.model, created.second]) if (id) await api['models.delete']({ id });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
