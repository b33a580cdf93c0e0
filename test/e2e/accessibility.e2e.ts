// Issue 15 item 16: every view, entity page and dialog passes axe-core without a serious or critical
// violation in the light and the dark theme, and every control on them is reached by the keyboard,
// shows where the focus is, and has an accessible name.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pytorchMadeCnn } from '../fixtures/foreign-onnx.js';
import { appUrl } from './env.js';
import type { WebSocketApi } from '../../shared/ws-client.js';
import { collectErrors, connectApi, finished, runSmallStudy, trainModel, value } from './e2e-api.js';
import { focusWalk, type FocusProblem } from './focus-walk.js';

const stamp = Date.now();
const created = { dataset: 0, model: 0, trainJob: 0, runs: [] as number[], set: 0, evaluation: 0, study: 0 };
/** A second model explained on the same images and evaluated the same way, to compare the two. */
const second = { model: 0, runs: [] as number[], evaluation: 0 };
/** Whether this machine has Slurm's commands, so the forms' cluster choice can be chosen. */
let clusterAvailable = false;
let folder = '';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const api = await connectApi();
  try {
    // A small dataset and model (kept with its training job), two methods' runs on four images, an
    // annotation set and a two-metric evaluation.
    await trainModel(api, created, 'e2e a11y', stamp, 120, 1);
    const jobs = value(await api['jobs.list']({}));
    created.trainJob = jobs.find((j) => j.kind === 'models.train' && (j.result as { modelId?: number } | null)?.modelId === created.model)?.id ?? 0;
    const explained = await finished(
      api,
      value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { pick: 'indices', indices: [0, 1, 2, 3] }, methods: [{ id: 'gradient' }, { id: 'grad-cam' }] })),
    );
    created.runs = (explained.result as { runIds: number[] }).runIds;
    created.set = value(await api['annotations.create']({ datasetId: created.dataset, name: `e2e a11y set ${stamp}`, annotator: 'playwright', labels: ['shape'] })).id;
    const evaluated = await finished(
      api,
      value(await api['evaluate.start']({ runIds: created.runs, metrics: [{ id: 'region-perturbation' }, { id: 'pointing-game' }], groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 })),
    );
    created.evaluation = (evaluated.result as { evaluationId: number }).evaluationId;
    await makeSecondModel(api);
    clusterAvailable = value(await api['cluster.settings']({})).availability.available;
    // A study over the model, run to its end: the Studies list and a study page with its report.
    created.study = (await runSmallStudy(api, `e2e a11y study ${stamp}`, created.dataset, created.model)).id;

    // A folder of PNGs in two class folders (the import form's plan) and a PyTorch-made ONNX file.
    folder = mkdtempSync(join(tmpdir(), 'heatlab-e2e-a11y-'));
    for (const [cls, grey] of [['circles', 40], ['stripes', 200]] as const) {
      mkdirSync(join(folder, 'images', cls), { recursive: true });
      for (let k = 0; k < 3; k++) await sharp(Buffer.alloc(16 * 16, grey + k), { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(join(folder, 'images', cls, `${k}.png`));
    }
    writeFileSync(join(folder, 'torch-cnn.onnx'), pytorchMadeCnn().bytes);
  } finally {
    api.close();
  }
});

/** The second model, its runs of the same two methods on the same four images, and their evaluation with the same metrics. */
async function makeSecondModel(api: WebSocketApi): Promise<void> {
  const trained = await finished(api, value(await api['models.train']({ datasetId: created.dataset, name: `e2e a11y second model ${stamp}`, training: { epochs: 1, seed: 2 } })));
  second.model = (trained.result as { modelId: number }).modelId;
  const explained = await finished(
    api,
    value(await api['explain.start']({ modelId: second.model, datasetId: created.dataset, images: { pick: 'indices', indices: [0, 1, 2, 3] }, methods: [{ id: 'gradient' }, { id: 'grad-cam' }] })),
  );
  second.runs = (explained.result as { runIds: number[] }).runIds;
  const evaluated = await finished(
    api,
    value(await api['evaluate.start']({ runIds: second.runs, metrics: [{ id: 'region-perturbation' }, { id: 'pointing-game' }], groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 })),
  );
  second.evaluation = (evaluated.result as { evaluationId: number }).evaluationId;
}

