// Studies in the app (issue 16): the Samek et al. 2017 template is made at its small size from the
// New study page, run, followed to its end, and its report — shown in the study page — carries the
// very numbers the catalogue holds, and is saved (HTML, PDF) with the bundle into a picked folder; a study built in the plan form (its bad part named next to it)
// is cancelled from the page during its explanation step, shows as cancelled, and "Run again"
// finishes it without generating its dataset or training its model again.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { WebSocketApi } from '../../shared/ws-client.js';
import { appUrl } from './env.js';
import { collectErrors, connectApi, value } from './e2e-api.js';

const main = (page: Page) => page.locator('main');

/** The study the page shows, read from its address. */
function studyIdOf(page: Page): number {
  return Number(/#\/studies\/(\d+)$/.exec(page.url())![1]);
}

async function studyRow(api: WebSocketApi, id: number) {
  return value(await api['studies.list']({})).find((s) => s.id === id)!;
}

test('makes the Samek 2017 template at small scale, runs it to the end with live progress, and shows a report whose results table equals the catalogue, then saves it as HTML and PDF with its bundle', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  let id = 0;
  let folder = '';
  try {
    await page.goto(`${appUrl()}#/studies`);
    await page.getByRole('link', { name: 'New study' }).first().click();
    const card = page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: /^Samek et al\. 2017/ }) });
    await expect(card.getByRole('radio', { name: /^Small/ })).toBeChecked();
    await expect(card).toContainText('W. Samek, A. Binder, G. Montavon');
    await card.getByText(/^Where Heatlab differs from the paper/).click();
    await expect(card.getByRole('listitem').first()).toBeVisible();
    await card.getByRole('textbox', { name: 'Name' }).fill(`e2e Samek ${stamp}`);
    await card.getByRole('button', { name: 'Create study' }).click();

    // The study page: the plan in words, not run yet.
    await page.waitForURL(/#\/studies\/\d+$/);
    id = studyIdOf(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`e2e Samek ${stamp}`);
    await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'new');
    const plan = page.getByTestId('study-plan');
    await expect(plan).toContainText('LeNet-5');
    await expect(plan).toContainText('100 random images of the test split');
    await expect(page.getByTestId('pipeline-step')).toHaveCount(4);

    // Run it and watch the pipeline: a current step with its own progress, then every step done.
    const started = Date.now();
    await main(page).getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'running');
    await expect(page.getByTestId('study-step')).toBeVisible();
    await expect(page.getByRole('progressbar', { name: 'Progress of the current step' })).toBeVisible();
    await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
    testInfo.annotations.push({ type: 'samek-small-seconds', description: String((Date.now() - started) / 1000) });
    await expect(page.getByRole('progressbar', { name: 'Progress of the whole study' })).toHaveAttribute('aria-valuenow', '100');
    await expect(page.getByTestId('pipeline-step').and(page.locator('[data-state=done]'))).toHaveCount(4);

    // Links to what it holds, and the list's counts.
    const study = value(await api['studies.get']({ id }));
    const evaluationId = study.members.find((m) => m.kind === 'evaluation')!.id;
    await expect(page.getByTestId('member-runs')).toHaveAttribute('href', `#/explain/runs/${study.members.filter((m) => m.kind === 'run').map((m) => m.id).join(',')}`);
    await expect(page.getByTestId('member-evaluation')).toHaveAttribute('href', `#/evaluate/${evaluationId}`);
    expect((await studyRow(api, id)).counts).toEqual({ dataset: 1, model: 1, run: 5, evaluation: 1 });

    // The report in the page: its results table holds the catalogue's numbers, cell by cell.
    const report = page.frameLocator('[data-testid="study-report"]');
    const table = report.locator(`table.results[data-evaluation="${evaluationId}"]`);
    await expect(table).toBeVisible({ timeout: 60_000 });
    const evaluation = value(await api['evaluations.get']({ id: evaluationId }));
    const cells = await table.locator('td[data-mean]').evaluateAll((tds) =>
      tds.map((td) => ({
        column: Number(td.closest('tr')!.getAttribute('data-column')),
        metric: td.getAttribute('data-metric')!,
        mean: td.getAttribute('data-mean')!,
        low: td.getAttribute('data-low')!,
        high: td.getAttribute('data-high')!,
        n: Number(td.getAttribute('data-n')),
      })),
    );
    // Five methods, one of them the Random map that stands in for the baseline, on one metric.
    expect(cells).toHaveLength(evaluation.columns.length * evaluation.metricDetails.length);
    expect(evaluation.columns.map((c) => c.method)).toEqual(['sensitivity', 'deconvnet', 'lrp-epsilon', 'lrp-alpha-beta', 'random']);
    for (const cell of cells) {
      const k = evaluation.metricDetails.findIndex((m) => m.id === cell.metric);
      const stored = evaluation.table[k]![cell.column]!;
      expect({ mean: Number(cell.mean), low: Number(cell.low), high: Number(cell.high), n: cell.n }).toEqual({ mean: stored.mean, low: stored.low, high: stored.high, n: stored.n });
    }
    await page.screenshot({ path: testInfo.outputPath('samek-done.png') });

    // Save the report (HTML and PDF) and export the bundle into a folder picked in the app.
    folder = mkdtempSync(join(tmpdir(), 'heatlab-e2e-study-'));
    await main(page).getByRole('radio', { name: 'a folder…' }).click();
    const picker = page.getByRole('dialog', { name: 'Save the report and bundle into a folder' });
    await picker.getByRole('textbox', { name: 'Go to path' }).fill(folder);
    await picker.getByRole('textbox', { name: 'Go to path' }).press('Enter');
    await expect(picker.getByRole('listbox', { name: `Contents of ${folder}` })).toBeVisible();
    await picker.getByRole('button', { name: 'Choose this folder' }).click();
    await main(page).getByRole('button', { name: 'Save report and PDF' }).click();
    await expect(page.getByTestId('report-saved')).toContainText('.pdf', { timeout: 60_000 });
    await main(page).getByRole('button', { name: 'Export bundle' }).click();
    await expect(page.getByTestId('report-saved')).toContainText('.zip', { timeout: 120_000 });
    const files = readdirSync(folder).sort();
    expect(files.map((f) => f.replace(/^.*\./, '')).sort()).toEqual(['html', 'pdf', 'zip']);
    expect(readFileSync(join(folder, files.find((f) => f.endsWith('.pdf'))!)).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(join(folder, files.find((f) => f.endsWith('.html'))!), 'utf8')).toContain(`data-evaluation="${evaluationId}"`);

    // The list shows it done, with its counts.
    await page.getByRole('link', { name: '← Studies' }).click();
    const row = page.getByTestId('study-row').and(page.locator(`[data-study="${id}"]`));
    await expect(row.getByTestId('study-status')).toHaveAttribute('data-status', 'done');
    await expect(row.getByRole('cell')).toHaveText([`e2e Samek ${stamp}`, 'samek2017 (small)', 'done', /4 of 4 steps/, '1', '1', '5', '1', /\d{4}-\d\d-\d\d/]);
    expect(errors).toEqual([]);
  } finally {
    if (id) await api['studies.delete']({ id, withResults: true });
    api.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
});

