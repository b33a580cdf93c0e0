// The README's screenshots: a Triangles & Squares dataset, a model trained on it, six methods'
// heatmaps, an annotation, an evaluation, and a first study (the Samek 2017 template, small), each
// view photographed at 1440×900 as a user sees it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { appUrl } from '../e2e/env.js';
import { connectApi, drag, finished, value } from '../e2e/e2e-api.js';

// npm runs scripts from the package root.
const out = join(process.cwd(), 'resources', 'screenshots');
const methods = ['sensitivity', 'gradient-x-input', 'integrated-gradients', 'lrp-epsilon', 'grad-cam', 'occlusion'];
const metrics = ['region-perturbation', 'relevance-mass-accuracy', 'pointing-game', 'sparseness'];

async function shoot(page: Page, name: string): Promise<void> {
  // Let late content (lists, plots, thumbnails) settle before the picture.
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(out, `${name}.png`) });
}

test('takes the README screenshots from the real app', async ({ page }) => {
  mkdirSync(out, { recursive: true });
  const api = await connectApi();
  try {
    const gen = await finished(api, value(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 2000, seed: 7 }, name: 'Triangles & Squares' })));
    const datasetId = (gen.result as { datasetId: number }).datasetId;
    const trained = await finished(api, value(await api['models.train']({ datasetId, name: 'Tiny CNN', training: { epochs: 4 } })));
    const modelId = (trained.result as { modelId: number }).modelId;
    const explained = await finished(api, value(await api['explain.start']({ modelId, datasetId, images: { pick: 'indices', indices: [0, 1, 2, 3, 4, 5, 6, 7] }, methods: methods.map((id) => ({ id })) })));
    const runIds = (explained.result as { runIds: number[] }).runIds;
    const evaluated = await finished(api, value(await api['evaluate.start']({ runIds, metrics: metrics.map((id) => ({ id })), groundTruth: { kind: 'generated', mask: 'object' }, resamples: 500 })));
    expect(evaluated.status).toBe('done');
    const evaluationId = (evaluated.result as { evaluationId: number }).evaluationId;
    const setId = value(await api['annotations.create']({ datasetId, name: 'Where a human looks', annotator: 'me', labels: ['shape'] })).id;

    await page.goto(`${appUrl()}#/data/${datasetId}`);
    const grid = page.getByTestId('thumbnail-grid');
    await expect(grid.locator('canvas').first()).toHaveAttribute('data-drawn', /^[1-9]/);
    await grid.getByRole('option').nth(2).click();
    await shoot(page, 'dataset');

    await page.goto(`${appUrl()}#/models/${modelId}`);
    await expect(page.getByTestId('test-count')).toBeVisible();
    await shoot(page, 'model');

    await page.goto(`${appUrl()}#/explain/runs/${runIds.join(',')}`);
    await expect(page.getByTestId('heat-row').first()).toBeVisible();
    await shoot(page, 'explain-grid');
    await page.getByTestId('heatmap-grid').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('row-compare')).toBeVisible();
    await shoot(page, 'explain-compare');
    await page.keyboard.press('Escape');

    await page.goto(`${appUrl()}#/annotate/${setId}/2`);
    const canvas = page.getByTestId('mask-canvas');
    await expect(canvas).toHaveAttribute('data-revision', /[1-9]/);
    await page.getByRole('radio', { name: /Rectangle/ }).click();
    await drag(page, canvas, [0.3, 0.3], [0.7, 0.7]);
    await shoot(page, 'annotate');

    await page.goto(`${appUrl()}#/evaluate/${evaluationId}`);
    await expect(page.getByTestId('score-table')).toBeVisible();
    await shoot(page, 'evaluate');

    await page.goto(`${appUrl()}#/catalogue`);
    await expect(page.getByTestId('workspace-path')).toBeVisible();
    await shoot(page, 'catalogue');

    // Your first study: the Samek 2017 template at its small size, made and run in the Studies view.
    await page.goto(`${appUrl()}#/studies/new`);
    const samek = page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: /^Samek et al\. 2017/ }) });
    await samek.getByText(/^Where Heatlab differs from the paper/).click();
    await shoot(page, 'study-new');
    await samek.getByRole('button', { name: 'Create study' }).click();
    await page.waitForURL(/#\/studies\/\d+$/);
    await page.locator('main').getByRole('button', { name: 'Run', exact: true }).click();
    // The evaluation is the longest step: photograph the pipeline while it runs.
    await expect(page.getByTestId('study-step')).toHaveAttribute('data-kind', 'evaluate', { timeout: 240_000 });
    await page.waitForTimeout(2000);
    await shoot(page, 'study-running');
    await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
    const report = page.frameLocator('[data-testid="study-report"]');
    await expect(report.locator('table.results')).toBeVisible({ timeout: 60_000 });
    await report.locator('table.results').scrollIntoViewIfNeeded();
    await shoot(page, 'study-report');

    await page.goto(`${appUrl()}#/studies`);
    await expect(page.getByTestId('study-row')).toHaveCount(1);
    await shoot(page, 'studies');
  } finally {
    api.close();
  }
});
