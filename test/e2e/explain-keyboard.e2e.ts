import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

// The grid is one focusable element whose active cell the arrow keys move; Enter opens the active
// cell's comparison from the moment the grid has focus, before any arrow key was pressed.
test('opens the first cell’s comparison with Enter as soon as the grid has focus', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, run: 0 };
  try {
    await trainModel(api, created, 'e2e grid keys', stamp, 40, 1);
    const explained = await finished(api, value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { split: 'all', pick: 'first', n: 3 }, methods: [{ id: 'gradient' }] })));
    expect(explained.status, explained.error?.message).toBe('done');
    created.run = (explained.result as { runIds: number[] }).runIds[0]!;

    await page.goto(`${appUrl()}#/explain/runs/${created.run}`);
    const grid = page.getByTestId('heatmap-grid');
    await expect(grid.locator('[data-testid="heat-cell"]')).toHaveCount(3);
    await grid.focus();
    await expect(grid).toHaveAttribute('aria-activedescendant', /-cell-0-0$/);
    await page.keyboard.press('Enter');
    const compare = page.getByTestId('row-compare');
    await expect(compare).toBeVisible();
    await expect(compare.getByRole('heading')).toContainText('Image #0');
    await page.keyboard.press('Escape');
    await expect(compare).toHaveCount(0);
    await expect(grid).toBeFocused();
    // And again, without moving.
    await page.keyboard.press('Enter');
    await expect(compare).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    if (created.run) await api['explanations.delete']({ id: created.run });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
