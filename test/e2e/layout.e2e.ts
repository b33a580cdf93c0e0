// Issue 15 item 8: at laptop sizes, with the Jobs panel open, every view and entity page fits. The document never scrolls
// sideways, every table shows all its columns (no column cut at a container's or the window's right
// edge), only the heatmap grid's own panel may scroll sideways, and the page has one vertical
// scrollbar.
import { expect, test, type Page } from '@playwright/test';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, runSmallStudy, trainModel, value } from './e2e-api.js';

const sizes = [
  { width: 1440, height: 900 },
  { width: 1280, height: 800 },
] as const;

const methods = ['gradient', 'gradient-x-input', 'integrated-gradients', 'grad-cam', 'smoothgrad', 'occlusion'];
const metrics = ['region-perturbation', 'relevance-mass-accuracy', 'pointing-game', 'sparseness', 'complexity'];

/** What does not fit on the page, each as a sentence naming the element; empty when all fits. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const name = (el: Element) => {
      const testId = el.getAttribute('data-testid');
      const label = el.getAttribute('aria-label');
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `<${el.tagName.toLowerCase()}${testId ? ` data-testid=${testId}` : ''}${label ? ` aria-label="${label}"` : ''}${cls}>`;
    };
    // The heatmap grid's panel is the one place allowed to scroll sideways.
    const allowed = (el: Element) => el.closest('[data-testid="heatmap-grid"]') !== null || el.querySelector(':scope > [data-testid="heatmap-grid"]') !== null;
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) problems.push(`the document scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth})`);

    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden';
    };
    let verticals = doc.scrollHeight > doc.clientHeight ? 1 : 0;
    const scrollers: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      if (!visible(el)) continue;
      const style = getComputedStyle(el);
      const clips = style.overflowX !== 'visible';
      // Ellipsis is a deliberate abbreviation (the full text is on hover).
      if (clips && style.textOverflow !== 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && !allowed(el) && !['TEXTAREA', 'SELECT', 'INPUT'].includes(el.tagName))
        problems.push(`${name(el)} scrolls or clips sideways (${el.scrollWidth} > ${el.clientWidth})`);
      // A dataset's thumbnails are a virtualised list that scrolls inside its own bounded box, and the
      // Jobs panel is a side column whose list of recent jobs scrolls on its own: neither is the page's.
      const list = el.getAttribute('data-testid') === 'thumbnail-grid' || el.matches('aside[aria-label="Jobs"]');
      if (['auto', 'scroll'].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1 && el.clientHeight > 40 && el.tagName !== 'TEXTAREA' && !list) {
        verticals++;
        scrollers.push(name(el));
      }
    }
    if (verticals > 1) problems.push(`${verticals} vertical scrollbars: ${doc.scrollHeight > doc.clientHeight ? 'the document, ' : ''}${scrollers.join(', ')}`);

    // Every table (and the wide figures) ends inside every box that clips it and inside the window.
    for (const el of document.querySelectorAll('table, [data-testid="score-table"], svg, canvas, pre')) {
      if (!visible(el) || allowed(el)) continue;
      const right = el.getBoundingClientRect().right;
      if (right > window.innerWidth + 0.5) problems.push(`${name(el)} ends at ${Math.round(right)}, past the window's ${window.innerWidth}`);
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflowX === 'visible') continue;
        const edge = p.getBoundingClientRect().left + p.clientLeft + p.clientWidth;
        if (right > edge + 0.5) problems.push(`${name(el)} ends at ${Math.round(right)}, past its container ${name(p)} at ${Math.round(edge)}`);
      }
    }
    return [...new Set(problems)];
  });
}

test('shows every view and entity page whole at 1440×900 and 1280×800: no sideways document scroll, no cut table columns, one vertical scrollbar', async ({ page }, testInfo) => {
  test.setTimeout(420_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[], set: 0, evaluation: 0, second: 0, secondRuns: [] as number[], secondEvaluation: 0, study: 0 };
  try {
    // A small dataset and model, six methods' runs on four images, an annotation set and a five-metric evaluation.
    await trainModel(api, created, 'e2e layout', stamp, 120, 1);
    const explained = await finished(
      api,
      value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { pick: 'indices', indices: [0, 1, 2, 3] }, methods: methods.map((id) => ({ id })) })),
    );
    created.runs = (explained.result as { runIds: number[] }).runIds;
    expect(created.runs).toHaveLength(methods.length);
    created.set = value(await api['annotations.create']({ datasetId: created.dataset, name: `e2e layout set ${stamp}`, annotator: 'playwright', labels: ['shape', 'background clutter'] })).id;
    const evaluated = await finished(
      api,
      value(await api['evaluate.start']({ runIds: created.runs, metrics: metrics.map((id) => ({ id })), groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 })),
    );
    expect(evaluated.status).toBe('done');
    created.evaluation = (evaluated.result as { evaluationId: number }).evaluationId;
    // A second model on the same images, with two of the methods and the same metrics, to compare the models.
    const trained = await finished(api, value(await api['models.train']({ datasetId: created.dataset, name: `e2e layout second model ${stamp}`, training: { epochs: 1, seed: 2 } })));
    created.second = (trained.result as { modelId: number }).modelId;
    const second = await finished(api, value(await api['explain.start']({ modelId: created.second, datasetId: created.dataset, images: { pick: 'indices', indices: [0, 1, 2, 3] }, methods: [{ id: 'gradient' }, { id: 'grad-cam' }] })));
    created.secondRuns = (second.result as { runIds: number[] }).runIds;
    const secondEvaluated = await finished(api, value(await api['evaluate.start']({ runIds: created.secondRuns, metrics: metrics.map((id) => ({ id })), groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 })));
    expect(secondEvaluated.status).toBe('done');
    created.secondEvaluation = (secondEvaluated.result as { evaluationId: number }).evaluationId;
    // A study over the first model, run to its end, for the Studies list and a study page with its report.
    const study = await runSmallStudy(api, `e2e layout study ${stamp}`, created.dataset, created.model);
    created.study = study.id;
    expect(study.status).toBe('done');

    const main = page.locator('main');
    const pages: { name: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
      { name: 'data-list', hash: '#/data', ready: async (p) => void (await expect(main.getByText(`e2e layout data ${stamp}`)).toBeVisible()) },
      {
        name: 'dataset-image-panel',
        hash: `#/data/${created.dataset}`,
        ready: async (p) => {
          const grid = p.getByTestId('thumbnail-grid');
          await expect(grid.locator('canvas').first()).toHaveAttribute('data-drawn', /^[1-9]/);
          await grid.getByRole('option').first().click();
          await expect(p.getByRole('complementary', { name: 'Image 0' })).toBeVisible();
        },
      },
      { name: 'models-list', hash: '#/models', ready: async () => void (await expect(main.getByText(`e2e layout model ${stamp}`)).toBeVisible()) },
      { name: 'model-page', hash: `#/models/${created.model}`, ready: async (p) => void (await expect(p.getByTestId('test-count')).toBeVisible()) },
      {
        name: 'explain-setup',
        hash: '#/explain',
        ready: async (p) => {
          await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e layout model ${stamp}` });
        },
      },
      { name: 'explain-grid', hash: `#/explain/runs/${created.runs.join(',')}`, ready: async (p) => void (await expect(p.getByTestId('heat-row').first()).toBeVisible()) },
      {
        name: 'explain-grid-two-models',
        hash: `#/explain/runs/${[...created.runs, ...created.secondRuns].join(',')}`,
        ready: async (p) => {
          // Eight columns in two model groups; the second group may lie past the panel's right edge, where the grid scrolls.
          await expect(p.getByTestId('heatmap-grid')).toHaveAttribute('data-cols', '8');
          await expect(p.getByTestId('model-group-head').first()).toBeVisible();
          await expect(p.getByTestId('heat-row').first()).toBeVisible();
        },
      },
      { name: 'annotate-list', hash: '#/annotate', ready: async () => void (await expect(main.getByText(`e2e layout set ${stamp}`).first()).toBeVisible()) },
      { name: 'annotate-editor', hash: `#/annotate/${created.set}/0`, ready: async (p) => void (await expect(p.getByTestId('mask-canvas')).toHaveAttribute('data-revision', /[1-9]/)) },
      {
        name: 'evaluate-setup',
        hash: '#/evaluate',
        ready: async (p) => {
          await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e layout model ${stamp}` });
          await expect(p.getByRole('checkbox', { name: /^Gradient \(signed\)/ })).toBeChecked();
        },
      },
      { name: 'evaluation-page', hash: `#/evaluate/${created.evaluation}`, ready: async (p) => void (await expect(p.getByTestId('score-table')).toBeVisible()) },
      {
        name: 'compare-models',
        hash: `#/evaluate/compare/${created.evaluation},${created.secondEvaluation}`,
        ready: async (p) => void (await expect(p.getByTestId('comparison-table')).toHaveCount(metrics.length)),
      },
      {
        name: 'catalogue',
        hash: '#/catalogue',
        ready: async (p) => {
          await expect(p.getByTestId('workspace-path')).toBeVisible();
          await expect(p.getByTestId('workspace-total')).toBeVisible();
          await expect(p.getByTestId('entity-row').first()).toBeVisible();
          // Every folded parameter list and provenance list open: the widest the tables get.
          await p.locator('main details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
        },
      },
      {
        name: 'catalogue-clean-up',
        hash: '#/catalogue',
        ready: async (p) => {
          await p.getByRole('button', { name: 'Review what nothing references' }).click();
          await p.getByRole('checkbox', { name: 'Select every entity shown' }).check();
          await expect(p.getByRole('button', { name: 'Delete selected…' })).toBeEnabled();
        },
      },
      { name: 'engine', hash: '#/engine', ready: async (p) => void (await expect(p.getByTestId('tfjs-backend')).toBeVisible()) },
      { name: 'studies-list', hash: '#/studies', ready: async () => void (await expect(main.getByText(`e2e layout study ${stamp}`)).toBeVisible()) },
      { name: 'study-new', hash: '#/studies/new', ready: async (p) => void (await expect(p.getByTestId('template-card')).toHaveCount(4)) },
      { name: 'study-plan-form', hash: '#/studies/new/plan?template=ts2018&size=small', ready: async (p) => void (await expect(p.getByTestId('plan-status')).toContainText('The plan is valid')) },
      {
        name: 'study-page',
        hash: `#/studies/${created.study}`,
        ready: async (p) => void (await expect(p.frameLocator('[data-testid="study-report"]').locator('table.results')).toBeVisible()),
      },
    ];

    // Help, the glossary's tooltips, the shortcuts and where a job runs, added since the pages above.
    const clusterAvailable = value(await api['cluster.settings']({})).availability.available;
    const whereToRun = async (p: Page) => {
      const where = p.getByRole('group', { name: 'Where to run' });
      if (clusterAvailable) {
        await where.getByRole('radio', { name: 'Run on cluster (Slurm)' }).check();
        await expect(where.getByText(/split by image range into at most \d+ shards/)).toBeVisible();
      } else await expect(where.getByTestId('cluster-missing')).toBeVisible();
    };
    const laterPages: typeof pages = [
      {
        name: 'help-search',
        hash: '#/help',
        ready: async (p) => {
          await p.getByRole('searchbox', { name: 'Search help' }).fill('wilcoxon holm');
          await expect(p.getByTestId('help-entry').first()).toBeVisible();
        },
      },
      { name: 'help-entry', hash: '#/help/region-perturbation', ready: async (p) => void (await expect(p.locator('#help-region-perturbation')).toBeInViewport()) },
      {
        name: 'shortcuts-dialog',
        hash: '#/help',
        ready: async (p) => {
          await expect(p.getByRole('heading', { level: 1, name: 'Help' })).toBeVisible();
          await p.keyboard.press('?');
          await expect(p.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
        },
      },
      {
        name: 'glossary-tooltip',
        hash: '#/evaluate',
        ready: async (p) => {
          await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e layout model ${stamp}` });
          await p.locator('[data-term="aopc"]').first().hover();
          await expect(p.getByRole('tooltip')).toBeVisible();
        },
      },
      {
        name: 'explain-where-to-run',
        hash: '#/explain',
        ready: async (p) => {
          await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e layout model ${stamp}` });
          await whereToRun(p);
        },
      },
      {
        name: 'evaluate-where-to-run',
        hash: '#/evaluate',
        ready: async (p) => {
          await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e layout model ${stamp}` });
          await expect(p.getByRole('checkbox', { name: /^Gradient \(signed\)/ })).toBeChecked();
          await whereToRun(p);
        },
      },
    ];

    const found: string[] = [];
    for (const size of sizes) {
      await page.setViewportSize(size);
      for (const view of [...pages, ...laterPages]) {
        await page.goto(`${appUrl()}${view.hash}`);
        await page.reload();
        await view.ready(page);
        // The sizes are meant with the Jobs panel open beside the view.
        await expect(page.getByRole('complementary', { name: 'Jobs' })).toBeVisible();
        // Let late content (lists, plots, thumbnails) settle before measuring.
        await page.waitForTimeout(400);
        await page.screenshot({ path: testInfo.outputPath(`${size.width}x${size.height}-${view.name}.png`) });
        for (const problem of await layoutProblems(page)) found.push(`${size.width}×${size.height} ${view.name}: ${problem}`);
      }
    }
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    if (created.study) await api['studies.delete']({ id: created.study, withResults: true });
    if (created.secondEvaluation) await api['evaluations.delete']({ id: created.secondEvaluation });
    for (const id of created.secondRuns) await api['explanations.delete']({ id });
    if (created.second) await api['models.delete']({ id: created.second });
    if (created.evaluation) await api['evaluations.delete']({ id: created.evaluation });
    if (created.set) await api['annotations.delete']({ id: created.set });
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
