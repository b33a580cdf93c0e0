import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boxStats } from '../../renderer/lib/evaluate/box-plot.js';
import { scoresOf } from '../../renderer/lib/evaluate/scores.js';
import { bestColumns } from '../../shared/ties-with-best.js';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

/** RFC 4180 fields of one CSV line (quoted fields may hold commas and doubled quotes). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const number = (text: string) => (text === '' ? Number.NaN : Number(text));

test('evaluates two methods against a generated ground truth, reads the table and the curves, and exports the CSV', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[], evaluation: 0 };
  const folder = mkdtempSync(join(tmpdir(), 'heatlab-e2e-evaluate-'));
  try {
    // A small dataset with generated masks, a quickly trained model and two explanation runs, through the API.
    await trainModel(api, created, 'e2e evaluate', stamp, 300, 1);
    const explained = await finished(
      api,
      value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { split: 'test', pick: 'first', n: 8 }, methods: [{ id: 'gradient' }, { id: 'grad-cam' }] })),
    );
    created.runs = (explained.result as { runIds: number[] }).runIds;
    expect(created.runs).toHaveLength(2);
    const metrics = value(await api['evaluate.metrics']({}));
    const labelOf = (id: string) => metrics.find((m) => m.id === id)!.label;

    // Set up: the model's one group of runs, both ticked; the generated object masks; three metrics; few resamples.
    await page.goto(`${appUrl()}#/evaluate`);
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e evaluate model ${stamp}` });
    await expect(page.getByRole('checkbox', { name: /^Gradient \(signed\)/ })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: /^Grad-CAM/ })).toBeChecked();
    // Without a ground truth, localisation metrics cannot be chosen.
    await expect(page.getByRole('checkbox', { name: new RegExp(`^${labelOf('relevance-mass-accuracy')}`) })).toBeDisabled();
    await page.getByRole('radio', { name: 'Generated mask' }).check();
    await page.screenshot({ path: testInfo.outputPath('evaluate-setup-runs.png') });
    await page.getByRole('combobox', { name: 'Mask kind' }).selectOption('object');
    await expect(page.getByRole('checkbox', { name: new RegExp(`^${labelOf('region-perturbation').replace(/[()]/g, '\\$&')}`) })).toBeChecked();
    for (const id of ['relevance-mass-accuracy', 'pointing-game']) await page.getByRole('checkbox', { name: new RegExp(`^${labelOf(id).replace(/[()]/g, '\\$&')}`) }).check();
    await page.getByRole('spinbutton', { name: 'Bootstrap resamples' }).fill('200');
    await page.getByRole('textbox', { name: /^Name/ }).fill(`e2e evaluation ${stamp}`);
    await page.screenshot({ path: testInfo.outputPath('evaluate-setup.png') });
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();

    // The job's page, then the results.
    await page.waitForURL(/#\/evaluate\/\d+$/, { timeout: 180_000 });
    created.evaluation = Number(/#\/evaluate\/(\d+)$/.exec(page.url())![1]);
    const evaluation = value(await api['evaluations.get']({ id: created.evaluation }));
    expect(evaluation.runIds).toEqual(created.runs);
    expect(evaluation.metricDetails.map((m) => m.id)).toEqual(['region-perturbation', 'relevance-mass-accuracy', 'pointing-game']);
    expect(evaluation.groundTruth).toEqual({ kind: 'generated', mask: 'object' });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`e2e evaluation ${stamp}`);

    // The table: two methods and the random baseline, each cell the stored mean, one best per metric.
    const table = page.getByTestId('score-table');
    await expect(table.getByRole('rowheader')).toHaveCount(3);
    await expect(table.getByRole('rowheader').nth(0)).toHaveText('Gradient (signed)');
    await expect(table.getByRole('rowheader').nth(1)).toHaveText('Grad-CAM');
    await expect(page.getByTestId('score-row').nth(2)).toHaveClass(/baseline/);
    for (const [k, m] of evaluation.metricDetails.entries()) {
      const cells = table.locator(`[data-testid="score-cell"][data-metric="${m.id}"]`);
      await expect(cells).toHaveCount(3);
      for (let c = 0; c < 3; c++) expect(number((await cells.nth(c).getAttribute('data-mean'))!)).toBe(evaluation.table[k]![c]!.mean);
      // The best column, and every column tied with it (identical on every image, or the same mean), is marked.
      const ranking = evaluation.rankings.find((r) => r.metric === m.id)!;
      const best = bestColumns(ranking, evaluation.table[k]!.map((cell) => cell.mean));
      await expect(table.locator(`[data-testid="score-cell"][data-metric="${m.id}"][data-best="true"]`)).toHaveCount(best.size);
      expect(best.has(ranking.best!) || ranking.best === null).toBe(true);
      for (const c of best) await expect(cells.nth(c)).toContainText('★');
      // Each method's comparison with the random baseline, as stored.
      const chance = evaluation.rankings.find((r) => r.metric === m.id)!.chance!;
      for (const v of chance) await expect(cells.nth(v.column)).toHaveAttribute('data-chance', v.verdict);
    }
    await expect(page.getByTestId('ranking').getByRole('listitem')).toHaveCount(3);
    await expect(page.getByTestId('chance-sentence')).toContainText('random map');

    // The evidence: region perturbation's removal check and how reliable each ranking is.
    const evidence = page.getByTestId('evidence');
    const check = evidence.getByTestId('removal-check');
    await expect(check).toHaveCount(1);
    await expect(check).toHaveAttribute('data-removal', String(evaluation.evidence!.validity[0]!.removal));
    await expect(check).toContainText('Noisy linear imputation (ROAD) in 1×1-px grid regions');
    await expect(evidence.getByTestId('reliability').getByRole('listitem')).toHaveCount(3);
    await evidence.screenshot({ path: testInfo.outputPath('evaluate-evidence.png') });

    // The curve plot: a mean curve per column (the baseline dashed) over every step, with CI bands.
    const curves = value(await api['evaluations.curves']({ id: created.evaluation, metric: 'region-perturbation' }));
    const plot = page.getByTestId('curve-plot').locator('svg');
    await expect(plot).toHaveAttribute('data-metric', 'region-perturbation');
    const lines = plot.getByTestId('curve-mean');
    await expect(lines).toHaveCount(3);
    await expect(plot.getByTestId('curve-band')).toHaveCount(3);
    await expect(lines.nth(2)).toHaveAttribute('stroke-dasharray', '6 4');
    for (let c = 0; c < 3; c++) expect((await lines.nth(c).getAttribute('d'))!.match(/[ML]/g)).toHaveLength(curves.x.length);
    // Each image's own curve of one method, behind the means.
    await page.getByRole('combobox', { name: 'Per-image curves' }).selectOption({ label: 'Grad-CAM' });
    await expect(plot.getByTestId('curve-image')).toHaveCount(curves.rows);
    await page.getByRole('combobox', { name: 'Per-image curves' }).selectOption({ label: 'none' });
    await expect(plot.getByTestId('curve-image')).toHaveCount(0);
    await expect(page.getByTestId('distribution-row')).toHaveCount(3);
    // Box plots: quartiles (type 7) and whiskers of each method's per-image scores; strip plots: a dot per image.
    const shown = value(await api['evaluations.scores']({ id: created.evaluation }));
    const firstMetric = (await page.getByTestId('distribution-plot').locator('svg').getAttribute('data-metric'))!;
    await page.getByTestId('distribution-shape').selectOption('box');
    const boxes = page.getByTestId('distribution-plot').getByTestId('box');
    await expect(boxes).toHaveCount(3);
    const expectedBox = boxStats(scoresOf(shown, 0, shown.metrics.indexOf(firstMetric)))!;
    await expect(boxes.first()).toHaveAttribute('data-median', String(expectedBox.median));
    await expect(boxes.first()).toHaveAttribute('data-q1', String(expectedBox.q1));
    await expect(boxes.first()).toHaveAttribute('data-q3', String(expectedBox.q3));
    await page.getByTestId('distribution-shape').selectOption('strip');
    await expect(page.getByTestId('distribution-plot').getByTestId('strip').first()).toHaveAttribute('data-points', String(expectedBox.n));
    await page.getByTestId('distribution-shape').selectOption('histogram');
    await expect(page.getByTestId('drill-best').getByRole('listitem').first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('evaluate-results.png') });
    for (const id of ['curve-plot', 'distribution-plot', 'scatter-plot']) await page.getByTestId(id).screenshot({ path: testInfo.outputPath(`evaluate-${id}.png`) });
    await page.getByRole('region', { name: 'Images by score' }).screenshot({ path: testInfo.outputPath('evaluate-drill-down.png') });

    // Per-image CSV by download: one line per image and column, with the stored scores.
    const scores = value(await api['evaluations.scores']({ id: created.evaluation }));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Per-image CSV' }).click()]);
    const csvPath = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(csvPath);
    const rows = readFileSync(csvPath, 'utf8').trim().split('\n').map(fields);
    expect(rows[0]!.slice(-3)).toEqual(scores.metrics);
    expect(rows).toHaveLength(1 + scores.rows * 3);
    const M = scores.metrics.length;
    for (const [i, row] of rows.slice(1).entries()) {
      const [r, c] = [Math.floor(i / 3), i % 3];
      expect(Number(row[1])).toBe(scores.indices[r]);
      for (let m = 0; m < M; m++) expect(number(row[row.length - M + m]!)).toBe(scores.scores[(c * M + m) * scores.rows + r]);
    }

    // Into a folder (the way Electron saves): the summary CSV and the curve plot as SVG.
    await page.getByRole('radio', { name: 'A folder…' }).check();
    const path = page.getByRole('textbox', { name: 'Go to path' });
    await path.fill(folder);
    await path.press('Enter');
    // Choose only once the typed folder is listed: the home folder's listing may still be the one shown.
    await expect(page.getByRole('listbox', { name: `Contents of ${folder}` }).or(page.getByLabel(`Contents of ${folder}`))).toBeVisible();
    await page.getByRole('button', { name: 'Choose this folder' }).click();
    await expect(page.getByTestId('export-folder')).toHaveText(folder);
    await page.getByRole('button', { name: 'Summary CSV' }).click();
    const summaryPath = join(folder, `heatlab-evaluation-${created.evaluation}-summary.csv`);
    await expect(page.getByTestId('export-saved')).toHaveText(`Saved ${summaryPath}`);
    const summary = readFileSync(summaryPath, 'utf8').trim().split('\n').map(fields);
    expect(summary).toHaveLength(1 + 3 * 3);
    expect(summary[0]![8]).toBe('mean');
    expect(number(summary[1]![8]!)).toBe(evaluation.table[0]![0]!.mean);
    await page.getByRole('button', { name: 'Perturbation curves as SVG' }).click();
    const svgPath = join(folder, `heatlab-evaluation-${created.evaluation}-region-perturbation-curves.svg`);
    await expect(page.getByTestId('export-saved')).toHaveText(`Saved ${svgPath}`);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/data-testid="curve-mean"/g)).toHaveLength(3);
    await page.getByRole('button', { name: 'Perturbation curves as PNG' }).click();
    const pngPath = join(folder, `heatlab-evaluation-${created.evaluation}-region-perturbation-curves@2x.png`);
    await expect(page.getByTestId('export-saved')).toHaveText(`Saved ${pngPath}`);
    const png = readFileSync(pngPath);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const viewBox = (await plot.getAttribute('viewBox'))!.split(' ').map(Number);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([viewBox[2]! * 2, viewBox[3]! * 2]);

    // The drill-down opens the evaluated runs in the Explain view's grid.
    const bestLink = page.getByTestId('drill-best').getByRole('link').first();
    const bestIndex = Number(/image=(\d+)$/.exec((await bestLink.getAttribute('href'))!)![1]);
    await bestLink.click();
    await expect(page).toHaveURL(new RegExp(`#/explain/runs/${created.runs.join(',')}\\?image=${bestIndex}$`));
    await expect(page.getByTestId('heatmap-grid')).toHaveAttribute('data-cols', '2');
    // That image's row comparison opens by itself.
    await expect(page.getByTestId('row-compare')).toBeVisible();
    await expect(page.getByTestId('row-compare')).toContainText(`#${bestIndex}`);
    await page.goBack();

    // The evaluation is listed on the setup page and can be deleted there.
    await page.getByRole('link', { name: '← Evaluate' }).click();
    await expect(page.getByRole('link', { name: `e2e evaluation ${stamp}` })).toBeVisible();
    await page.getByRole('button', { name: `Delete evaluation ${created.evaluation}` }).click();
    await page.getByRole('button', { name: 'Delete evaluation', exact: true }).click();
    await expect(page.getByRole('link', { name: `e2e evaluation ${stamp}` })).toHaveCount(0);
    expect((await api['evaluations.get']({ id: created.evaluation })).ok).toBe(false);
    created.evaluation = 0;

    expect(errors).toEqual([]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
    if (created.evaluation) await api['evaluations.delete']({ id: created.evaluation });
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});
