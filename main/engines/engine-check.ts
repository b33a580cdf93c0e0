// The engine check: proves both engines compute correctly on this machine and measures them.
// tfjs multiplies two random matrices; ONNX Runtime runs a small CNN graph built here. Both are
// compared with float64 JavaScript references computed independently.
import type { EngineCheckParams, EngineCheckResult, MatmulCheck, OnnxCheck } from '../../shared/engine.js';
import { Random } from '../numeric/random.js';
import { attr, GraphBuilder } from '../onnx/graph-builder.js';
import type { Engines } from './engines.js';
import type { JobContext } from '../jobs/host/job-context.js';

const MATMUL_SIZE = 128;
const QUICK_RUNS = 5;
const TOLERANCE = 1e-3;

/** Paces the repeated runs: a fixed count in quick mode, otherwise a share of the time budget. */
class Pacer {
  readonly #start = performance.now();
  constructor(
    readonly quickRuns: number,
    readonly seconds: number,
  ) {}

  more(runs: number): boolean {
    if (runs < this.quickRuns) return true;
    return this.seconds > 0 && performance.now() - this.#start < this.seconds * 1000;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

function referenceMatmul(a: Float32Array, b: Float32Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  return out;
}

type Report = (phase: 'tfjs' | 'ort', runs: number) => void;

async function checkTfjs(engines: Engines, rng: Random, pacer: Pacer, ctx: JobContext, report: Report): Promise<MatmulCheck> {
  const { tf } = engines.tfjs;
  const n = MATMUL_SIZE;
  const a = rng.fill(new Float32Array(n * n), -1, 1) as Float32Array;
  const b = rng.fill(new Float32Array(n * n), -1, 1) as Float32Array;
  const ta = tf.tensor2d(a, [n, n]);
  const tb = tf.tensor2d(b, [n, n]);
  const times: number[] = [];
  let result: Float32Array = new Float32Array(0);
  try {
    tf.matMul(ta, tb).dispose(); // warm-up: kernel set-up is not part of the timing
    while (pacer.more(times.length)) {
      const t0 = performance.now();
      const product = tf.matMul(ta, tb);
      result = product.dataSync() as Float32Array;
      product.dispose();
      times.push(performance.now() - t0);
      report('tfjs', times.length);
      await ctx.checkpoint();
    }
  } finally {
    ta.dispose();
    tb.dispose();
  }
  const msPerRun = median(times);
  return {
    size: n,
    runs: times.length,
    msPerRun,
    gflops: (2 * n * n * n) / (msPerRun * 1e6),
    maxAbsError: maxAbsDiff(result, referenceMatmul(a, b, n)),
  };
}

interface SmallCnn {
  bytes: Uint8Array;
  weights: { conv: Float32Array; convBias: Float32Array; dense: Float32Array; denseBias: Float32Array };
  channels: number;
  classes: number;
}

/** Conv 3×3 (1→C, same padding) → Relu → GlobalAveragePool → Flatten → Gemm (C→K). */
function buildSmallCnn(rng: Random, size: number): SmallCnn {
  const channels = 8;
  const classes = 2;
  const weights = {
    conv: rng.fill(new Float32Array(channels * 9), -0.5, 0.5) as Float32Array,
    convBias: rng.fill(new Float32Array(channels), -0.1, 0.1) as Float32Array,
    dense: rng.fill(new Float32Array(classes * channels), -1, 1) as Float32Array,
    denseBias: rng.fill(new Float32Array(classes), -0.1, 0.1) as Float32Array,
  };
  const g = new GraphBuilder('engine-check-cnn');
  const x = g.input('image', 'float32', ['batch', 1, size, size]);
  const w = g.initializer('conv.weight', weights.conv, [channels, 1, 3, 3]);
  const cb = g.initializer('conv.bias', weights.convBias, [channels]);
  const dw = g.initializer('dense.weight', weights.dense, [classes, channels]);
  const db = g.initializer('dense.bias', weights.denseBias, [classes]);
  const conv = g.op('Conv', [x, w, cb], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
  const pooled = g.op('GlobalAveragePool', [g.op('Relu', [conv])]);
  const flat = g.op('Flatten', [pooled], { axis: attr.int(1) });
  g.node('Gemm', [flat, dw, db], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
  g.output('logits', 'float32', ['batch', classes]);
  return { bytes: g.toBytes({ opset: 17 }), weights, channels, classes };
}

function referenceSmallCnn(model: SmallCnn, images: Float32Array, batch: number, size: number): Float64Array {
  const { conv, convBias, dense, denseBias } = model.weights;
  const out = new Float64Array(batch * model.classes);
  const pooled = new Float64Array(model.channels);
  for (let n = 0; n < batch; n++) {
    const img = images.subarray(n * size * size, (n + 1) * size * size);
    for (let c = 0; c < model.channels; c++) {
      let sum = 0;
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          let z = convBias[c]!;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const yy = y + ky - 1;
              const xx = x + kx - 1;
              if (yy >= 0 && yy < size && xx >= 0 && xx < size) z += conv[c * 9 + ky * 3 + kx]! * img[yy * size + xx]!;
            }
          sum += Math.max(0, z);
        }
      pooled[c] = sum / (size * size);
    }
    for (let k = 0; k < model.classes; k++) {
      let z = denseBias[k]!;
      for (let c = 0; c < model.channels; c++) z += dense[k * model.channels + c]! * pooled[c]!;
      out[n * model.classes + k] = z;
    }
  }
  return out;
}

async function checkOrt(engines: Engines, rng: Random, pacer: Pacer, ctx: JobContext, report: Report): Promise<OnnxCheck> {
  const { ort, sessionOptions } = engines.ort;
  const batch = 16;
  const size = 32;
  const model = buildSmallCnn(rng, size);
  const images = rng.fill(new Float32Array(batch * size * size)) as Float32Array;
  const session = await ort.InferenceSession.create(model.bytes, sessionOptions);
  const times: number[] = [];
  let logits: Float32Array = new Float32Array(0);
  try {
    const feeds = { image: new ort.Tensor('float32', images, [batch, 1, size, size]) };
    await session.run(feeds); // warm-up: the first run allocates and plans
    while (pacer.more(times.length)) {
      const t0 = performance.now();
      const out = await session.run(feeds);
      times.push(performance.now() - t0);
      logits = out.logits!.data as Float32Array;
      report('ort', times.length);
      await ctx.checkpoint();
    }
  } finally {
    await session.release();
  }
  const msPerRun = median(times);
  return {
    graph: 'Conv 3×3 (1→8) → Relu → GlobalAveragePool → Flatten → Gemm (8→2)',
    batch,
    runs: times.length,
    msPerRun,
    imagesPerSecond: (batch * 1000) / msPerRun,
    maxAbsError: maxAbsDiff(logits, referenceSmallCnn(model, images, batch, size)),
  };
}

export async function runEngineCheck(params: EngineCheckParams, ctx: JobContext, engines: Engines): Promise<EngineCheckResult> {
  const start = performance.now();
  const rng = new Random(20181029);
  const half = params.seconds / 2;
  const label = { tfjs: `TensorFlow.js (${engines.tfjs.info.backend}): matrix multiply`, ort: 'ONNX Runtime: small CNN graph' };
  const report = (offset: number, pacer: Pacer): Report => (phase, runs) => {
    if (params.seconds > 0) {
      const elapsed = Math.min(half, (performance.now() - start) / 1000 - offset);
      ctx.progress(offset + Math.max(0, elapsed), params.seconds, label[phase], 's');
    } else {
      ctx.progress(offset + Math.min(runs, pacer.quickRuns), 2 * QUICK_RUNS, label[phase], 'runs');
    }
  };
  ctx.progress(0, params.seconds > 0 ? params.seconds : 2 * QUICK_RUNS, label.tfjs, params.seconds > 0 ? 's' : 'runs');
  const tfjsPacer = new Pacer(QUICK_RUNS, half);
  const tfjs = await checkTfjs(engines, rng, tfjsPacer, ctx, report(0, tfjsPacer));
  const ortPacer = new Pacer(QUICK_RUNS, half);
  const ortOffset = params.seconds > 0 ? half : QUICK_RUNS;
  const ortCheck = await checkOrt(engines, rng, ortPacer, ctx, report(ortOffset, ortPacer));
  const total = params.seconds > 0 ? params.seconds : 2 * QUICK_RUNS;
  ctx.progress(total, total, 'Both engines checked', params.seconds > 0 ? 's' : 'runs');
  return {
    engines: engines.info,
    tfjs,
    ort: ortCheck,
    passed: tfjs.maxAbsError <= TOLERANCE * MATMUL_SIZE && ortCheck.maxAbsError <= TOLERANCE,
    totalMs: performance.now() - start,
  };
}
