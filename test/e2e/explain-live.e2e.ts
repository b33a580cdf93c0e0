// The Explain grid of a running job: a fast method's cells are drawn while a slow one (RISE with many
// masks, seconds of forward passes) still runs, its column shown as pending with waiting cells; when
// it finishes, its cells fill in on the same page.
import { expect, test } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

test('fills in a running job’s grid as each method finishes, showing the unfinished one as pending', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, job: 0 };
  try {
    await trainModel(api, created, 'e2e live', stamp, 200, 1);

    // Gradient takes milliseconds; RISE with 40,000 masks takes seconds per image even on a fast machine.
    const job = value(
      await api['explain.start']({
        modelId: created.model,
        datasetId: created.dataset,
        images: { split: 'test', pick: 'first', n: 3 },
        methods: [{ id: 'gradient' }, { id: 'rise', params: { masks: 40_000 } }],
      }),
    );
    created.job = job.id;
    await page.goto(`${appUrl()}#/explain/job/${job.id}`);

    // While RISE runs: Gradient's cells are drawn on the rows' canvases, RISE's column is pending.
    const grid = page.getByTestId('heatmap-grid');
    const heads = grid.getByRole('columnheader');
    await expect(heads).toHaveText(['Gradient (signed)', /^RISE\s+·\s+pending$/], { timeout: 120_000 });
    await expect(grid.getByRole('rowheader')).toHaveCount(3);
    await expect(grid.locator('[data-testid="heat-cell"][data-column="0"]')).toHaveCount(3);
    await expect(grid.locator('[data-column="1"][aria-busy="true"]')).toHaveCount(3);
    await expect(grid.locator('canvas[data-testid="heat-row"][data-drawn="1"]')).toHaveCount(3);

    // RISE finishes: its column fills in on the same page, and the address names both runs.
    await expect(heads).toHaveText(['Gradient (signed)', 'RISE'], { timeout: 200_000 });
    await expect(grid.locator('[aria-busy="true"]')).toHaveCount(0);
    await expect(grid.locator('[data-testid="heat-cell"]')).toHaveCount(6);
    await expect(grid.locator('canvas[data-testid="heat-row"][data-drawn="2"]')).toHaveCount(3);
    const done = await finished(api, job);
    expect(done.status).toBe('done');
    await expect(page).toHaveURL(new RegExp(`#/explain/runs/${(done.result as { runIds: number[] }).runIds.join(',')}$`));
    expect(errors).toEqual([]);
  } finally {
    if (created.job) {
      if (['queued', 'running'].includes(value(await api['jobs.get']({ id: created.job })).status)) await api['jobs.cancel']({ id: created.job });
      const job = await finished(api, value(await api['jobs.get']({ id: created.job })));
      for (const id of (job.result as { runIds?: number[] } | null)?.runIds ?? []) await api['explanations.delete']({ id });
    }
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
