import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

// A run of more images than a page of the grid holds (1,000 of these): every image is reachable a
// page at a time, the filter sees every image, and a link to one image opens its page.
test('shows a run of 1,100 images a page at a time, filters all of them, and opens a linked image on its page', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, run: 0 };
  try {
    await trainModel(api, created, 'e2e pages', stamp, 1100, 1);
    const explained = await finished(api, value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { split: 'all', pick: 'first', n: 1100 }, methods: [{ id: 'gradient' }] })));
    expect(explained.status, explained.error?.message).toBe('done');
    created.run = (explained.result as { runIds: number[] }).runIds[0]!;

    await page.goto(`${appUrl()}#/explain/runs/${created.run}`);
    const grid = page.getByTestId('heatmap-grid');
    const range = page.getByTestId('page-range');
    await expect(page.getByTestId('row-count')).toHaveText('1,100 of 1,100 images');
    await expect(range).toHaveText('Images 1–1,000 of 1,100');
    await expect(grid).toHaveAttribute('data-rows', '1000');

    // The next page holds the last 100 images, and its cells read the stored heatmaps of rows 1,000 on.
    await page.getByRole('button', { name: 'Next ›' }).click();
    await expect(range).toHaveText('Images 1,001–1,100 of 1,100');
    await expect(grid).toHaveAttribute('data-rows', '100');
    await expect(grid.getByRole('rowheader').first()).toContainText('#1000');
    await expect(page.getByTestId('loading-rows')).toHaveCount(0);
    const stored = value(await api['explanations.heatmaps']({ id: created.run, rows: [1000] }));
    const { height: H, width: W } = stored;
    const cell = page.locator('[data-testid="heat-cell"][data-image="0"][data-column="0"]');
    const box = (await cell.boundingBox())!;
    const [x, y] = [Math.floor(W * 0.4), Math.floor(H * 0.7)];
    await page.mouse.move(box.x + ((x + 0.5) * box.width) / W, box.y + ((y + 0.5) * box.height) / H);
    await expect(page.getByTestId('readout-pixel')).toHaveAttribute('data-y', String(y));
    expect(Number(await page.getByTestId('readout-value').first().getAttribute('data-value'))).toBe(stored.heatmaps[y * W + x]);
    await page.mouse.move(5, 5);

    // The filter counts every image of the run, not only a page: as many mistakes as the stored
    // logits and the dataset's labels say, and it starts again at the first page.
    const index = value(await api['explanations.gridIndex']({ ids: [created.run] }));
    const classes = index.logits.length / index.indices.length;
    const wrong = Array.from(index.indices).filter((_, r) => {
      const row = index.logits.subarray(r * classes, (r + 1) * classes);
      return row.indexOf(Math.max(...row)) !== index.labels[r];
    }).length;
    await page.getByTestId('outcome-filter').selectOption('incorrect');
    await expect(page.getByTestId('row-count')).toHaveText(`${wrong.toLocaleString('en-US')} of 1,100 images`);
    if (wrong > 1000) await expect(range).toHaveText(`Images 1–1,000 of ${wrong.toLocaleString('en-US')}`);
    else {
      await expect(range).toHaveCount(0);
      await expect(grid).toHaveAttribute('data-rows', String(wrong));
    }

    // A link to one image (as an evaluation's best and worst images give) opens it on its page.
    await page.goto(`${appUrl()}#/explain/runs/${created.run}?image=1050`);
    await page.reload();
    const compare = page.getByTestId('row-compare');
    await expect(compare.getByRole('heading')).toContainText('Image #1050');
    await expect(range).toHaveText('Images 1,001–1,100 of 1,100');
    expect(errors).toEqual([]);
  } finally {
    if (created.run) await api['explanations.delete']({ id: created.run });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
