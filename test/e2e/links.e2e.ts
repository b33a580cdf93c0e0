// Issue 15, items 10 and 11: no dead ends between a dataset, its models, their runs and evaluations,
// and the Explain and Annotate forms; an explanation run's images as an annotation worklist.
import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, drag, finished, trainModel, value } from './e2e-api.js';

test('walks from a dataset to its model, its runs, Explain with a misclassified image and Evaluate, and the Explain form survives a visit to a grid', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[] };
  try {
    await trainModel(api, created, 'e2e links', stamp, 300, 1);
    const explained = await finished(api, value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { pick: 'indices', indices: [5, 9, 20] }, methods: [{ id: 'gradient' }] })));
    created.runs = (explained.result as { runIds: number[] }).runIds;
    const run = value(await api['explanations.get']({ id: created.runs[0]! }));

    // Dataset → its model → its runs.
    await page.goto(`${appUrl()}#/data/${created.dataset}`);
    await page.getByRole('list', { name: 'Models of this dataset' }).getByRole('link', { name: `e2e links model ${stamp}` }).click();
    await expect(page).toHaveURL(new RegExp(`#/models/${created.model}$`));
    await expect(page.getByRole('list', { name: 'Explanation runs of this model' }).getByRole('link', { name: run.name })).toBeVisible();
    await expect(page.getByText('No run of this model has been evaluated yet.')).toBeVisible();

    // A misclassified image opens in Explain with that model and that image.
    // One epoch on 300 images leaves the model well short of perfect, so it has mistakes to show.
    const mistakes = value(await api['models.misclassified']({ id: created.model }));
    expect(mistakes.indices.length).toBeGreaterThan(0);
    {
      await page.getByRole('combobox', { name: 'Order' }).selectOption('index');
      const first = Math.min(...mistakes.indices);
      await page.getByRole('link', { name: `Explain image ${first}`, exact: true }).click();
      await expect(page).toHaveURL(/#\/explain$/);
      await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));
      await expect(page.getByRole('textbox', { name: 'Dataset indices' })).toHaveValue(String(first));
      await page.goBack();
      await expect(page).toHaveURL(new RegExp(`#/models/${created.model}$`));
    }

    // "Explain this model" prefills the form; its choices stay after looking at a grid.
    await page.getByRole('link', { name: 'Explain this model' }).click();
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));
    await page.getByRole('combobox', { name: 'Choose' }).selectOption('indices');
    await page.getByRole('textbox', { name: 'Dataset indices' }).fill('1, 2, 3');
    await page.getByRole('spinbutton', { name: 'Method seed' }).fill('7');
    // In-app navigation (a hash change), as following a link to the grid does: page.goto would reload.
    await page.evaluate((hash) => void (window.location.hash = hash), `#/explain/runs/${run.id}`);
    await expect(page.getByRole('heading', { level: 1, name: `e2e links model ${stamp}` })).toBeVisible();
    await page.getByRole('link', { name: '← Explain' }).click();
    await expect(page.getByRole('textbox', { name: 'Dataset indices' })).toHaveValue('1, 2, 3');
    await expect(page.getByRole('spinbutton', { name: 'Method seed' })).toHaveValue('7');
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));

    // "Evaluate" opens the Evaluate form on this model.
    await page.goto(`${appUrl()}#/models/${created.model}`);
    await page.getByRole('link', { name: 'Evaluate this model' }).click();
    await expect(page).toHaveURL(new RegExp(`#/evaluate\\?model=${created.model}$`));
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));
    expect(errors).toEqual([]);
  } finally {
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});

test('annotates exactly the images an explanation run explained, with the generated mask shown faintly and annotated thumbnails marked', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[], set: 0 };
  try {
    await trainModel(api, created, 'e2e worklist', stamp, 300, 1);
    const explained = await finished(api, value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { pick: 'indices', indices: [20, 5, 9] }, methods: [{ id: 'gradient' }] })));
    created.runs = (explained.result as { runIds: number[] }).runIds;
    const runId = created.runs[0]!;
    created.set = value(await api['annotations.create']({ datasetId: created.dataset, name: `e2e worklist set ${stamp}`, annotator: 'playwright', labels: ['shape'] })).id;

    // From the run's grid into the set, on the run's first image.
    await page.goto(`${appUrl()}#/explain/runs/${runId}`);
    await page.getByTestId('annotate-run').getByRole('link', { name: `in “e2e worklist set ${stamp}”` }).click();
    await expect(page).toHaveURL(new RegExp(`#/annotate/${created.set}/5\\?run=${runId}$`));
    await expect(page.getByTestId('worklist')).toContainText('1 of 3');
    await expect(page.getByTestId('progress')).toContainText('0 / 3 annotated');

    // Next and Previous move within the worklist: 5 → 9 → 20, and stop there.
    const canvas = page.getByTestId('mask-canvas');
    await expect(canvas).toHaveAttribute('data-revision', /[1-9]/);
    await page.keyboard.press('ArrowRight');
    await expect(page).toHaveURL(new RegExp(`#/annotate/${created.set}/9\\?run=${runId}$`));
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect(page).toHaveURL(new RegExp(`#/annotate/${created.set}/20\\?run=${runId}$`));
    await expect(page.getByRole('button', { name: 'Next →' })).toBeDisabled();
    await page.keyboard.press('ArrowLeft');
    await expect(page).toHaveURL(new RegExp(`#/annotate/${created.set}/9\\?run=${runId}$`));

    // The generated mask, faintly, while drawing.
    await page.getByRole('checkbox', { name: 'Generated mask' }).check();
    await expect(canvas).toHaveAttribute('data-reference', 'on');
    await page.getByRole('radio', { name: /Rectangle/ }).click();
    await drag(page, canvas, [0.3, 0.3], [0.7, 0.7]);
    await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
    await expect(page.getByTestId('progress')).toContainText('1 / 3 annotated');
    await page.keyboard.press('ArrowRight');
    await expect(canvas).toHaveAttribute('data-reference', 'on');

    // The strip marks the annotated image.
    await expect(page.locator('#thumb-9').getByTestId('thumb-mark')).toBeVisible();
    await expect(page.locator('#thumb-5').getByTestId('thumb-mark')).toHaveCount(0);
    expect(errors).toEqual([]);
  } finally {
    if (created.set) await api['annotations.delete']({ id: created.set });
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
