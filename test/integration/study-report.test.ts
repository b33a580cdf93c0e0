// A study's report through the Api on a fresh workspace: before the study runs it is the question
// and what is missing; once done, its results table holds exactly the catalogue's scores (read from
// the data-mean attributes). Saved, it goes into a granted folder or Downloads, with a PDF printed by
// Chromium; the command line writes the same and answers --json.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Study, StudyPlanInput } from '../../shared/studies.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { runCli } from '../fixtures/cli-runner.js';
import { failure, ok } from '../fixtures/results.js';

const plan: StudyPlanInput = {
  name: 'Report study',
  question: 'Does the gradient find the shape better than a random map?',
  datasets: [
    {
      kind: 'generate',
      generator: 'triangles-squares',
      params: { count: 120, size: 16, minContrast: 0.3 },
      seed: 3,
      models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'tiny-cnn' }, training: { epochs: 1, batchSize: 32, learningRate: 0.003, seed: 2 } }],
    },
  ],
  methods: [{ id: 'gradient' }, { id: 'random' }],
  images: { split: 'test', n: 5, seed: 4 },
  groundTruths: [{ kind: 'generated', mask: 'object' }],
  metrics: [{ id: 'relevance-mass-accuracy' }, { id: 'sparseness' }],
  seed: 5,
  resamples: 100,
};

let root: string;
let heatlab: Heatlab;
let api: Api;
let study: Study;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heatlab-study-report-'));
  heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'cli', downloadsDir: () => join(root, 'Downloads') });
  api = createInProcessApi(heatlab.router, heatlab.events);
  study = ok(await api['studies.create']({ plan: plan as Record<string, unknown> }));
});

afterAll(async () => {
  await heatlab.close();
  rmSync(root, { recursive: true, force: true });
});

/** Each results table's cells: evaluation → "column metric" → the data-mean attribute. */
function tableMeans(html: string): Map<number, Map<string, string>> {
  const tables = new Map<number, Map<string, string>>();
  for (const table of html.matchAll(/<table class="results" data-evaluation="(\d+)">([\s\S]*?)<\/table>/g)) {
    const cells = new Map<string, string>();
    for (const row of table[2]!.matchAll(/<tr class="[^"]*" data-column="(\d+)"[^>]*>([\s\S]*?)<\/tr>/g))
      for (const cell of row[2]!.matchAll(/<td [^>]*data-metric="([^"]+)" data-mean="([^"]*)"/g)) cells.set(`${row[1]} ${cell[1]}`, cell[2]!);
    tables.set(Number(table[1]), cells);
  }
  return tables;
}

describe('study reports', () => {
  it('reports a study that has not run as its question and what is missing', async () => {
    const report = ok(await api['studies.report']({ id: study.id }));
    expect(report.title).toBe('Report study');
    expect(report.html).toContain('<section id="missing"');
    expect(report.html).toContain('The study has not been run yet.');
    expect(report.html).toContain('No evaluation has finished, so the report has no results, rankings or conclusions yet.');
    expect(report.html).toContain('Does the gradient find the shape better than a random map?');
    expect(tableMeans(report.html).size).toBe(0);
    expect(failure(await api['studies.report']({ id: 999 }))).toBe('There is no study 999.');
  });

  it('holds exactly the catalogue’s scores in its results table once the study is done, and nothing missing', async () => {
    ok(await api['studies.run']({ id: study.id }));
    study = await heatlab.studies.waitFor(study.id);
    expect(study.status).toBe('done');
    const { html } = ok(await api['studies.report']({ id: study.id }));
    expect(html).not.toContain('<section id="missing"');
    // Self-contained: nothing is fetched.
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    const tables = tableMeans(html);
    const evaluationIds = study.members.filter((m) => m.kind === 'evaluation').map((m) => m.id);
    expect([...tables.keys()]).toEqual(evaluationIds);
    for (const id of evaluationIds) {
      const evaluation = ok(await api['evaluations.get']({ id }));
      const expected = new Map<string, string>();
      evaluation.metricDetails.forEach((m, k) => evaluation.columns.forEach((_, c) => expected.set(`${c} ${m.id}`, String(evaluation.table[k]![c]!.mean))));
      expect(tables.get(id)).toEqual(expected);
    }
  });

  it('saves the report and its PDF into a granted folder, or into Downloads when no folder is named, and refuses a folder not chosen', async () => {
    const folder = join(root, 'chosen');
    mkdirSync(folder);
    const { folder: granted } = ok(await api['files.grant']({ path: folder }));
    const saved = ok(await api['studies.saveReport']({ id: study.id, folder: granted, pdf: true }));
    expect(saved.path).toBe(join(granted, `Report-study-study-${study.id}.html`));
    expect(readFileSync(saved.path, 'utf8')).toContain('<table class="results"');
    expect(saved.pdfPath).toBe(join(granted, `Report-study-study-${study.id}.pdf`));
    expect(readFileSync(saved.pdfPath!).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const downloaded = ok(await api['studies.saveReport']({ id: study.id }));
    expect(downloaded).toEqual({ path: join(root, 'Downloads', `Report-study-study-${study.id}.html`), pdfPath: null });
    expect(existsSync(downloaded.path)).toBe(true);

    const other = join(root, 'not-chosen');
    mkdirSync(other);
    expect(failure(await api['studies.saveReport']({ id: study.id, folder: other }))).toBe(`Heatlab writes only into a folder chosen with “Choose this folder”, and ${other} was not chosen.`);
  });

  it('writes the report from the command line and says where as JSON', async () => {
    await heatlab.close();
    const out = join(root, 'cli-out');
    mkdirSync(out);
    const run = await runCli(join(root, 'workspace'), 'study', 'report', String(study.id), '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    const written = JSON.parse(run.stdout) as { path: string; pdfPath: string | null; note: string | null };
    expect(written).toEqual({ path: join(out, `Report-study-study-${study.id}.html`), pdfPath: null, note: null });
    expect(tableMeans(readFileSync(written.path, 'utf8')).size).toBe(1);
    heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'cli' });
  });
});
