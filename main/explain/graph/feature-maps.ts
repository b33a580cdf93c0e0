// The feature maps Grad-CAM may explain on a canonical model, and its default. Selvaraju et al.
// 2017 (§3) use "the last convolutional layer" after its rectification: the map A^k of eq. 1 is
// the positive activation the classifier reads. When pooling or BatchNorm sits between a
// convolution and its ReLU (Conv → MaxPool → ReLU, as PyTorch's MNIST examples write it), the raw
// convolution output is not that map: it is signed, and ReLU(Σ α_k A_k) is zero wherever it is
// negative — most of the image on such models. So the default follows the last convolution's
// output through pooling, normalisation and residual joins up to and including the first
// rectifier; the raw outputs stay selectable (Captum's LayerGradCam takes any layer), and so does
// the last convolution *layer's* output as Keras defines a layer — the conv output, or its
// rectifier's when that reads it directly (Conv2D(activation='relu')): Heatlab's default before
// issue 13, which stored runs without `defaultLayer` re-run with.
import type { CanonicalModel } from '../../onnx/canonicalize.js';

const RECTIFIERS = new Set(['Relu', 'LeakyRelu', 'Clip']);
/** Ops a convolution's output passes through on its way to its rectifier, keeping a spatial map. */
const PASSED = new Set(['MaxPool', 'AveragePool', 'BatchNormalization', 'Add', 'Identity', 'Dropout']);

export interface FeatureMaps {
  /** Rank-4 values Grad-CAM may use, in graph order: each convolution's output and its rectified map. */
  all: string[];
  /** The rectified map after the last convolution, or that convolution's output when none is reached. */
  default: string | undefined;
  /** The last convolution layer's output: its rectifier's when that is the conv's only reader, else the conv's. */
  layer: string | undefined;
}

export function featureMapsOf(model: CanonicalModel): FeatureMaps {
  const { nodes } = model.ir;
  const spatial = (value: string) => model.shapes.get(value)?.length === 4;
  const readers = (value: string) => nodes.filter((n) => n.inputs.includes(value));
  /** The first rectifier's output reached from `value` through sole readers in PASSED, if any. */
  const rectified = (value: string): string | undefined => {
    for (let at = value; ; ) {
      const next = readers(at);
      if (next.length !== 1) return undefined;
      const node = next[0]!;
      const out = node.outputs[0]!;
      if (!spatial(out)) return undefined;
      if (RECTIFIERS.has(node.opType)) return out;
      if (!PASSED.has(node.opType)) return undefined;
      at = out;
    }
  };
  const producer = new Map(nodes.flatMap((n, k) => n.outputs.map((o) => [o, k] as const)));
  const convs = nodes.filter((n) => n.opType === 'Conv' && spatial(n.outputs[0]!));
  const pairs = convs.map((conv) => ({ output: conv.outputs[0]!, rectified: rectified(conv.outputs[0]!) }));
  const all = [...new Set(pairs.flatMap((p) => (p.rectified === undefined ? [p.output] : [p.output, p.rectified])))].sort((a, b) => producer.get(a)! - producer.get(b)!);
  const last = pairs.at(-1);
  const fused = last === undefined ? [] : readers(last.output);
  const layer = fused.length === 1 && RECTIFIERS.has(fused[0]!.opType) ? fused[0]!.outputs[0]! : last?.output;
  return { all, default: last?.rectified ?? last?.output, layer };
}
