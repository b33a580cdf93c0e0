// A study report end to end on a small real workspace: a generated dataset, a model trained for
// an epoch, two methods explained on a few test images and evaluated on two metrics against the
// band. The report is gathered through the Api and rendered; its results table must hold the
// catalogue's numbers, the file must be self-contained, the paper figure a 300 dpi PNG at the
// journal width, and Chromium must print the report as a PDF. The command line writes the same.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Evaluation } from '../../shared/evaluations.js';
import type { ExplanationRun } from '../../shared/explanations.js';
import { formatScore } from '../../shared/score-format.js';
import type { ReportRequest } from '../../shared/study-report.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { appVersion } from '../../main/app/paths.js';
import { reportSourcesFromApi } from '../../main/app/report-sources.js';
import { figureBytes } from '../../main/study/report/figure-files.js';
import { gatherReport } from '../../main/study/report/gather.js';
import { findChromium, printPdf } from '../../main/study/report/pdf.js';
import { renderReport } from '../../main/study/report/render-report.js';
import { readNpy } from '../../main/workspace/npy.js';
import { ownStderr, runCli } from '../fixtures/cli-runner.js';
import { ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let runs: ExplanationRun[];
let evaluation: Evaluation;

const request = (more: Partial<ReportRequest> = {}): ReportRequest => ({
  title: 'Which method localises the band?',
  question: 'Does LRP ε localise the band better than the gradient on a tiny CNN?',
  datasetIds: [],
  modelIds: [],
  runIds: [],
  evaluationIds: [evaluation.id],
  ...more,
});
const gather = (more: Partial<ReportRequest> = {}) => gatherReport(reportSourcesFromApi(api, appVersion()), request(more));

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-report-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  const done = async (started: { id: number }) => {
    const job = await heatlab.jobs.waitFor(started.id);
    expect(job.status, job.error?.message).toBe('done');
    return job.result as Record<string, unknown>;
  };
  const { datasetId } = (await done(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 240, seed: 3, minContrast: 0.3 } })))) as { datasetId: number };
  const { modelId } = (await done(ok(await api['models.train']({ datasetId, training: { epochs: 1, batchSize: 32, learningRate: 0.003 } })))) as { modelId: number };
  const { runIds } = (await done(ok(await api['explain.start']({ modelId, datasetId, images: { split: 'test', pick: 'first', n: 12 }, methods: [{ id: 'gradient' }, { id: 'lrp-epsilon' }], seed: 7 })))) as { runIds: number[] };
  runs = await Promise.all(runIds.map(async (id) => ok(await api['explanations.get']({ id }))));
  const metrics = [{ id: 'relevance-mass-accuracy' }, { id: 'region-perturbation', params: { regionSize: 8, steps: 4 } }];
  const { evaluationId } = (await done(ok(await api['evaluate.start']({ runIds, metrics, groundTruth: { kind: 'generated', mask: 'band' }, seed: 5, resamples: 200 })))) as { evaluationId: number };
  evaluation = ok(await api['evaluations.get']({ id: evaluationId }));
});

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** The results table of an evaluation as the HTML holds it: per row (column index), per metric, the data attributes and the shown mean. */
function resultsTable(html: string, evaluationId: number): Map<number, Map<string, { mean: string; low: string; high: string; n: string; shown: string }>> {
  const table = new RegExp(`<table class="results" data-evaluation="${evaluationId}">([\\s\\S]*?)</table>`).exec(html);
  expect(table, 'the results table').not.toBeNull();
  const rows = new Map<number, Map<string, { mean: string; low: string; high: string; n: string; shown: string }>>();
  for (const row of table![1]!.matchAll(/<tr class="[^"]*" data-column="(\d+)"[^>]*>([\s\S]*?)<\/tr>/g)) {
    const cells = new Map<string, { mean: string; low: string; high: string; n: string; shown: string }>();
    for (const c of row[2]!.matchAll(/<td [^>]*data-metric="([^"]+)" data-mean="([^"]*)" data-low="([^"]*)" data-high="([^"]*)" data-n="(\d+)"><span class="value">([^<]*)<\/span>/g))
      cells.set(c[1]!, { mean: c[2]!, low: c[3]!, high: c[4]!, n: c[5]!, shown: c[6]! });
    rows.set(Number(row[1]), cells);
  }
  return rows;
}

