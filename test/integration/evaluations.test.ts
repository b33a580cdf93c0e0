// Evaluations end to end through the API on a temporary workspace: runs of one model scored by
// several metrics against a generated ground truth and an annotation set, with the random-map
// baseline alongside. Oracles: the baseline's maps are the Random map method's own maps for the
// same seed (so its scores equal those of a Random map run), mass accuracy recomputed here from the
// stored heatmaps and the dataset's masks, curve means recomputed from the per-image curves, and the
// summary statistics recomputed from the stored scores. Bad requests leave no job and no file.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, ApiRequest } from '../../shared/api.js';
import type { Evaluation } from '../../shared/evaluations.js';
import type { ExplanationRun } from '../../shared/explanations.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { readNpy } from '../../main/workspace/npy.js';
import { failure, ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let datasetId: number;
let runs: ExplanationRun[];

async function evaluate(request: Omit<ApiRequest<'evaluate.start'>, 'runIds'> & { runIds?: number[] }): Promise<Evaluation> {
  const job = await heatlab.jobs.waitFor(ok(await api['evaluate.start']({ runIds: runs.map((r) => r.id), ...request })).id);
  expect(job.status, job.error?.message).toBe('done');
  return ok(await api['evaluations.get']({ id: (job.result as { evaluationId: number }).evaluationId }));
}

const heatmapsOf = (run: ExplanationRun) => readNpy(join(workspace, run.files.find((f) => f.role === 'heatmaps')!.path)).data as Float32Array;
const evaluationsDir = () => join(workspace, 'data', 'evaluations');

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-evaluate-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  const data = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 300, seed: 3, minContrast: 0.3 } })).id);
  datasetId = (data.result as { datasetId: number }).datasetId;
  const trained = await heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId, training: { epochs: 2, batchSize: 32, learningRate: 0.003 } })).id);
  expect(trained.status, trained.error?.message).toBe('done');
  const modelId = (trained.result as { modelId: number }).modelId;
  const job = await heatlab.jobs.waitFor(
    ok(await api['explain.start']({ modelId, datasetId, images: { split: 'test', pick: 'first', n: 20 }, methods: [{ id: 'gradient' }, { id: 'random' }], seed: 7 })).id,
  );
  expect(job.status, job.error?.message).toBe('done');
  runs = await Promise.all((job.result as { runIds: number[] }).runIds.map(async (id) => ok(await api['explanations.get']({ id }))));
});

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('evaluations', () => {
  it('scores every run and one random baseline: a Random map run the user chose stands in for the built-in maps, which are its own for the same seed', async () => {
    const metrics = [{ id: 'relevance-mass-accuracy' }, { id: 'pointing-game' }, { id: 'region-perturbation', params: { regionSize: 8, steps: 6 } }, { id: 'sparseness' }];
    const request = { metrics, groundTruth: { kind: 'generated' as const, mask: 'object' as const }, seed: 7, resamples: 500 };
    const builtIn = await evaluate({ ...request, runIds: [runs[0]!.id] });
    expect(builtIn.columns).toEqual([
      { runId: runs[0]!.id, method: 'gradient', label: 'Gradient (signed)', baseline: false },
      { runId: null, method: 'random', label: 'Random map (baseline)', baseline: true },
    ]);
    const e = await evaluate(request);
    expect(e.columns.map((c) => [c.label, c.runId, c.baseline])).toEqual([
      ['Gradient (signed)', runs[0]!.id, false],
      ['Random map (baseline)', runs[1]!.id, true],
    ]);
    expect(e.runIds).toEqual(runs.map((r) => r.id));
    expect(e.count).toBe(20);
    expect(e.table).toHaveLength(4);
    const scores = ok(await api['evaluations.scores']({ id: e.id }));
    const reference = ok(await api['evaluations.scores']({ id: builtIn.id }));
    expect(scores.scores).toHaveLength(2 * 4 * 20);
    // The run's column equals the built-in baseline, metric by metric (uniform noise included: same seed, same images).
    expect(Array.from(scores.scores)).toEqual(Array.from(reference.scores));
    expect(e.rankings[0]!.tests).toHaveLength(1);
    // Each method is compared with the baseline once per metric.
    for (const ranking of e.rankings) expect(ranking.chance?.map((v) => v.column)).toEqual([0]);
    expect(failure(await api['evaluate.start']({ runIds: [runs[1]!.id, runs[1]!.id], metrics }))).toMatch(/listed twice/);
  });

  it('records the evidence with the scores: a removal check per perturbation, each ranking’s reliability, each method against chance, and the size-derived parameters as run', async () => {
    const e = await evaluate({
      runIds: [runs[0]!.id],
      metrics: [{ id: 'region-perturbation' }, { id: 'region-perturbation-lerf' }, { id: 'pixel-flipping', params: { pixelsPerStep: 64 } }, { id: 'sparseness' }],
      resamples: 200,
    });
    // The paper's 9 px on 224 px scaled to 32 px, and its 16 % share of the image.
    expect(e.metricDetails[0]!.params).toMatchObject({ regionSize: 1, steps: 165, perturbation: 'road', relevance: 'method' });
    const validity = e.evidence!.validity;
    // MoRF and LeRF perturb alike and share one check; pixel flipping has its own.
    expect(validity.map((v) => v.metrics)).toEqual([['region-perturbation', 'region-perturbation-lerf'], ['pixel-flipping']]);
    expect(validity[0]!.perturbation).toBe('noisy linear imputation (ROAD) in 1×1-px grid regions');
    for (const v of validity) {
      expect(v.images).toBe(20);
      expect(v.regionsPerImage).toBe(16);
      for (const share of [v.raiseShare, v.materialShare, v.budgetRaiseShare, v.full.dominantShare, v.full.notLoweredShare]) {
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(1);
      }
      expect(v.full.predicted.reduce((a, b) => a + b, 0)).toBe(20);
      expect(v.removal).toBe(v.warnings.length === 0);
    }
    const reliability = e.evidence!.reliability;
    expect(reliability.metrics.map((m) => m.metric)).toEqual(['region-perturbation', 'region-perturbation-lerf', 'pixel-flipping', 'sparseness']);
    // One method: its ranking is the method against the random baseline, ranked by all 20 images.
    expect(reliability.metrics[0]!.interRater.withBaseline.images).toBe(20);
    expect(reliability.internalConsistency.map((p) => [p.a, p.b])).toEqual([
      ['region-perturbation', 'region-perturbation-lerf'],
      ['region-perturbation', 'pixel-flipping'],
      ['region-perturbation-lerf', 'pixel-flipping'],
    ]);
    for (const ranking of e.rankings) {
      expect(ranking.chance).toHaveLength(1);
      const chance = ranking.chance![0]!;
      // The verdict follows the Holm-adjusted p (one comparison: the raw p) and the metric's direction.
      expect(chance.pHolm).toBe(chance.p);
      if (chance.pHolm >= 0.05) expect(chance.verdict).toBe('indistinguishable');
    }
    // The evidence survives the catalogue.
    const again = ok(await api['evaluations.get']({ id: e.id }));
    expect(again.evidence).toEqual(e.evidence);
  });

  it('stores mass accuracy equal to the share of relevance inside the dataset’s mask, the signed gradient’s by magnitude as its method says', async () => {
    const e = await evaluate({ metrics: [{ id: 'relevance-mass-accuracy' }], groundTruth: { kind: 'generated', mask: 'object' } });
    const scores = ok(await api['evaluations.scores']({ id: e.id }));
    const heatmaps = heatmapsOf(runs[0]!);
    const masks = ok(await api['datasets.masks']({ id: datasetId, kind: 'object', indices: Array.from(scores.indices) }));
    for (let i = 0; i < 20; i++) {
      let inside = 0;
      let total = 0;
      for (let p = 0; p < 1024; p++) {
        const v = Math.abs(heatmaps[i * 1024 + p]!);
        total += v;
        if (masks.data[i * 1024 + p] !== 0) inside += v;
      }
      expect(scores.scores[i]).toBeCloseTo(inside / total, 6);
    }
    // The table is the mean of the stored scores, inside its own CI.
    const mean = Array.from(scores.scores.subarray(0, 20)).reduce((a, b) => a + b, 0) / 20;
    const summary = e.table[0]![0]!;
    expect(summary.mean).toBeCloseTo(mean, 10);
    expect(summary.n).toBe(20);
    expect(summary.low).toBeLessThanOrEqual(summary.mean);
    expect(summary.high).toBeGreaterThanOrEqual(summary.mean);
  });

  it('returns per-image curves whose mean and band follow from them, starting at zero', async () => {
    const e = await evaluate({ metrics: [{ id: 'region-perturbation', params: { regionSize: 8, steps: 4 } }] });
    expect(e.groundTruth).toBeNull();
    expect(e.metricDetails[0]!.curve).toEqual({ x: 'regions removed', y: 'f(x⁽⁰⁾) − f(x⁽ᵏ⁾)' });
    const curves = ok(await api['evaluations.curves']({ id: e.id, metric: 'region-perturbation' }));
    expect(Array.from(curves.x)).toEqual([0, 1, 2, 3, 4]);
    expect(curves.curves).toHaveLength(2 * 20 * 5);
    for (let c = 0; c < 2; c++)
      for (let k = 0; k < 5; k++) {
        let sum = 0;
        for (let r = 0; r < 20; r++) sum += curves.curves[(c * 20 + r) * 5 + k]!;
        expect(curves.mean[c * 5 + k]).toBeCloseTo(sum / 20, 5);
        expect(curves.low[c * 5 + k]).toBeLessThanOrEqual(curves.mean[c * 5 + k]! + 1e-12);
      }
    for (let c = 0; c < 2; c++) expect(curves.mean[c * 5]).toBe(0);
    // AOPC per image is the curve's mean.
    const scores = ok(await api['evaluations.scores']({ id: e.id }));
    const aopc = Array.from(curves.curves.subarray(0, 5)).reduce((a, b) => a + b, 0) / 5;
    expect(scores.scores[0]).toBeCloseTo(aopc, 5);
    expect(failure(await api['evaluations.curves']({ id: e.id, metric: 'sparseness' }))).toMatch(/did not score sparseness/);
  });

  it('re-explains each run for the sanity and robustness metrics, and leaves the baseline, which no method made, without them', async () => {
    const e = await evaluate({ runIds: [runs[0]!.id], metrics: [{ id: 'model-parameter-randomisation' }, { id: 'random-logit' }, { id: 'max-sensitivity', params: { samples: 4 } }] });
    expect(e.table.map((row) => row[0]!.n)).toEqual([20, 20, 20]);
    expect(e.table.map((row) => row[1]!.n)).toEqual([0, 0, 0]);
    // The gradient of a trained network decorrelates from the one of its randomised copies.
    expect(e.table[0]![0]!.mean).toBeLessThan(0.9);
    const curves = ok(await api['evaluations.curves']({ id: e.id, metric: 'model-parameter-randomisation' }));
    // Stage 0 re-explains the unchanged model: the gradient comes back as it was stored.
    expect(curves.mean[0]).toBeCloseTo(1, 5);
    expect(curves.x.length).toBeGreaterThan(2);
  });

  it('is reproducible from its seed', async () => {
    const request = { metrics: [{ id: 'region-perturbation', params: { regionSize: 8, steps: 3 } }], seed: 11, resamples: 300 };
    const [a, b] = [await evaluate(request), await evaluate(request)];
    expect(b.table).toEqual(a.table);
    expect(ok(await api['evaluations.scores']({ id: b.id })).scores).toEqual(ok(await api['evaluations.scores']({ id: a.id })).scores);
  });

  it('scores only the annotated images of an annotation set that starts empty', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'corners by hand', annotator: 'Ada', labels: ['corners', 'edges'] }));
    const indices = readNpy(join(workspace, runs[0]!.files.find((f) => f.role === 'indices')!.path)).data as Int32Array;
    const mask = new Uint8Array(1024);
    mask.fill(1, 0, 512);
    mask.fill(2, 512, 600);
    ok(await api['annotations.save']({ id: set.id, index: indices[0]!, mask }));
    ok(await api['annotations.save']({ id: set.id, index: indices[5]!, mask }));
    const e = await evaluate({ metrics: [{ id: 'relevance-mass-accuracy' }], groundTruth: { kind: 'set', id: set.id, label: 2 } });
    expect(e.groundTruthLabel).toBe('annotation set "corners by hand" by Ada, label "edges"');
    expect(e.table[0]![0]!.n).toBe(2);
    const scores = ok(await api['evaluations.scores']({ id: e.id }));
    const heatmaps = heatmapsOf(runs[0]!);
    let inside = 0;
    let total = 0;
    for (let p = 0; p < 1024; p++) {
      const v = Math.abs(heatmaps[p]!);
      total += v;
      if (p >= 512 && p < 600) inside += v;
    }
    expect(scores.scores[0]).toBeCloseTo(inside / total, 6);
    expect(Number.isNaN(scores.scores[1]!)).toBe(true);
    // The masks written for the job are gone once it is recorded.
    expect(readdirSync(evaluationsDir()).filter((f) => f.startsWith('input-'))).toEqual([]);
  });

  it('refuses bad requests with one sentence, leaving no job and no file', async () => {
    const jobs = ok(await api['jobs.list']({})).length;
    const before = readdirSync(evaluationsDir()).sort();
    const message = async (request: ApiRequest<'evaluate.start'>) => failure(await api['evaluate.start'](request));
    const ids = runs.map((r) => r.id);
    expect(await message({ runIds: ids, metrics: [{ id: 'pointing-game' }] })).toBe('Pointing game needs a ground truth: choose a generated mask kind or an annotation set.');
    expect(await message({ runIds: ids, metrics: [{ id: 'no-such-metric' }] })).toMatch(/^There is no metric "no-such-metric"; the metrics are /);
    expect(await message({ runIds: ids, metrics: [{ id: 'sparseness', params: { colour: 1 } }] })).toMatch(/has no parameter "colour"/);
    expect(await message({ runIds: [ids[0]!, ids[0]!], metrics: [{ id: 'sparseness' }] })).toBe(`Explanation run ${ids[0]} is listed twice.`);
    expect(await message({ runIds: ids, metrics: [{ id: 'sparseness' }, { id: 'sparseness' }] })).toMatch(/is asked for twice/);
    expect(await message({ runIds: ids, metrics: [{ id: 'pointing-game' }], groundTruth: { kind: 'set', id: 999 } })).toMatch(/annotation set 999/i);
    const other = await heatlab.jobs.waitFor(
      ok(await api['explain.start']({ modelId: runs[0]!.modelId, datasetId, images: { split: 'test', pick: 'first', n: 5 }, methods: [{ id: 'gradient' }] })).id,
    );
    const otherRun = (other.result as { runIds: number[] }).runIds[0]!;
    expect(await message({ runIds: [ids[0]!, otherRun], metrics: [{ id: 'sparseness' }] })).toBe(
      `Runs ${ids[0]} and ${otherRun} explain different images or classes, so their scores cannot be paired; pick runs made on the same images and target.`,
    );
    expect(ok(await api['jobs.list']({})).length).toBe(jobs + 1);
    expect(readdirSync(evaluationsDir()).sort()).toEqual(before);
    ok(await api['explanations.delete']({ id: otherRun }));
  });

  it('leaves no evaluation and no written masks when cancelled', async () => {
    const before = ok(await api['evaluations.list']({})).length;
    const started = ok(await api['evaluate.start']({ runIds: runs.map((r) => r.id), metrics: [{ id: 'pointing-game' }, { id: 'region-perturbation' }], groundTruth: { kind: 'generated', mask: 'band' } }));
    expect(readdirSync(evaluationsDir()).filter((f) => f.startsWith('input-'))).toHaveLength(1);
    ok(await api['jobs.cancel']({ id: started.id }));
    const job = await heatlab.jobs.waitFor(started.id);
    expect(job.status).toBe('cancelled');
    expect(ok(await api['evaluations.list']({})).length).toBe(before);
    expect(readdirSync(evaluationsDir()).filter((f) => !/^\d+$/.test(f))).toEqual([]);
  });

  it('goes with a run that is deleted, files and all', async () => {
    const job = await heatlab.jobs.waitFor(
      ok(await api['explain.start']({ modelId: runs[0]!.modelId, datasetId, images: { split: 'test', pick: 'first', n: 20 }, methods: [{ id: 'gradient-x-input' }], seed: 7 })).id,
    );
    const extra = (job.result as { runIds: number[] }).runIds[0]!;
    const e = await evaluate({ runIds: [runs[0]!.id, extra], metrics: [{ id: 'sparseness' }] });
    expect(ok(await api['evaluations.list']({ runId: extra })).map((s) => s.id)).toEqual([e.id]);
    expect(existsSync(join(evaluationsDir(), String(e.id)))).toBe(true);
    ok(await api['explanations.delete']({ id: extra }));
    expect(failure(await api['evaluations.get']({ id: e.id }))).toBe(`There is no evaluation ${e.id}.`);
    expect(existsSync(join(evaluationsDir(), String(e.id)))).toBe(false);
    // The other evaluations stay.
    expect(ok(await api['evaluations.list']({ runId: runs[0]!.id })).length).toBeGreaterThan(0);
  });
});
