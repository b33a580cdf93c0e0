// Issue 15 item 9: the Catalogue as the lab notebook — search and filter every entity, follow its
// provenance to the entity's own page and back, read the jobs in words, and clean up an entity
// nothing references after confirming.
import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

test('searches and filters the catalogue, follows a provenance link, reads the jobs in words, and deletes what nothing references after confirming', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[], evaluation: 0, spare: 0 };
  try {
    await trainModel(api, created, 'e2e catalogue', stamp, 160, 1);
    const explained = await finished(api, value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { pick: 'indices', indices: [1, 2, 3] }, methods: [{ id: 'gradient' }] })));
    created.runs = (explained.result as { runIds: number[] }).runIds;
    const evaluated = await finished(api, value(await api['evaluate.start']({ runIds: created.runs, metrics: [{ id: 'sparseness' }], resamples: 100, name: `e2e catalogue evaluation ${stamp}` })));
    created.evaluation = (evaluated.result as { evaluationId: number }).evaluationId;
    const spare = await finished(api, value(await api['datasets.generate']({ generator: 'counting-circles', params: { count: 40, seed: 9 }, name: `e2e catalogue spare ${stamp}` })));
    created.spare = (spare.result as { datasetId: number }).datasetId;
    const run = value(await api['explanations.get']({ id: created.runs[0]! }));

    await page.goto(`${appUrl()}#/catalogue`);
    const entities = page.getByRole('region', { name: 'Entities' });
    const rows = entities.getByTestId('entity-row');
    // Every word must occur: the stamp and "circles" (a parameter of the spare dataset's generator) find it alone.
    const search = entities.getByRole('searchbox', { name: 'Search the catalogue' });
    await search.fill(`${stamp} circles`);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-key', `dataset:${created.spare}`);
    // The stamp alone: the four named with it, and the run, whose summary names its model.
    await search.fill(String(stamp));
    await expect(rows).toHaveCount(5);
    await expect(entities.locator(`[data-key="model:${created.model}"]`)).toContainText(/test accuracy \d/);

    // By kind: only the model.
    await entities.getByRole('radio', { name: /^Models/ }).check();
    await expect(rows).toHaveCount(1);
    const modelRow = rows.first();
    await expect(modelRow).toHaveAttribute('data-key', `model:${created.model}`);
    // Its recorded parameters fold out as readable pairs.
    await modelRow.getByText(/recorded parameters$/).click();
    await expect(modelRow.getByText('Training › Epochs')).toBeVisible();

    // The model was trained on the dataset: that link opens the dataset's page, and Back returns to the list as it was.
    await modelRow.getByRole('list', { name: /made from$/ }).getByRole('link', { name: `e2e catalogue data ${stamp}` }).click();
    await expect(page).toHaveURL(new RegExp(`#/data/${created.dataset}$`));
    await expect(page.getByRole('heading', { level: 1, name: `e2e catalogue data ${stamp}` })).toBeVisible();
    await page.goBack();
    await expect(rows).toHaveCount(1);
    await expect(search).toHaveValue(String(stamp));
    // What was made from the model: its run, whose page is the heatmap grid.
    await rows.first().getByRole('list', { name: /used by$/ }).getByRole('link', { name: run.name }).click();
    await expect(page).toHaveURL(new RegExp(`#/explain/runs/${run.id}$`));
    await page.goBack();

    // The jobs in words: what the training worked on and how it ended, linking to the model.
    const jobs = page.getByRole('region', { name: 'Job history' });
    const training = jobs.getByTestId('job-row').filter({ hasText: `e2e catalogue data ${stamp}` }).filter({ hasText: 'Train model' });
    await expect(training).toContainText(/trained — test accuracy \d+(\.\d)? %/);
    await expect(training.getByRole('link', { name: `e2e catalogue model ${stamp}` })).toBeVisible();
    await expect(jobs).not.toContainText('{"');

    // Clean up: only what nothing references — the spare dataset and the evaluation.
    await entities.getByRole('radio', { name: /^All/ }).check();
    await entities.getByRole('checkbox', { name: 'Only what nothing references' }).check();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-key', `dataset:${created.spare}`);
    await expect(rows.nth(1)).toHaveAttribute('data-key', `evaluation:${created.evaluation}`);
    await entities.getByRole('checkbox', { name: `Select dataset e2e catalogue spare ${stamp}` }).check();
    await entities.getByRole('button', { name: 'Delete selected…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 1 entity?' });
    await expect(dialog).toContainText(`Dataset “e2e catalogue spare ${stamp}”`);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(entities.getByRole('status')).toContainText('Deleted 1 entity');
    await expect(rows).toHaveCount(1);
    expect((await api['datasets.get']({ id: created.spare })).ok).toBe(false);
    created.spare = 0;
    expect(errors).toEqual([]);
  } finally {
    if (created.spare) await api['datasets.delete']({ id: created.spare });
    if (created.evaluation) await api['evaluations.delete']({ id: created.evaluation });
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
