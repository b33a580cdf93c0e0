// Comparing models end to end through the API on a temporary workspace: two tiny models explained
// on the very same images in one go (one job per model), shown together in one grid, each
// evaluated, and the evaluations compared. Oracles: every paired test recomputed here from
// evaluations.scores (Wilcoxon signed-rank, Holm over the metric's tests), every model's cell equal
// to its own evaluation's table and chance verdict. Evaluations that differ in a part are refused
// with one sentence naming it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, ApiRequest } from '../../shared/api.js';
import type { Evaluation, EvaluationScores } from '../../shared/evaluations.js';
import type { Job } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { holmAdjust } from '../../main/evaluate/statistics/holm.js';
import { wilcoxonSignedRank } from '../../main/evaluate/statistics/wilcoxon.js';
import { failure, ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let datasetId: number;
let models: number[];
/** Each model's runs, in method order (gradient, gradient × input). */
let runs: number[][];

const metrics = [{ id: 'relevance-mass-accuracy' }, { id: 'pointing-game' }, { id: 'sparseness' }];

async function done(job: Job): Promise<Job> {
  const finished = await heatlab.jobs.waitFor(job.id);
  expect(finished.status, finished.error?.message).toBe('done');
  return finished;
}

async function evaluate(request: ApiRequest<'evaluate.start'>): Promise<Evaluation> {
  const job = await done(ok(await api['evaluate.start'](request)));
  return ok(await api['evaluations.get']({ id: (job.result as { evaluationId: number }).evaluationId }));
}

const column = (s: EvaluationScores, c: number, m: number) => s.scores.subarray((c * s.metrics.length + m) * s.rows, (c * s.metrics.length + m + 1) * s.rows);

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-compare-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  const data = await done(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 200, seed: 4, minContrast: 0.3 } })));
  datasetId = (data.result as { datasetId: number }).datasetId;
  models = [];
  for (const [preset, seed] of [['mlp', 1], ['tiny-cnn', 2]] as const) {
    const trained = await done(ok(await api['models.train']({ datasetId, name: `${preset} ${seed}`, architecture: { kind: 'preset', preset }, training: { epochs: 1, batchSize: 32, seed } })));
    models.push((trained.result as { modelId: number }).modelId);
  }
  const jobs = ok(await api['explain.compare']({ modelIds: models, datasetId, images: { split: 'test', pick: 'first', n: 24 }, methods: [{ id: 'gradient' }, { id: 'gradient-x-input' }], seed: 3 }));
  expect(jobs).toHaveLength(2);
  runs = [];
  for (const job of jobs) runs.push(((await done(job)).result as { runIds: number[] }).runIds);
}, 240_000);

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('explaining several models on the same images', () => {
  it('starts one job per model on the very same images, which one grid shows side by side', async () => {
    const [a, b] = await Promise.all(runs.map(async (ids) => ok(await api['explanations.get']({ id: ids[0]! }))));
    expect([a!.modelId, b!.modelId]).toEqual(models);
    expect(b!.selection).toEqual(a!.selection);
    const index = ok(await api['explanations.gridIndex']({ ids: [...runs[0]!, ...runs[1]!] }));
    expect(index.indices).toHaveLength(24);
    const rows = ok(await api['explanations.gridRows']({ ids: [runs[0]![0]!, runs[1]![0]!], rows: [0, 5] }));
    expect(Array.from(rows.batches[1]!.indices)).toEqual(Array.from(rows.batches[0]!.indices));
  });

  it('refuses a choice of images that depends on each model’s predictions, and a model listed twice, before any job starts', async () => {
    const before = ok(await api['jobs.list']({})).length;
    const request = { datasetId, methods: [{ id: 'gradient' }] };
    expect(failure(await api['explain.compare']({ ...request, modelIds: models, images: { pick: 'first', n: 5, outcome: 'incorrect' } }))).toMatch(/^Models compared side by side must explain the same images/);
    expect(failure(await api['explain.compare']({ ...request, modelIds: [models[0]!, models[0]!] }))).toBe(`Model ${models[0]} is listed twice.`);
    expect(failure(await api['explain.compare']({ ...request, modelIds: [models[0]!, 9999] }))).toMatch(/9999/);
    expect(ok(await api['jobs.list']({})).length).toBe(before);
  });
});

