// Runs a model's compiled explanation graphs (onnx/gradient-graph.ts) on ONNX Runtime: one
// cached session per (model, pass variant), images streamed in batches, and the model's logits
// from its forward graph. This is the GraphSession the methods see.
import type { CanonicalModel } from '../../onnx/canonicalize.js';
import { compileGradientGraph, GRADIENT_GRAPH_NAMES } from '../../onnx/gradient-graph.js';
import { writeModel } from '../../onnx/model-writer.js';
import type { LoadedOrt } from '../../onnx/runtime.js';
import type { SessionCache } from '../../onnx/session-cache.js';
import { Random } from '../../numeric/random.js';
import { featureMapsOf } from './feature-maps.js';
import type { GraphInput, GraphMethod, GraphPass, GraphResult, GraphSession, InputBounds, TappedValue } from './method.js';

export interface ExplainResult {
  heatmaps: Float32Array;
  logits: Float32Array;
  seed: number;
}

export class GraphRunner implements GraphSession {
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  readonly batchSize: number;
  readonly featureMaps: readonly string[];
  readonly defaultFeatureMap: string | undefined;
  readonly lastConvolutionLayer: string | undefined;
  readonly inputBounds: InputBounds;
  /** A fixed batch dimension in the model: every call is padded to it. */
  readonly #fixedBatch: number | null;

  constructor(
    readonly ort: LoadedOrt,
    readonly cache: SessionCache,
    /** The model's catalogue id or file hash: the session cache key. */
    readonly modelId: string,
    readonly model: CanonicalModel,
    options: { batchSize?: number; inputBounds?: InputBounds } = {},
  ) {
    const dims = model.shapes.get(model.input)!;
    const [batch, c, h, w] = dims;
    if (dims.length !== 4 || typeof c !== 'number' || typeof h !== 'number' || typeof w !== 'number') throw new Error(`Graph methods explain images [N, C, H, W]; the model's input is [${dims.join(', ')}].`);
    this.shape = [c, h, w];
    this.classes = model.shapes.get(model.logits)![1] as number;
    this.#fixedBatch = typeof batch === 'number' ? batch : null;
    this.batchSize = this.#fixedBatch ?? options.batchSize ?? 64;
    const maps = featureMapsOf(model);
    this.featureMaps = maps.all;
    this.defaultFeatureMap = maps.default;
    this.lastConvolutionLayer = maps.layer;
    this.inputBounds = options.inputBounds ?? { low: Array<number>(c).fill(0), high: Array<number>(c).fill(1) };
    const { low, high } = this.inputBounds;
    if (low.length !== c || high.length !== c || low.some((l, k) => !(l <= high[k]!))) {
      throw new RangeError(`Input bounds need one pair low ≤ high for each of the model's ${c} channels; got low [${low.join(', ')}] and high [${high.join(', ')}].`);
    }
  }

  async run(pass: GraphPass, images: Float32Array, n: number, seed: Float32Array): Promise<GraphResult> {
    const taps = pass.taps ?? [];
    const inputGradient = pass.inputGradient ?? true;
    const variant = [pass.rules.id, ...(taps.length > 0 ? [`taps:${taps.join(',')}`] : []), ...(inputGradient ? [] : ['no-input-gradient'])].join('+');
    const build = () => compileGradientGraph(this.model, { rules: pass.rules, taps, inputGradient }).bytes;
    const size = this.shape[0] * this.shape[1] * this.shape[2];
    const names = GRADIENT_GRAPH_NAMES;
    const chunks: Record<string, { data: Float32Array; dims: number[] }>[] = [];
    await this.cache.with({ model: this.modelId, variant }, build, async (session) => {
      for (let start = 0; start < n; start += this.batchSize) {
        const count = Math.min(this.batchSize, n - start);
        const rows = this.#fixedBatch ?? count;
        const x = this.#padded(images.subarray(start * size, (start + count) * size), rows * size);
        const s = this.#padded(seed.subarray(start * this.classes, (start + count) * this.classes), rows * this.classes);
        const out = await session.run({ [names.input]: new this.ort.ort.Tensor('float32', x, [rows, ...this.shape]), [names.seed]: new this.ort.ort.Tensor('float32', s, [rows, this.classes]) });
        chunks.push(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: (t.data as Float32Array).subarray(0, (count * t.data.length) / rows), dims: [count, ...t.dims.slice(1)] }])));
      }
    });
    const joined = (name: string) => concat(chunks.map((c) => c[name]!.data));
    const tapped = new Map<string, TappedValue>(
      taps.map((value) => {
        const a = `tap/${value}/activation`;
        return [value, { activation: joined(a), gradient: joined(`tap/${value}/gradient`), dims: [n, ...(chunks[0]?.[a]?.dims.slice(1) ?? [])] }];
      }),
    );
    return { logits: joined(names.logits), gradient: inputGradient ? joined(names.gradient) : new Float32Array(0), taps: tapped };
  }

  /** The model's logits [n, classes], from its forward graph alone. */
  async logits(images: Float32Array, n: number): Promise<Float32Array> {
    const size = this.shape[0] * this.shape[1] * this.shape[2];
    const parts: Float32Array[] = [];
    await this.cache.with({ model: this.modelId, variant: 'forward' }, () => writeModel(this.model.ir), async (session) => {
      for (let start = 0; start < n; start += this.batchSize) {
        const count = Math.min(this.batchSize, n - start);
        const rows = this.#fixedBatch ?? count;
        const x = this.#padded(images.subarray(start * size, (start + count) * size), rows * size);
        const out = await session.run({ [this.model.input]: new this.ort.ort.Tensor('float32', x, [rows, ...this.shape]) });
        parts.push((out[this.model.logits]!.data as Float32Array).subarray(0, count * this.classes));
      }
    });
    return concat(parts);
  }

  /** A method's heatmaps [n, H, W] with the model's logits, its randomness drawn from `seed`. */
  async explain<M extends GraphMethod>(method: M, input: GraphInput, params: unknown, seed = 0): Promise<ExplainResult> {
    const parsed = method.params.parse(params ?? {}) as Parameters<M['run']>[2];
    const heatmaps = await method.run(this, input, parsed, new Random(seed));
    return { heatmaps, logits: await this.logits(input.images, input.n), seed };
  }

  #padded(data: Float32Array, length: number): Float32Array {
    if (data.length === length) return data;
    const out = new Float32Array(length);
    out.set(data);
    return out;
  }
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
