// Gathering a report from small catalogue records (a fake of the few reads it makes): what an
// evaluation brings with it, which images the figure's rows are when runs of several models
// explained overlapping or different images, which heatmap a run of every class shows, the
// sample images taken class by class, and the ground truth they are outlined with.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/datasets.js';
import type { Evaluation } from '../../shared/evaluations.js';
import type { ExplanationRun } from '../../shared/explanations.js';
import type { Model } from '../../shared/models.js';
import { gatherReport } from '../../main/study/report/gather.js';
import type { ReportSources } from '../../main/study/report/sources.js';

const H = 2;
const W = 2;
const dataset = {
  id: 1,
  name: 'shapes',
  source: 'generated',
  generator: 'triangles-squares',
  count: 10,
  height: H,
  width: W,
  channels: 1,
  dtype: 'uint8',
  classNames: ['square', 'triangle'],
  maskKinds: ['instances', 'object', 'band'],
} as unknown as Dataset;
// Images 0–3 train, 4–9 test; classes alternate.
const labels = Int32Array.from({ length: 10 }, (_, i) => i % 2);
const splits = Uint8Array.from({ length: 10 }, (_, i) => (i < 4 ? 0 : 2));

const model = (id: number) => ({ id, name: `model ${id}`, datasetId: 1 }) as unknown as Model;
interface FakeRun {
  run: ExplanationRun;
  indices: number[];
  logits: number[];
}
function run(id: number, modelId: number, method: string, indices: number[], perImage = 1): FakeRun {
  return {
    run: { id, modelId, datasetId: 1, method, methodLabel: method.toUpperCase(), count: indices.length, perImage, height: H, width: W, files: [{ role: 'indices', sha256: indices.join(',') }] } as unknown as ExplanationRun,
    indices,
    // Two classes; the second wins on odd dataset indices.
    logits: indices.flatMap((i) => (i % 2 === 1 ? [0.1, 0.9] : [0.9, 0.1])),
  };
}

function sources(runs: FakeRun[], evaluations: Evaluation[] = []): ReportSources & { masked: string[] } {
  const masked: string[] = [];
  const byId = (id: number) => runs.find((r) => r.run.id === id)!;
  return {
    masked,
    version: 'test',
    datasets: {
      get: () => dataset,
      index: () => ({ labels, splits }),
      images: (_id, indices) => ({ shape: [indices.length, H, W, 1], dtype: 'uint8', data: Uint8Array.from(indices.flatMap((i) => [i, i, i, i])) }),
      masks: (_id, kind, indices) => {
        masked.push(`${kind}:${indices.join(',')}`);
        return { kind, shape: [indices.length, H, W], data: Uint8Array.from(indices.flatMap(() => [1, 0, 0, 0])) };
      },
    },
    annotations: {
      get: () => {
        throw new Error('no annotation set is used');
      },
      masks: () => {
        throw new Error('no annotation set is used');
      },
    },
    models: { get: (id) => model(id) },
    explanations: {
      get: (id) => byId(id).run,
      gridIndex: ([id]) => ({ indices: Int32Array.from(byId(id!).indices), logits: Float32Array.from(byId(id!).logits) }),
      heatmaps: (id, rows) => {
        const r = byId(id);
        // Each heatmap is filled with 100·run + dataset index + class / 10, so the test can tell which it is.
        const heatmaps = Float32Array.from(rows.flatMap((row) => Array.from({ length: r.run.perImage }, (_, c) => Array(H * W).fill(100 * id + r.indices[row]! + c / 10)).flat()));
        return { runId: id, rows, heatmaps, perImage: r.run.perImage, height: H, width: W, logits: new Float32Array(0), indices: Int32Array.from(rows.map((row) => r.indices[row]!)), targets: Int32Array.from(rows.flatMap(() => Array.from({ length: r.run.perImage }, (_, c) => c))) };
      },
    },
    evaluations: {
      get: (id) => evaluations.find((e) => e.id === id)!,
      curves: () => {
        throw new Error('no curve metric');
      },
    },
  };
}

const ask = { title: 'Shapes', question: 'Which method?', datasetIds: [], modelIds: [], runIds: [], evaluationIds: [] };
const fixedNow = () => new Date('2026-01-02T03:04:05Z');

