// Explanation speed (issue 5's table): every method on a tiny-cnn 32×32×1 ONNX model exported by
// Heatlab, graph methods through the compiled gradient graph, perturbation methods through the
// forward model, both on ONNX Runtime. Runs in a child process of its own.
import { fork } from 'node:child_process';
import type * as tfType from '@tensorflow/tfjs';
import { graphMethodById } from '../explain/graph/registry.js';
import { GraphRunner } from '../explain/graph/runner.js';
import { ortForward } from '../explain/forward.js';
import { kernelShap, lime, occlusion, rise } from '../explain/perturbation/index.js';
import type { PerturbationMethod } from '../explain/perturbation/method.js';
import { Random } from '../numeric/random.js';
import { canonicalize } from '../onnx/canonicalize.js';
import { exportLayersModel } from '../onnx/export/index.js';
import { readModel } from '../onnx/model-reader.js';
import { loadOrt } from '../onnx/runtime.js';
import { SessionCache } from '../onnx/session-cache.js';
import { buildModel, layersFor } from '../train/architectures.js';
import { atLeast, record, type Row } from './table.js';

type Target = Row['target'];

/** Issue 5's targets: graph methods at least Captum's figure (LRP composites ≥ 3,000, Captum's LRP refuses a Flatten), perturbation methods 3× Captum's. */
const graphRuns: { id: string; label: string; params: object; target: Target }[] = [
  { id: 'gradient', label: 'Gradient', params: {}, target: atLeast(4000) },
  { id: 'gradient-x-input', label: 'Gradient × Input', params: {}, target: atLeast(4000) },
  { id: 'guided-backprop', label: 'Guided Backprop', params: {}, target: atLeast(3823) },
  { id: 'integrated-gradients', label: 'Integrated Gradients, 32 steps', params: { steps: 32 }, target: atLeast(150) },
  { id: 'smoothgrad', label: 'SmoothGrad, 16 samples', params: { samples: 16 }, target: atLeast(129) },
  { id: 'grad-cam', label: 'Grad-CAM', params: {}, target: atLeast(5766) },
  { id: 'lrp-epsilon-plus-flat', label: 'LRP EpsilonPlusFlat', params: {}, target: atLeast(3000) },
  { id: 'lrp-epsilon-gamma-box', label: 'LRP EpsilonGammaBox', params: {}, target: atLeast(3000) },
  { id: 'lrp-epsilon-alpha2-beta1', label: 'LRP EpsilonAlpha2Beta1', params: {}, target: atLeast(3000) },
];

const perturbationRuns: { method: PerturbationMethod; label: string; params: object; images: number; target: Target }[] = [
  { method: occlusion, label: 'Occlusion 4×4, stride 2', params: { window: 4, stride: 2 }, images: 32, target: atLeast(100) },
  { method: rise, label: 'RISE, 1000 masks', params: { masks: 1000 }, images: 4, target: atLeast(20) },
  { method: lime, label: 'LIME, 256 samples, 64 segments', params: { samples: 256 }, images: 16, target: atLeast(50) },
  { method: kernelShap, label: 'KernelSHAP, 256 samples, 64 segments', params: { samples: 256 }, images: 16, target: atLeast(50) },
];

interface ExplainSpeeds {
  graph: Record<string, number>;
  perturbation: Record<string, number>;
}

export async function benchExplain(): Promise<void> {
  const result = await new Promise<ExplainSpeeds>((resolve, reject) => {
    const proc = fork(process.argv[1]!, ['--child', 'explain'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    proc.once('message', (m) => resolve(m as ExplainSpeeds));
    proc.once('exit', (code) => code !== 0 && reject(new Error(`The explanation bench process exited with code ${code}.`)));
  });
  for (const r of graphRuns) record({ area: 'explain', measure: `${r.label}, tiny-cnn 32×32, batch 64`, value: result.graph[r.id]!, unit: 'images/s', target: r.target });
  for (const r of perturbationRuns) record({ area: 'explain', measure: `${r.label}, tiny-cnn 32×32`, value: result.perturbation[r.method.id]!, unit: 'images/s', target: r.target });
}

export async function childExplain(): Promise<void> {
  const tf = require('@tensorflow/tfjs') as typeof tfType;
  await tf.setBackend('cpu');
  const input = { height: 32, width: 32, channels: 1 };
  const model = buildModel(tf, layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 }, 2), input, 1);
  const bytes = exportLayersModel(model, { name: 'bench', classNames: ['a', 'b'], preprocessing: { layout: 'NCHW', scale: 255, mean: [0], std: [1], ...input } });
  const ort = loadOrt();
  const cache = new SessionCache(ort, 8);
  const runner = new GraphRunner(ort, cache, 'bench', canonicalize(readModel(bytes)), { batchSize: 64 });
  const n = 256;
  const images = new Random(2).fill(new Float32Array(n * 1024)) as Float32Array;
  const targets = new Int32Array(n);
  const graph: Record<string, number> = {};
  for (const r of graphRuns) {
    const method = graphMethodById(r.id)!;
    // What an explanation job runs per method; the job computes the logits once for all methods.
    const params = method.params.parse(r.params);
    const go = () => method.run(runner, { images, n, shape: [1, 32, 32], targets }, params, new Random(1));
    await go(); // compile and warm the session
    const start = performance.now();
    await go();
    graph[r.id] = n / ((performance.now() - start) / 1000);
  }
  const session = await ort.ort.InferenceSession.create(bytes, ort.sessionOptions);
  const forward = ortForward(ort.ort, session, { channels: 1, height: 32, width: 32 });
  const perturbation: Record<string, number> = {};
  for (const r of perturbationRuns) {
    const params = r.method.params.parse(r.params);
    const one = (k: number) => r.method.run(forward, { image: images.subarray(k * 1024, (k + 1) * 1024), shape: { channels: 1, height: 32, width: 32 }, target: 0, classes: 2 }, params, new Random(k));
    await one(0);
    const start = performance.now();
    for (let k = 0; k < r.images; k++) await one(k);
    perturbation[r.method.id] = r.images / ((performance.now() - start) / 1000);
  }
  await session.release();
  process.send!({ graph, perturbation } satisfies ExplainSpeeds);
}
