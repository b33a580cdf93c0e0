// BatchNormalization folded into the neighbouring Conv or Gemm (Zennit merges BatchNorm into the
// linear layer before attribution; REFERENCES.md, "LRP rules"). Inference BatchNormalization is
// per channel y = s·x + t with s = scale / sqrt(var + ε), t = B − mean·s (ONNX spec:
// Y = (X − input_mean) / sqrt(input_var + epsilon) · scale + B). Arithmetic is float64.
import { consumersOf, floatAttr, floatInitializer, intAttr, intsAttr, producersOf, type IrModel, type IrNode, type IrTensor } from './ir.js';

export interface Affine {
  scale: Float64Array;
  shift: Float64Array;
}

/** The per-channel affine map of an inference BatchNormalization node, or null if its inputs are not constants. */
export function batchNormAffine(initializer: (name: string) => IrTensor | undefined, bn: IrNode): Affine | null {
  const [gamma, beta, mean, variance] = bn.inputs.slice(1, 5).map((name) => {
    const t = initializer(name);
    return t?.type === 'float32' ? t : undefined;
  });
  if (!gamma || !beta || !mean || !variance) return null;
  const eps = floatAttr(bn, 'epsilon', 1e-5);
  const scale = Float64Array.from(gamma.data, (g, c) => g / Math.sqrt(variance.data[c]! + eps));
  const shift = Float64Array.from(beta.data, (b, c) => b - mean.data[c]! * scale[c]!);
  return { scale, shift };
}

type Folded = { weight: Float32Array; weightDims: number[]; bias: Float32Array; attributes?: IrNode['attributes'] };

/** Conv then BN: W'[o] = s_o·W[o], b'_o = s_o·b_o + t_o. */
function intoPrecedingConv(ir: IrModel, conv: IrNode, { scale, shift }: Affine): Folded | null {
  const w = floatInitializer(ir, conv.inputs[1]);
  if (!w || w.dims[0] !== scale.length) return null;
  const b = floatInitializer(ir, conv.inputs[2]);
  const per = w.data.length / scale.length;
  const weight = Float32Array.from(w.data, (v, k) => v * scale[Math.floor(k / per)]!);
  const bias = Float32Array.from(scale, (s, o) => s * (b?.data[o] ?? 0) + shift[o]!);
  return { weight, weightDims: w.dims, bias };
}

/** The bias C of a Gemm broadcast to one value per output feature, or null if it varies by row. */
function gemmBias(ir: IrModel, gemm: IrNode, features: number): Float64Array | null {
  if (!gemm.inputs[2]) return new Float64Array(features);
  const c = floatInitializer(ir, gemm.inputs[2]);
  if (!c) return null;
  if (c.data.length === 1) return new Float64Array(features).fill(c.data[0]!);
  if (c.data.length === features && c.dims.at(-1) === features) return Float64Array.from(c.data);
  return null;
}

/**
 * Gemm then BN (ONNX Gemm: Y = α·A'·B' + β·C, B' = Bᵀ when transB): column j of B' is scaled by
 * s_j and the bias becomes s_j·β·C_j + t_j, written with β = 1.
 */
function intoPrecedingGemm(ir: IrModel, gemm: IrNode, { scale, shift }: Affine): Folded | null {
  const w = floatInitializer(ir, gemm.inputs[1]);
  if (!w || w.dims.length !== 2) return null;
  const transB = intAttr(gemm, 'transB', 0) === 1;
  const [rows, cols] = w.dims as [number, number];
  const features = transB ? rows : cols;
  const c = gemmBias(ir, gemm, features);
  if (features !== scale.length || c === null) return null;
  const beta = floatAttr(gemm, 'beta', 1);
  const weight = Float32Array.from(w.data, (v, k) => v * scale[transB ? Math.floor(k / cols) : k % cols]!);
  const bias = Float32Array.from(scale, (s, j) => s * beta * c[j]! + shift[j]!);
  return { weight, weightDims: w.dims, bias, attributes: { beta: { kind: 'float', value: 1 } } };
}

/**
 * BN then Conv: conv(W, s·x + t) + b = conv(W·s_in, x) + (b + Σ W·t). Exact only without
 * padding, since padded zeros would otherwise stand for t instead of BN(0).
 */
function intoFollowingConv(ir: IrModel, conv: IrNode, { scale, shift }: Affine): Folded | null {
  const w = floatInitializer(ir, conv.inputs[1]);
  if (!w || (intsAttr(conv, 'pads') ?? []).some((p) => p !== 0)) return null;
  const [outChannels, perGroup] = w.dims as [number, number];
  const group = intAttr(conv, 'group', 1);
  if (perGroup * group !== scale.length) return null;
  const window = w.data.length / (outChannels * perGroup);
  const b = floatInitializer(ir, conv.inputs[2]);
  const weight = new Float32Array(w.data.length);
  const bias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const firstChannel = Math.floor(o / (outChannels / group)) * perGroup;
    let sum = b?.data[o] ?? 0;
    for (let i = 0; i < perGroup; i++)
      for (let k = 0; k < window; k++) {
        const at = (o * perGroup + i) * window + k;
        weight[at] = w.data[at]! * scale[firstChannel + i]!;
        sum += w.data[at]! * shift[firstChannel + i]!;
      }
    bias[o] = sum;
  }
  return { weight, weightDims: w.dims, bias };
}

