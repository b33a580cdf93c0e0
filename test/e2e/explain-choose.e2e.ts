import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, trainModel, value } from './e2e-api.js';

// Choosing what to explain by the model's own predictions, from the Explain form: random images of
// one class that the model gets right, with a confidence range; the grid shows only such images.
test('explains random images of one class that the model gets right, within a confidence range', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[] };
  try {
    await trainModel(api, created, 'e2e choose', stamp, 400, 2);
    const classes = value(await api['datasets.get']({ id: created.dataset })).classNames;

    await page.goto(`${appUrl()}#/explain`);
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e choose model ${stamp}` });
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue(String(created.dataset));
    await page.getByRole('combobox', { name: 'Choose' }).selectOption('class');
    await page.getByRole('combobox', { name: 'Class' }).selectOption({ label: classes[1]! });
    await page.getByRole('spinbutton', { name: 'How many' }).fill('4');
    const byPrediction = page.getByRole('group', { name: 'By the prediction' });
    await byPrediction.getByRole('combobox', { name: 'Predicted' }).selectOption('correct');
    await byPrediction.getByRole('spinbutton', { name: 'Confidence from' }).fill('0.5');
    await byPrediction.getByRole('spinbutton', { name: 'to' }).fill('1');
    await page.getByRole('button', { name: 'None', exact: true }).click();
    await page.getByRole('checkbox', { name: /^Gradient \(signed\)/ }).check();
    await page.getByRole('button', { name: 'Explain', exact: true }).click();

    await page.waitForURL(/#\/explain\/runs\/\d+$/, { timeout: 60_000 });
    created.runs = [Number(/runs\/(\d+)$/.exec(page.url())![1])];
    const run = value(await api['explanations.get']({ id: created.runs[0]! }));
    expect(run.selection).toMatchObject({ split: 'test', pick: 'random', n: 4, label: 1, outcome: 'correct' });
    // Every row is of that class and predicted as it.
    const heads = page.getByTestId('heatmap-grid').getByRole('rowheader');
    await expect(heads).toHaveCount(run.count);
    for (const head of await heads.all()) {
      await expect(head).toContainText(`true: ${classes[1]}`);
      await expect(head).toContainText(`pred: ${classes[1]}`);
    }
    expect(errors).toEqual([]);
  } finally {
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