describe('study report', () => {
  it('holds the catalogue’s scores in its results table: every mean, interval and n as stored, and the mean as the Evaluate view shows it', async () => {
    const data = await gather();
    // The evaluation brought its runs, their model and their dataset.
    expect(data.runs.map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(data.models.map((m) => m.id)).toEqual([evaluation.modelId]);
    expect(data.datasets.map((d) => d.dataset.id)).toEqual([evaluation.datasetId]);
    const html = renderReport(data);
    const table = resultsTable(html, evaluation.id);
    expect([...table.keys()]).toEqual(evaluation.columns.map((_, c) => c));
    evaluation.metricDetails.forEach((metric, k) => {
      evaluation.columns.forEach((_, c) => {
        const stored = evaluation.table[k]![c]!;
        const cell = table.get(c)!.get(metric.id)!;
        expect(Number(cell.mean)).toBe(stored.mean);
        expect(Number(cell.low)).toBe(stored.low);
        expect(Number(cell.high)).toBe(stored.high);
        expect(Number(cell.n)).toBe(stored.n);
        expect(cell.shown).toBe(formatScore(stored.mean));
      });
    });
    // The model's accuracy is the catalogue's, and the conclusions cite the evaluation.
    const model = ok(await api['models.get']({ id: evaluation.modelId }));
    expect(html).toContain(`data-accuracy="${model.test!.accuracy}"`);
    expect(html).toMatch(new RegExp(`<ul class="conclusions" data-evaluation="${evaluation.id}"><li class="(finding|caveat|undecided)"`));
    for (const section of ['question', 'conclusions', 'data', 'models', 'methods', 'heatmaps', 'results', 'curves', 'rankings', 'evidence', 'provenance']) expect(html).toContain(`id="${section}"`);
  });

  it('is one self-contained file: no web address, no file reference, no stylesheet link or script, every image inline', async () => {
    const html = renderReport(await gather());
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/@import|url\((?!#)/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href.startsWith('data:image/png;base64,')).toBe(true);
    // Print rules: pages, breaks and colours kept.
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).toMatch(/@media print \{[\s\S]*break-before: page/);
  });

  it('shows the chosen rows and methods in the heatmap figure, and writes it as a PNG at the journal width and 300 dpi', async () => {
    const data = await gather({ figureRows: [0, 2], figureMethods: ['lrp-epsilon'] });
    expect(data.grids).toHaveLength(1);
    const grid = data.grids[0]!;
    const indices = readNpy(join(workspace, runs[0]!.files.find((f) => f.role === 'indices')!.path)).data as Int32Array;
    expect(grid.images.map((i) => i.index)).toEqual([indices[0], indices[2]]);
    expect(grid.columns.map((c) => c.runId)).toEqual([runs[1]!.id]);
    // The heatmaps are the run's own rows.
    const stored = ok(await api['explanations.heatmaps']({ id: runs[1]!.id, rows: [2] }));
    expect(Array.from(grid.columns[0]!.heatmaps[1]!)).toEqual(Array.from(stored.heatmaps));
    for (const width of ['single', 'double'] as const) {
      const meta = await sharp(Buffer.from(await figureBytes(grid, width, 'png', null))).metadata();
      expect(meta.width).toBe(width === 'single' ? 1004 : 2055);
      expect(meta.density).toBe(300);
    }
    await expect(gather({ figureRows: [12] })).rejects.toThrow('has 12 images explained by every run (rows 0–11), so it has no row 12.');
    await expect(gather({ figureMethods: ['rise'] })).rejects.toThrow('The report has no run of rise; its methods are gradient, lrp-epsilon.');
  });

  it('prints the report to a PDF with the machine’s Chromium', async () => {
    const chromium = findChromium();
    if (chromium === null) throw new Error('This test prints with Chromium: install it (apt-get install -y chromium) or set HEATLAB_CHROMIUM.');
    const pdf = await printPdf(renderReport(await gather()), chromium);
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(Buffer.from(pdf).toString('latin1')).toMatch(/\/MediaBox \[0 0 59\d\.\d+ 84\d\.\d+\]/);
  });

  it('is written by `heatlab report` into --out, never over an existing file, and the figure alone with --figure grid', async () => {
    const out = mkdtempSync(join(tmpdir(), 'heatlab-report-out-'));
    try {
      const args = ['report', '--evaluations', String(evaluation.id), '--title', 'Band study', '--out', out, '--json'];
      const first = await runCli(workspace, ...args);
      expect(first.code, first.stderr).toBe(0);
      const files = (JSON.parse(first.stdout) as { files: { kind: string; path: string }[] }).files;
      expect(files).toEqual([{ kind: 'html', path: join(out, 'Band-study.html') }]);
      const html = readFileSync(files[0]!.path, 'utf8');
      expect(resultsTable(html, evaluation.id).get(0)!.get('relevance-mass-accuracy')!.mean).toBe(String(evaluation.table[0]![0]!.mean));
      const second = await runCli(workspace, ...args);
      expect((JSON.parse(second.stdout) as { files: { path: string }[] }).files[0]!.path).toBe(join(out, 'Band-study (2).html'));
      const figure = await runCli(workspace, 'report', '--evaluations', String(evaluation.id), '--figure', 'grid', '--rows', '0,1', '--width', 'single', '--format', 'svg', '--out', out);
      expect(figure.code, figure.stderr).toBe(0);
      expect(figure.stdout.trim()).toBe(`Wrote ${join(out, `heatlab-heatmaps-dataset-${evaluation.datasetId}-single.svg`)}`);
      expect(readFileSync(join(out, `heatlab-heatmaps-dataset-${evaluation.datasetId}-single.svg`), 'utf8')).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="85mm" height="[\d.]+mm"/);
      const none = await runCli(workspace, 'report', '--out', out);
      expect(none.code).toBe(2);
      expect(ownStderr(none)).toBe('heatlab: report needs --evaluations ID,ID (or --runs, --models, --datasets); see `heatlab evaluate list`.');
      const badWidth = await runCli(workspace, 'report', '--evaluations', '1', '--figure', 'grid', '--width', 'half');
      expect(ownStderr(badWidth)).toBe('heatlab: --width takes single or double, not "half". See `heatlab help`.');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