test('builds a study in the plan form, cancels it during its explanation step, and Run again finishes it without new datasets or models', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  let id = 0;
  try {
    await page.goto(`${appUrl()}#/studies/new`);
    await page.getByRole('link', { name: 'Build a plan' }).click();
    await page.getByRole('region', { name: 'The question' }).getByRole('textbox', { name: 'Name' }).fill(`e2e resume ${stamp}`);

    // A small generated dataset whose 16-pixel images LeNet-5 cannot read: the sentence stands at the model.
    const dataset = page.getByTestId('study-dataset');
    await dataset.getByRole('spinbutton', { name: 'Images', exact: true }).fill('240');
    await dataset.getByRole('spinbutton', { name: 'Size', exact: true }).fill('16');
    const model = dataset.getByTestId('study-model');
    await model.getByRole('radio', { name: /^LeNet-5/ }).check();
    await model.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
    await page.getByRole('checkbox', { name: /^Gradient \(signed\)/ }).check();
    await page.getByRole('checkbox', { name: /^RISE/ }).check();
    await page.getByRole('checkbox', { name: /^LIME/ }).check();
    await page.getByRole('region', { name: 'Images', exact: true }).getByRole('spinbutton', { name: 'How many' }).fill('24');
    await page.getByRole('checkbox', { name: /^Sparseness/ }).check();
    await page.getByRole('region', { name: 'Target, seed and statistics' }).getByRole('spinbutton', { name: 'Bootstrap resamples' }).fill('200');
    await expect(dataset.getByTestId('plan-problem')).toContainText(/^Study plan: datasets\[0\]\.models\[0\] \(lenet5\)/);
    await expect(page.getByRole('button', { name: 'Create study' })).toBeDisabled();

    // The tiny CNN reads them: the plan is valid, its four steps listed.
    await model.getByRole('radio', { name: /^Tiny CNN/ }).check();
    await expect(page.getByTestId('plan-problem')).toHaveCount(0);
    await expect(page.getByTestId('plan-status')).toContainText('The plan is valid: 4 steps');
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.waitForURL(/#\/studies\/\d+$/);
    id = studyIdOf(page);

    // Run, and cancel while the explanation step runs.
    await main(page).getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByTestId('study-step')).toHaveAttribute('data-kind', 'explain', { timeout: 120_000 });
    await main(page).getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'cancelled');
    await expect(page.getByTestId('study-error')).toContainText('run the study again to resume it');
    await expect(page.getByTestId('pipeline-step').and(page.locator('[data-state=done]'))).toHaveCount(2);
    await expect(page.getByTestId('run-sentence')).toContainText('Skips the 2 steps already done (Generate Triangles & Squares; Train tiny-cnn on datasets[0])');
    const cancelled = value(await api['studies.get']({ id }));
    expect(cancelled.members.some((m) => m.kind === 'evaluation')).toBe(false);
    const datasets = value(await api['datasets.list']({})).map((d) => d.id);
    const models = value(await api['models.list']({})).map((m) => m.id);
    const jobs = value(await api['jobs.list']({ limit: 200 }));

    // Run again: it ends done, and the dataset and model are the ones it had.
    await main(page).getByRole('button', { name: 'Run again' }).click();
    await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
    expect(value(await api['datasets.list']({})).map((d) => d.id)).toEqual(datasets);
    expect(value(await api['models.list']({})).map((m) => m.id)).toEqual(models);
    const later = value(await api['jobs.list']({ limit: 200 })).filter((j) => !jobs.some((k) => k.id === j.id));
    expect(later.map((j) => j.kind).sort()).toEqual(['evaluate.run', 'explain.run']);
    const resumed = value(await api['studies.get']({ id }));
    const kept = (kind: string) => resumed.members.filter((m) => m.kind === kind).map((m) => m.id);
    expect(kept('dataset')).toEqual(cancelled.members.filter((m) => m.kind === 'dataset').map((m) => m.id));
    expect(kept('model')).toEqual(cancelled.members.filter((m) => m.kind === 'model').map((m) => m.id));
    expect(kept('run')).toHaveLength(3);
    await expect(page.getByTestId('run-sentence')).toContainText('Every step is done');

    // The model list opens the study's model in a new study, as an existing model of its dataset.
    const modelId = kept('model')[0]!;
    const modelName = value(await api['models.get']({ id: modelId })).name;
    await page.goto(`${appUrl()}#/models`);
    await page.getByRole('checkbox', { name: `Select ${modelName}` }).check();
    await page.getByTestId('models-together').getByRole('button', { name: 'Open in a study' }).click();
    await expect(page).toHaveURL(new RegExp(`#/studies/new/plan\\?models=${modelId}$`));
    const preselected = page.getByTestId('study-dataset');
    await expect(preselected).toHaveCount(1);
    await expect(preselected.getByRole('radio', { name: 'A dataset in the catalogue' })).toBeChecked();
    await expect(preselected.getByRole('combobox', { name: 'Dataset' })).toHaveValue(String(kept('dataset')[0]));
    await expect(preselected.getByTestId('study-model').getByRole('radio', { name: 'A model in the catalogue' })).toBeChecked();
    await expect(preselected.getByTestId('study-model').getByRole('combobox', { name: 'Model' })).toHaveValue(String(modelId));
    expect(errors).toEqual([]);
  } finally {
    if (id) await api['studies.delete']({ id, withResults: true });
    api.close();
  }
});