describe('evaluations.compare', () => {
  let evaluations: Evaluation[];

  beforeAll(async () => {
    evaluations = [];
    // The second evaluation lists its metrics in another order: they are matched by id.
    for (const [k, ids] of runs.entries())
      evaluations.push(await evaluate({ runIds: ids, metrics: k === 0 ? metrics : [...metrics].reverse(), groundTruth: { kind: 'generated', mask: 'object' }, seed: 5 + k, resamples: 300 }));
  }, 240_000);

  it('pairs the models method by method, with numbers equal to a recomputation from the stored per-image scores', async () => {
    const c = ok(await api['evaluations.compare']({ ids: evaluations.map((e) => e.id) }));
    expect(c.models.map((m) => [m.label, m.modelId, m.evaluationId])).toEqual([
      ['mlp 1', models[0], evaluations[0]!.id],
      ['tiny-cnn 2', models[1], evaluations[1]!.id],
    ]);
    expect(c.methods.map((m) => [m.label, m.baseline, m.columns])).toEqual([
      ['Gradient (signed)', false, [0, 0]],
      ['Gradient × Input', false, [1, 1]],
      ['Random map (baseline)', true, [2, 2]],
    ]);
    expect(c).toMatchObject({ datasetId, count: 24, perImage: 1, target: 'predicted', level: 0.95, resamples: 300, alpha: 0.05 });
    expect(c.metrics.map((m) => m.metric.id)).toEqual(metrics.map((m) => m.id));
    const scores = await Promise.all(evaluations.map(async (e) => ok(await api['evaluations.scores']({ id: e.id }))));
    for (const mc of c.metrics) {
      const k = scores.map((s) => s.metrics.indexOf(mc.metric.id));
      // Each model's cells are its own evaluation's, CI and chance verdict alike.
      for (const [j, method] of c.methods.entries())
        for (const i of [0, 1]) {
          const e = evaluations[i]!;
          const col = method.columns[i]!;
          expect(mc.cells[j]![i]).toMatchObject(e.table[k[i]!]![col]!);
          const chance = e.rankings[k[i]!]!.chance!.find((v) => v.column === col);
          expect(mc.cells[j]![i]!.chance).toBe(chance?.verdict ?? null);
        }
      // One test per method (not the baseline), recomputed from the scores and Holm-adjusted over the metric.
      expect(mc.tests.map((t) => [t.method, t.a, t.b])).toEqual([
        [0, 0, 1],
        [1, 0, 1],
      ]);
      const recomputed = mc.tests.map((t) => {
        const x = column(scores[0]!, c.methods[t.method]!.columns[0]!, k[0]!);
        const y = column(scores[1]!, c.methods[t.method]!.columns[1]!, k[1]!);
        let pairs = 0;
        let sum = 0;
        for (let r = 0; r < x.length; r++) if (Number.isFinite(x[r]!) && Number.isFinite(y[r]!)) (pairs++, (sum += x[r]! - y[r]!));
        return { ...wilcoxonSignedRank(x, y), pairs, mean: sum / pairs };
      });
      const holm = holmAdjust(recomputed.map((r) => r.p));
      mc.tests.forEach((t, n) => {
        const r = recomputed[n]!;
        expect(t.pairs).toBe(r.pairs);
        expect(t.statistic).toBe(r.statistic);
        expect(t.n).toBe(r.n);
        expect(t.p).toBe(r.p);
        expect(t.pHolm).toBe(holm[n]);
        if (r.n === 0) expect(t.verdict).toBe('identical');
        else if (holm[n]! >= 0.05) expect(t.verdict).toBe('indistinguishable');
        else expect(t.verdict).toBe((r.statistic > (r.n * (r.n + 1)) / 4) === mc.metric.higherIsBetter ? 'better-a' : 'better-b');
        expect(t.meanDifference).toBeCloseTo(r.mean, 12);
        if (r.pairs > 1) expect(t.low).toBeLessThanOrEqual(t.high);
      });
    }
  });

  it('refuses evaluations that differ in images, metrics, their parameters or model, naming the part', async () => {
    const [a, b] = evaluations;
    // The same model twice.
    const again = await evaluate({ runIds: runs[0]!, metrics, groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 });
    expect(failure(await api['evaluations.compare']({ ids: [a!.id, again.id] }))).toBe(`Evaluations ${a!.id} and ${again.id} both score model "mlp 1"; compare evaluations of different models.`);
    // Other metrics, and another ground truth.
    const fewer = await evaluate({ runIds: runs[1]!, metrics: [metrics[0]!, metrics[2]!], groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 });
    expect(failure(await api['evaluations.compare']({ ids: [a!.id, fewer.id] }))).toBe(`Evaluations ${a!.id} and ${fewer.id} score different metrics: only evaluation ${a!.id} scores Pointing game.`);
    const untruthed = await evaluate({ runIds: runs[1]!, metrics: [{ id: 'sparseness' }], resamples: 100 });
    expect(failure(await api['evaluations.compare']({ ids: [a!.id, untruthed.id] }))).toBe(`Evaluations ${a!.id} and ${untruthed.id} use different ground truths (generated "object" masks and none).`);
    // Another parameter of one metric.
    const tolerant = await evaluate({ runIds: runs[1]!, metrics: [metrics[0]!, { id: 'pointing-game', params: { tolerance: 2 } }, metrics[2]!], groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 });
    expect(failure(await api['evaluations.compare']({ ids: [a!.id, tolerant.id] }))).toBe(`Evaluations ${a!.id} and ${tolerant.id} score Pointing game with different parameters (tolerance 0 and 2).`);
    // Other images of the same number.
    const jobs = ok(await api['explain.compare']({ modelIds: models, datasetId, images: { split: 'test', pick: 'random', n: 24, seed: 9 }, methods: [{ id: 'gradient' }], seed: 3 }));
    const other = ((await done(jobs[1]!)).result as { runIds: number[] }).runIds;
    await done(jobs[0]!);
    const elsewhere = await evaluate({ runIds: other, metrics, groundTruth: { kind: 'generated', mask: 'object' }, resamples: 100 });
    expect(failure(await api['evaluations.compare']({ ids: [a!.id, elsewhere.id] }))).toMatch(new RegExp(`^Evaluations ${a!.id} and ${elsewhere.id} score different images \\(row \\d+ is image \\d+ in one and image \\d+ in the other\\)`));
    expect(failure(await api['evaluations.compare']({ ids: [a!.id, b!.id, a!.id] }))).toBe(`Evaluation ${a!.id} is listed twice.`);
    expect(failure(await api['evaluations.compare']({ ids: [a!.id, 9999] }))).toBe('There is no evaluation 9999.');
  });
});