test.afterAll(async () => {
  const api = await connectApi();
  if (created.study) await api['studies.delete']({ id: created.study, withResults: true });
  if (second.evaluation) await api['evaluations.delete']({ id: second.evaluation });
  for (const id of second.runs) await api['explanations.delete']({ id });
  if (second.model) await api['models.delete']({ id: second.model });
  if (created.evaluation) await api['evaluations.delete']({ id: created.evaluation });
  if (created.set) await api['annotations.delete']({ id: created.set });
  for (const id of created.runs) await api['explanations.delete']({ id });
  if (created.model) await api['models.delete']({ id: created.model });
  if (created.dataset) await api['datasets.delete']({ id: created.dataset });
  api.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

interface Stop {
  name: string;
  hash: () => string;
  /** Waits for the page's content and opens what the stop is about (a panel, a dialog). */
  ready: (page: Page) => Promise<void>;
}

/** Opens `path` in the file browser on the page (or in its dialog). */
async function browseTo(page: Page, path: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Go to path' });
  await box.fill(path);
  await box.press('Enter');
  await expect(page.getByRole('listbox', { name: `Contents of ${path}` })).toBeVisible();
}

const main = (page: Page) => page.locator('main');

const stops: Stop[] = [
  { name: 'Data list', hash: () => '#/data', ready: async (p) => void (await expect(main(p).getByText(`e2e a11y data ${stamp}`)).toBeVisible()) },
  { name: 'generate form', hash: () => '#/data/new', ready: async (p) => void (await expect(p.getByRole('button', { name: 'Generate', exact: true })).toBeVisible()) },
  {
    name: 'import form with its plan',
    hash: () => '#/data/import',
    ready: async (p) => {
      await browseTo(p, join(folder, 'images'));
      await p.getByRole('button', { name: 'Choose this folder' }).click();
      await expect(p.getByTestId('import-plan').getByRole('table', { name: 'Classes found' })).toContainText('circles');
    },
  },
  {
    name: 'import form’s folder dialog',
    hash: () => '#/data/import',
    ready: async (p) => {
      await browseTo(p, join(folder, 'images'));
      await p.getByRole('button', { name: 'Choose this folder' }).click();
      await p.getByRole('button', { name: 'Choose a folder…' }).click();
      await expect(p.getByRole('dialog', { name: 'Choose the masks folder' })).toBeVisible();
    },
  },
  {
    name: 'dataset page with the image panel',
    hash: () => `#/data/${created.dataset}`,
    ready: async (p) => {
      const grid = p.getByTestId('thumbnail-grid');
      await expect(grid.locator('canvas').first()).toHaveAttribute('data-drawn', /^[1-9]/);
      await grid.getByRole('option').first().click();
      await expect(p.getByRole('complementary', { name: 'Image 0' })).toBeVisible();
    },
  },
  {
    name: 'dataset delete dialog',
    hash: () => `#/data/${created.dataset}`,
    ready: async (p) => {
      await p.getByRole('button', { name: 'Delete…' }).click();
      await expect(p.getByRole('dialog', { name: `Delete “e2e a11y data ${stamp}”?` })).toBeVisible();
    },
  },
  { name: 'Models list', hash: () => '#/models', ready: async (p) => void (await expect(main(p).getByText(`e2e a11y model ${stamp}`)).toBeVisible()) },
  { name: 'model page', hash: () => `#/models/${created.model}`, ready: async (p) => void (await expect(p.getByTestId('test-count')).toBeVisible()) },
  { name: 'training run page', hash: () => `#/models/job/${created.trainJob}`, ready: async (p) => void (await expect(p.getByRole('heading', { level: 1 })).toBeVisible()) },
  {
    name: 'train form',
    hash: () => `#/models/train?dataset=${created.dataset}`,
    ready: async (p) => void (await expect(p.getByRole('button', { name: /^Train/ }).last()).toBeVisible()),
  },
  {
    name: 'import model form',
    hash: () => '#/models/import',
    ready: async (p) => {
      await browseTo(p, folder);
      await p.getByRole('listbox', { name: `Contents of ${folder}` }).getByRole('option', { name: /torch-cnn\.onnx/ }).click();
      await p.getByRole('button', { name: 'Choose torch-cnn.onnx' }).click();
      await expect(p.getByTestId('onnx-summary')).toContainText('opset 13');
    },
  },
  {
    name: 'Explain setup',
    hash: () => `#/explain?model=${created.model}&dataset=${created.dataset}`,
    ready: async (p) => void (await expect(p.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model))),
  },
  { name: 'run grid', hash: () => `#/explain/runs/${created.runs.join(',')}`, ready: async (p) => void (await expect(p.getByTestId('heat-row').first()).toBeVisible()) },
  {
    name: 'comparison dialog',
    hash: () => `#/explain/runs/${created.runs.join(',')}?image=1`,
    ready: async (p) => void (await expect(p.getByTestId('row-compare').getByRole('heading').first()).toContainText('#1')),
  },
  { name: 'Annotate set list', hash: () => '#/annotate', ready: async (p) => void (await expect(main(p).getByText(`e2e a11y set ${stamp}`).first()).toBeVisible()) },
  { name: 'Annotate editor', hash: () => `#/annotate/${created.set}/0`, ready: async (p) => void (await expect(p.getByTestId('mask-canvas')).toHaveAttribute('data-revision', /[1-9]/)) },
  {
    name: 'Evaluate setup',
    hash: () => '#/evaluate',
    ready: async (p) => {
      await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e a11y model ${stamp}` });
      await expect(p.getByRole('checkbox', { name: /^Gradient \(signed\)/ })).toBeChecked();
    },
  },
  { name: 'evaluation page', hash: () => `#/evaluate/${created.evaluation}`, ready: async (p) => void (await expect(p.getByTestId('score-table')).toBeVisible()) },
  { name: 'Catalogue', hash: () => '#/catalogue', ready: async (p) => void (await expect(p.getByTestId('workspace-path')).toBeVisible()) },
  { name: 'Engine', hash: () => '#/engine', ready: async (p) => void (await expect(p.getByTestId('tfjs-backend')).toBeVisible()) },
  { name: 'Studies list', hash: () => '#/studies', ready: async (p) => void (await expect(main(p).getByText(`e2e a11y study ${stamp}`)).toBeVisible()) },
  { name: 'New study', hash: () => '#/studies/new', ready: async (p) => void (await expect(p.getByTestId('template-card')).toHaveCount(4)) },
  {
    name: 'study plan form',
    hash: () => `#/studies/new/plan?models=${created.model}`,
    ready: async (p) => {
      await p.getByRole('region', { name: 'The question' }).getByRole('textbox', { name: 'Name' }).fill('e2e a11y plan');
      await p.getByRole('checkbox', { name: /^Gradient \(signed\)/ }).check();
      await p.getByRole('checkbox', { name: /^Sparseness/ }).check();
      await expect(p.getByTestId('plan-status')).toContainText('The plan is valid');
    },
  },
  {
    name: 'study page',
    hash: () => `#/studies/${created.study}`,
    ready: async (p) => void (await expect(p.frameLocator('[data-testid="study-report"]').locator('table.results')).toBeVisible()),
  },
  {
    name: 'study delete dialog',
    hash: () => `#/studies/${created.study}`,
    ready: async (p) => {
      await p.getByRole('button', { name: 'Delete…' }).click();
      await expect(p.getByRole('dialog', { name: `Delete the study “e2e a11y study ${stamp}”?` })).toBeVisible();
    },
  },
];

/** Chooses the cluster in a form's "Where to run" when this machine has Slurm, or shows why it cannot. */
async function whereToRun(page: Page): Promise<void> {
  const where = page.getByRole('group', { name: 'Where to run' });
  const cluster = where.getByRole('radio', { name: 'Run on cluster (Slurm)' });
  if (clusterAvailable) {
    await cluster.check();
    await expect(where.getByRole('spinbutton', { name: 'Shards' })).toBeVisible();
  } else {
    await expect(where.getByTestId('cluster-missing')).toBeVisible();
    await expect(cluster).toBeDisabled();
  }
}

// The views added since the stops above were written: Help, the glossary's tooltips, the Catalogue
// as the lab notebook, comparing models, and where a job runs.
const laterStops: Stop[] = [
  {
    name: 'Help with a search',
    hash: () => '#/help',
    ready: async (p) => {
      await p.getByRole('searchbox', { name: 'Search help' }).fill('wilcoxon holm');
      await expect(p.getByText(/^\d+ (entry matches|entries match)\.$/)).toBeVisible();
      await expect(p.getByTestId('help-entry').first()).toBeVisible();
    },
  },
  { name: 'Help entry by a deep link', hash: () => '#/help/aopc', ready: async (p) => void (await expect(p.locator('#help-aopc')).toBeInViewport()) },
  {
    name: 'keyboard shortcuts dialog',
    hash: () => '#/help',
    ready: async (p) => {
      await expect(p.getByRole('heading', { level: 1, name: 'Help' })).toBeVisible();
      await p.keyboard.press('?');
      await expect(p.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    },
  },
  {
    name: 'glossary tooltip',
    hash: () => '#/evaluate',
    ready: async (p) => {
      await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e a11y model ${stamp}` });
      await p.locator('[data-term="aopc"]').first().hover();
      await expect(p.getByRole('tooltip')).toContainText('AOPC: Area Over the Perturbation Curve');
    },
  },
  {
    name: 'Catalogue entities with a parameter list open',
    hash: () => '#/catalogue',
    ready: async (p) => {
      const row = p.getByTestId('entity-row').filter({ hasText: `e2e a11y model ${stamp}` }).first();
      await row.locator('summary').first().click();
      await expect(row.locator('details[open] dl')).toBeVisible();
    },
  },
  {
    name: 'Catalogue clean-up',
    hash: () => '#/catalogue',
    ready: async (p) => {
      await p.getByRole('button', { name: 'Review what nothing references' }).click();
      await p.getByRole('checkbox', { name: 'Select every entity shown' }).check();
      await expect(p.getByRole('button', { name: 'Delete selected…' })).toBeEnabled();
    },
  },
  {
    name: 'Catalogue clean-up dialog',
    hash: () => '#/catalogue',
    ready: async (p) => {
      await p.getByRole('button', { name: 'Review what nothing references' }).click();
      await p.getByRole('checkbox', { name: 'Select every entity shown' }).check();
      await p.getByRole('button', { name: 'Delete selected…' }).click();
      await expect(p.getByRole('dialog', { name: /^Delete \d+ entit(y|ies)\?$/ })).toBeVisible();
    },
  },
  {
    name: 'run grid of two models',
    hash: () => `#/explain/runs/${[...created.runs, ...second.runs].join(',')}`,
    ready: async (p) => {
      await expect(p.getByTestId('model-group-head')).toHaveCount(2);
      await expect(p.getByTestId('heat-row').first()).toHaveAttribute('data-drawn', /^[1-9]/);
    },
  },
  {
    name: 'models compared',
    hash: () => `#/evaluate/compare/${created.evaluation},${second.evaluation}`,
    ready: async (p) => void (await expect(p.getByTestId('comparison-table')).toHaveCount(2)),
  },
  {
    name: 'Explain setup’s where to run',
    hash: () => `#/explain?model=${created.model}&dataset=${created.dataset}`,
    ready: async (p) => {
      await expect(p.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));
      await whereToRun(p);
    },
  },
  {
    name: 'Evaluate setup’s where to run',
    hash: () => '#/evaluate',
    ready: async (p) => {
      await p.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e a11y model ${stamp}` });
      await expect(p.getByRole('checkbox', { name: /^Gradient \(signed\)/ })).toBeChecked();
      await whereToRun(p);
    },
  },
];

/** Opens a stop from a fresh load, so each starts from its own address. */
async function visit(page: Page, stop: Stop): Promise<void> {
  // The token in the address makes every goto a full load (the server trades it for a cookie and
  // redirects). No reload after it: a form takes what a link hands it once and drops it from the address.
  await page.goto(`${appUrl()}${stop.hash()}`);
  await stop.ready(page);
  // Let late content (plots, thumbnails, lists) settle.
  await page.waitForTimeout(300);
}

/** Chooses the theme with the app's own control; the choice is kept for the rest of the test. */
async function chooseTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.goto(`${appUrl()}#/engine`);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption(theme);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

for (const theme of ['light', 'dark'] as const) {
  test(`passes axe-core without serious or critical violations on every view, page and dialog in the ${theme} theme`, async ({ page }, testInfo) => {
    test.setTimeout(300_000);
    const errors = collectErrors(page);
    // The OS says the other theme: the app's own choice must win everywhere.
    await page.emulateMedia({ colorScheme: theme === 'light' ? 'dark' : 'light' });
    await chooseTheme(page, theme);
    const found: string[] = [];
    for (const stop of [...stops, ...laterStops]) {
      await visit(page, stop);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.screenshot({ path: testInfo.outputPath(`${theme}-${stop.name.replace(/\W+/g, '-')}.png`) });
      // A study report's frame runs no script, so axe cannot run inside it: the report is checked as a document of its own below.
      const { violations } = await new AxeBuilder({ page }).exclude('[data-testid="study-report"]').analyze();
      for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
        found.push(`${stop.name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ')}]` : ''}`).join('; ')}`);
    }
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('reaches every control on every view, page and dialog by keyboard, with a visible focus indicator and an accessible name', async ({ page }) => {
  test.setTimeout(420_000);
  const errors = collectErrors(page);
  const found: FocusProblem[] = [];
  for (const stop of [...stops, ...laterStops]) {
    await visit(page, stop);
    for (const problem of await focusWalk(page)) found.push({ ...problem, where: `${stop.name}: ${problem.where}` });
  }
  expect(found).toEqual([]);
  expect(errors).toEqual([]);
});

test('passes axe-core without serious or critical violations on a study report, the document the study page shows and saves', async ({ page }) => {
  const errors = collectErrors(page);
  const api = await connectApi();
  try {
    const { html } = value(await api['studies.report']({ id: created.study }));
    await page.setContent(html);
    const { violations } = await new AxeBuilder({ page }).analyze();
    const found = violations
      .filter((x) => x.impact === 'serious' || x.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ')}]` : ''}`).join('; ')}`);
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    api.close();
  }
});
