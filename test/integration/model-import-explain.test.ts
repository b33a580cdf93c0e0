// Imported models run every graph method: the stored (normalised) file of a PyTorch-made, a
// tf2onnx NHWC and a BGR model goes through canonicalisation and GraphRunner as any model does,
// and the PyTorch import's gradient is pinned to central finite differences of the ORIGINAL file
// through the float64 reference forward.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Model } from '../../shared/models.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { gradientMethod } from '../../main/explain/graph/gradient.js';
import type { GraphInput } from '../../main/explain/graph/method.js';
import { graphMethods } from '../../main/explain/graph/registry.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { loadOrt, type LoadedOrt } from '../../main/onnx/runtime.js';
import { SessionCache } from '../../main/onnx/session-cache.js';
import { bgrCnn, kerasMadeCnn, pytorchMadeCnn, type ForeignModel } from '../fixtures/foreign-onnx.js';
import { referenceForward } from '../fixtures/onnx-reference.js';
import { ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let ort: LoadedOrt;
let cache: SessionCache;

async function imported(fixture: ForeignModel, name: string, request: Partial<Parameters<Api['models.import']>[0]> = {}): Promise<Model> {
  const path = join(workspace, `${name}.onnx`);
  writeFileSync(path, fixture.bytes);
  const job = await heatlab.jobs.waitFor(ok(await api['models.import']({ path, name, ...request })).id);
  expect(job.status, job.error?.message).toBe('done');
  return ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
}

function runnerFor(model: Model): GraphRunner {
  return new GraphRunner(ort, cache, `model-${model.id}`, canonicalize(readModel(readFileSync(join(workspace, model.onnx.path)))), { batchSize: 8 });
}

function imagesFor(runner: GraphRunner, n: number, seed: number): GraphInput {
  const size = runner.shape[0] * runner.shape[1] * runner.shape[2];
  const images = new Random(seed).fill(new Float32Array(n * size)) as Float32Array;
  return { images, n, shape: runner.shape, targets: Int32Array.from({ length: n }, (_, i) => i % runner.classes) };
}

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-import-explain-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  ort = loadOrt();
  cache = new SessionCache(ort, 8);
});

afterAll(async () => {
  await cache.clear();
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('graph methods on imported models', () => {
  const cases: [string, () => ForeignModel, Partial<Parameters<Api['models.import']>[0]>][] = [
    ['a PyTorch-made model', pytorchMadeCnn, {}],
    ['a tf2onnx NHWC model with a Softmax head', kerasMadeCnn, {}],
    ['a BGR model with a fixed batch of 1', bgrCnn, { preprocessing: { channelOrder: 'bgr' } }],
  ];
  for (const [what, make, request] of cases) {
    it(`runs every graph method on ${what}, giving finite heatmaps of shape [n, H, W]`, async () => {
      const fixture = make();
      const model = await imported(fixture, fixture.input.replace(/\W/g, '_'), request);
      const runner = runnerFor(model);
      expect(runner.shape).toEqual([fixture.channels, fixture.size, fixture.size]);
      expect(runner.classes).toBe(fixture.classes);
      const input = imagesFor(runner, 3, 5);
      for (const method of graphMethods) {
        const { heatmaps, logits } = await runner.explain(method, input, {}, 1);
        expect(heatmaps.length, method.id).toBe(3 * fixture.size * fixture.size);
        expect(heatmaps.every(Number.isFinite), method.id).toBe(true);
        expect(heatmaps.some((v) => v !== 0), method.id).toBe(true);
        expect(logits.length).toBe(3 * fixture.classes);
      }
    });
  }

  it("matches central finite differences of the original PyTorch file's logits at a few pixels", async () => {
    const fixture = pytorchMadeCnn();
    const model = await imported(fixture, 'torch_fd');
    const runner = runnerFor(model);
    const input = imagesFor(runner, 2, 9);
    const gradient = await runner.explain(gradientMethod, input, {});
    const source = readModel(fixture.bytes);
    const plane = fixture.size * fixture.size;
    const eps = 1e-4;
    const rng = new Random(3);
    for (let i = 0; i < input.n; i++) {
      const x = Float64Array.from(input.images.subarray(i * plane, (i + 1) * plane));
      const f = () => referenceForward(source, { dims: [1, 1, fixture.size, fixture.size], data: x }).get(fixture.output)!.data[input.targets[i]!]!;
      for (let k = 0; k < 12; k++) {
        const p = rng.int(plane);
        const v = x[p]!;
        x[p] = v + eps;
        const up = f();
        x[p] = v - eps;
        const down = f();
        x[p] = v;
        const expected = (up - down) / (2 * eps);
        expect(Math.abs(gradient.heatmaps[i * plane + p]! - expected)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it('explains an imported model through an explanation job on a dataset, saying whether its scores are logits or probabilities', async () => {
    const data = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 60, seed: 2 } })).id);
    const datasetId = (data.result as { datasetId: number }).datasetId;
    const logitsModel = await imported(pytorchMadeCnn(), 'torch_job');
    const probabilityModel = await imported(pytorchMadeCnn(), 'torch_probabilities', { outputKind: 'probabilities' });
    for (const [model, explains] of [[logitsModel, 'logits'], [probabilityModel, 'probabilities']] as const) {
      const job = await heatlab.jobs.waitFor(ok(await api['explain.start']({ modelId: model.id, datasetId, images: { split: 'test', pick: 'first', n: 4, seed: 1 }, methods: [{ id: 'gradient', params: {} }, { id: 'rise', params: { masks: 20 } }] })).id);
      expect(job.status, job.error?.message).toBe('done');
      for (const id of (job.result as { runIds: number[] }).runIds) {
        const run = ok(await api['explanations.get']({ id }));
        expect(run.engine.explains).toBe(explains);
        expect(run.count).toBe(4);
        expect(run.stats.nonFinite).toBe(0);
      }
    }
  });
});