/** BN then Gemm on A (transA = 0): row i of B' is scaled by s_i, C'_j = β·C_j + α·Σ_i t_i·B'[i, j]. */
function intoFollowingGemm(ir: IrModel, gemm: IrNode, { scale, shift }: Affine): Folded | null {
  const w = floatInitializer(ir, gemm.inputs[1]);
  if (!w || w.dims.length !== 2 || intAttr(gemm, 'transA', 0) === 1) return null;
  const transB = intAttr(gemm, 'transB', 0) === 1;
  const [rows, cols] = w.dims as [number, number];
  const [inputs, features] = transB ? [cols, rows] : [rows, cols];
  const c = gemmBias(ir, gemm, features);
  if (inputs !== scale.length || c === null) return null;
  const alpha = floatAttr(gemm, 'alpha', 1);
  const beta = floatAttr(gemm, 'beta', 1);
  const inputOf = (k: number) => (transB ? k % cols : Math.floor(k / cols));
  const featureOf = (k: number) => (transB ? Math.floor(k / cols) : k % cols);
  const weight = Float32Array.from(w.data, (v, k) => v * scale[inputOf(k)]!);
  const sums = Float64Array.from(c, (v) => beta * v);
  w.data.forEach((v, k) => (sums[featureOf(k)]! += alpha * v * shift[inputOf(k)]!));
  return { weight, weightDims: w.dims, bias: Float32Array.from(sums), attributes: { beta: { kind: 'float', value: 1 } } };
}

function install(ir: IrModel, layer: IrNode, folded: Folded): void {
  const weight = `${layer.name}/folded_weight`;
  const bias = `${layer.name}/folded_bias`;
  ir.initializers.set(weight, { type: 'float32', dims: [...folded.weightDims], data: folded.weight });
  ir.initializers.set(bias, { type: 'float32', dims: [folded.bias.length], data: folded.bias });
  layer.inputs = [layer.inputs[0]!, weight, bias];
  Object.assign(layer.attributes, folded.attributes ?? {});
}

export interface BatchNormFold {
  batchNorm: string;
  into: string | null;
  side: 'preceding' | 'following' | 'kept';
}

/**
 * Folds every BatchNormalization of `ir` (changed in place) into the Conv or Gemm before it
 * when that layer feeds only the BN, else into the one after it when exact; others stay.
 */
export function foldBatchNorms(ir: IrModel, protectedValues: ReadonlySet<string>): BatchNormFold[] {
  const report: BatchNormFold[] = [];
  for (const bn of ir.nodes.filter((n) => n.opType === 'BatchNormalization')) {
    const affine = batchNormAffine((name) => ir.initializers.get(name), bn);
    const producer = producersOf(ir.nodes).get(bn.inputs[0]!);
    const consumers = consumersOf(ir.nodes);
    const readers = (value: string) => consumers.get(value) ?? [];
    let done: BatchNormFold | null = null;
    if (affine && producer && readers(producer.outputs[0]!).length === 1 && !protectedValues.has(producer.outputs[0]!)) {
      const folded = producer.opType === 'Conv' ? intoPrecedingConv(ir, producer, affine) : producer.opType === 'Gemm' ? intoPrecedingGemm(ir, producer, affine) : null;
      if (folded) {
        install(ir, producer, folded);
        producer.outputs = [bn.outputs[0]!];
        done = { batchNorm: bn.name, into: producer.name, side: 'preceding' };
      }
    }
    const next = readers(bn.outputs[0]!);
    const follower = next.length === 1 && next[0]!.inputs[0] === bn.outputs[0] && !protectedValues.has(bn.outputs[0]!) ? next[0]! : undefined;
    if (!done && affine && follower) {
      const folded = follower.opType === 'Conv' ? intoFollowingConv(ir, follower, affine) : follower.opType === 'Gemm' ? intoFollowingGemm(ir, follower, affine) : null;
      if (folded) {
        install(ir, follower, folded);
        follower.inputs[0] = bn.inputs[0]!;
        done = { batchNorm: bn.name, into: follower.name, side: 'following' };
      }
    }
    if (done) ir.nodes = ir.nodes.filter((n) => n !== bn);
    report.push(done ?? { batchNorm: bn.name, into: null, side: 'kept' });
  }
  return report;
}