describe('gathering a report', () => {
  it('puts the images every run explained as the figure’s rows, each model’s methods as a column group', async () => {
    const runs = [run(1, 1, 'gradient', [4, 5, 6, 7]), run(3, 2, 'gradient', [6, 7, 8, 9]), run(2, 1, 'lrp-epsilon', [4, 5, 6, 7])];
    const data = await gatherReport(sources(runs), { ...ask, modelIds: [1, 2], runIds: [1, 3, 2] }, fixedNow);
    expect(data.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(data.grids).toHaveLength(1);
    const grid = data.grids[0]!;
    expect(grid.images.map((i) => i.index)).toEqual([6, 7]);
    expect(grid.rows).toEqual([0, 1]);
    expect(grid.columns.map((c) => [c.modelId, c.runId])).toEqual([[1, 1], [1, 2], [2, 3]]);
    // Run 3 explained image 6 in its first row, run 1 in its third: each column shows its own row of that image.
    expect(grid.columns.map((c) => c.heatmaps[0]![0])).toEqual([106, 206, 306]);
  });

  it('gives each model its own figure when their runs share no image', async () => {
    const runs = [run(1, 1, 'gradient', [4, 5]), run(2, 2, 'gradient', [8, 9])];
    const data = await gatherReport(sources(runs), { ...ask, runIds: [1, 2] }, fixedNow);
    expect(data.grids.map((g) => [g.columns.map((c) => c.runId), g.images.map((i) => i.index)])).toEqual([
      [[1], [4, 5]],
      [[2], [8, 9]],
    ]);
  });

  it('shows the predicted class’s heatmap of a run that explained every class', async () => {
    const data = await gatherReport(sources([run(1, 1, 'gradient', [4, 5], 2)]), { ...ask, runIds: [1] }, fixedNow);
    // Image 4 is predicted class 0, image 5 class 1.
    expect(data.grids[0]!.columns[0]!.heatmaps.map((h) => h[0])).toEqual([Math.fround(104), Math.fround(105.1)]);
  });

  it('takes sample test images class by class and outlines a generated dataset’s first region kind', async () => {
    const fake = sources([]);
    const data = await gatherReport(fake, { ...ask, datasetIds: [1], sampleImages: 3 }, fixedNow);
    const samples = data.datasets[0]!.samples;
    expect(samples.map((s) => [s.index, s.label, s.split])).toEqual([[4, 0, 'test'], [5, 1, 'test'], [6, 0, 'test']]);
    expect(Array.from(samples[1]!.picture.rgba.subarray(0, 4))).toEqual([5, 5, 5, 255]);
    expect(data.datasets[0]!.groundTruth).toEqual({ label: 'generated "object" masks', source: { kind: 'generated', mask: 'object' } });
    expect(fake.masked).toEqual(['object:4,5,6']);
    expect(Array.from(samples[0]!.mask!)).toEqual([1, 0, 0, 0]);
    expect(data.grids).toEqual([]);
  });

  it('brings an evaluation’s runs, model and dataset, and outlines the ground truth it was scored against', async () => {
    const e = { id: 7, modelId: 1, datasetId: 1, runIds: [1], groundTruth: { kind: 'generated', mask: 'band' }, groundTruthLabel: 'generated "band" masks', metricDetails: [] } as unknown as Evaluation;
    const fake = sources([run(1, 1, 'gradient', [4, 5, 6, 7])], [e]);
    const data = await gatherReport(fake, { ...ask, evaluationIds: [7], sampleImages: 2 }, fixedNow);
    expect(data.runs.map((r) => r.id)).toEqual([1]);
    expect(data.models.map((m) => m.id)).toEqual([1]);
    expect(data.datasets[0]!.groundTruth?.label).toBe('generated "band" masks');
    expect(data.grids[0]!.images.map((i) => i.index)).toEqual([4, 5]);
    expect(fake.masked.every((m) => m.startsWith('band:'))).toBe(true);
  });

  it('refuses a report without a title, without entities, or with too many sample images, in one sentence each', async () => {
    await expect(gatherReport(sources([]), { ...ask, title: ' ', datasetIds: [1] })).rejects.toThrow('A report needs a title.');
    await expect(gatherReport(sources([]), ask)).rejects.toThrow('A report needs at least one dataset, model, explanation run or evaluation to report on.');
    await expect(gatherReport(sources([]), { ...ask, datasetIds: [1], sampleImages: 17 })).rejects.toThrow('A report shows 1 to 16 sample images per dataset, not 17.');
  });
});
