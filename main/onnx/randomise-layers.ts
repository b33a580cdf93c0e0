// Re-initialises a model's weighted layers for the model parameter randomisation test (Adebayo
// et al. 2018, "Sanity checks for saliency maps"). A layer is a Conv, Gemm or MatMul node
// whose weight is a float initializer, named by its node name (readModel makes node names unique,
// and they are what the model's graph shows; a weight initializer may be shared or renamed by
// canonicalisation). Weights and biases are redrawn as PyTorch's reset_parameters() draws them —
// what Quantus calls on each layer: U(−1/√fan_in, 1/√fan_in) for both (kaiming_uniform_ with
// a = √5 gives bound √(6 / ((1 + a²) fan_in)) = 1/√fan_in).
import { Random } from '../numeric/random.js';
import { cloneModel, consumersOf, floatInitializer, intAttr, invalidModel, type IrModel, type IrNode } from './ir.js';
import { stringHash } from '../numeric/string-hash.js';

const WEIGHTED_OPS = new Set(['Conv', 'Gemm', 'MatMul']);

interface WeightedLayer {
  node: IrNode;
  /** Input slots of the node or of its bias Add that hold the float initializers redrawn. */
  tensors: { node: IrNode; slot: number }[];
  fanIn: number;
}

/** The weight slot and fan-in of a node, or null when it carries no float weight initializer. */
function weightOf(ir: IrModel, node: IrNode): { slot: number; fanIn: number } | null {
  if (!WEIGHTED_OPS.has(node.opType) || (node.domain !== '' && node.domain !== 'ai.onnx')) return null;
  if (node.opType === 'Conv') {
    const w = floatInitializer(ir, node.inputs[1]);
    // [out, in / group, k…]: PyTorch's fan_in is everything but the first dimension.
    return w === undefined ? null : { slot: 1, fanIn: w.dims.slice(1).reduce((a, b) => a * b, 1) };
  }
  // Gemm and MatMul: the weight is whichever operand is a constant; fan_in is the summed-over dimension.
  for (const slot of [1, 0]) {
    const w = floatInitializer(ir, node.inputs[slot]);
    if (w === undefined || w.dims.length < 2) continue;
    const transposed = node.opType === 'Gemm' && intAttr(node, slot === 1 ? 'transB' : 'transA', 0) === 1;
    const rows = w.dims.at(-2)!;
    const cols = w.dims.at(-1)!;
    // B [K, N] (or [N, K] with transB) sums over K; A [M, K] (or [K, M] with transA) too.
    const fanIn = slot === 1 ? (transposed ? cols : rows) : transposed ? rows : cols;
    return { slot, fanIn };
  }
  return null;
}

function weightedLayers(ir: IrModel): WeightedLayer[] {
  const readers = consumersOf(ir.nodes);
  const layers: WeightedLayer[] = [];
  for (const node of ir.nodes) {
    const weight = weightOf(ir, node);
    if (weight === null) continue;
    const tensors = [{ node, slot: weight.slot }];
    if (node.opType !== 'MatMul') {
      if (floatInitializer(ir, node.inputs[2]) !== undefined) tensors.push({ node, slot: 2 });
    } else {
      // tf2onnx and torch write a dense layer as MatMul then Add of the bias: the Add belongs to the layer.
      const next = readers.get(node.outputs[0]!) ?? [];
      const add = next.length === 1 && next[0]!.opType === 'Add' ? next[0]! : undefined;
      const slot = add?.inputs.findIndex((i) => i !== node.outputs[0] && floatInitializer(ir, i) !== undefined) ?? -1;
      if (add !== undefined && slot >= 0) tensors.push({ node: add, slot });
    }
    layers.push({ node, tensors, fanIn: weight.fanIn });
  }
  return layers;
}

/** The names of the model's weighted layers, from the output back to the input (Adebayo et al.'s cascading order). */
export function layerNames(ir: IrModel): string[] {
  return weightedLayers(ir)
    .map((l) => l.node.name)
    .reverse();
}

/**
 * A copy of the model whose named layers have fresh weights and biases (the original and its
 * tensors are left as they are). Each layer draws from its own generator, seeded by `seed` and
 * its name, so a layer gets the same values whichever other layers are randomised with it — the
 * cascade's stage k + 1 keeps stage k's random layers. An unknown name is refused.
 */
export function randomiseLayers(ir: IrModel, names: readonly string[], seed: number): IrModel {
  const layers = weightedLayers(ir);
  const unknown = names.find((name) => !layers.some((l) => l.node.name === name));
  if (unknown !== undefined) throw invalidModel(`The model has no weighted layer named ${unknown}; its layers are ${layerNames(ir).join(', ')}.`);
  const out = cloneModel(ir);
  const copies = new Map(ir.nodes.map((node, k) => [node, out.nodes[k]!]));
  const readers = consumersOf(ir.nodes);
  const wanted = new Set(names);
  for (const layer of layers) {
    if (!wanted.has(layer.node.name)) continue;
    const rng = new Random((seed ^ stringHash(layer.node.name)) >>> 0);
    const bound = 1 / Math.sqrt(layer.fanIn);
    for (const { node, slot } of layer.tensors) {
      const name = node.inputs[slot]!;
      const t = floatInitializer(ir, name)!;
      const data = rng.fill(new Float32Array(t.data.length), -bound, bound) as Float32Array;
      // A tensor other nodes also read (tied weights) is copied under a new name, so only this layer changes.
      const shared = (readers.get(name) ?? []).length > 1;
      const target = shared ? `${name}/randomised/${node.name}` : name;
      out.initializers.set(target, { type: 'float32', dims: [...t.dims], data });
      copies.get(node)!.inputs[slot] = target;
    }
  }
  return out;
}
