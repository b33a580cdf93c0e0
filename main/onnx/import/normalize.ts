// The normalised form an imported model is stored in, so everything downstream sees Heatlab's
// convention: one float input `input` NCHW [batch, C, H, W] in RGB order, a first output `logits`
// [batch, K] and a second `probabilities` — the same names a Heatlab export has. The source graph
// is edited at the protobuf level rather than rewritten through the IR, so ops, element types,
// sub-graphs and domains Heatlab does not interpret are kept byte for byte.
//   NHWC source: a Transpose [0, 2, 3, 1] is prepended.
//   BGR source: a 1×1 Conv with a permutation matrix is prepended — exact in float (1·x + 0·y),
//     and an op the explanation compiler supports, unlike a Gather on the channel axis.
//   Output after a Softmax: `logits` is the Softmax's input, `probabilities` its output; after a
//     LogSoftmax, or raw logits: a Softmax gives `probabilities`. An output the user says holds
//     probabilities without a Softmax to take off stays the only output, `probabilities`.
import onnxProto from 'onnx-proto';
import { HeatlabError } from '../../../shared/errors.js';
import type { ImportPlan } from './plan.js';

const { onnx } = onnxProto;
type IGraphProto = import('onnx-proto').onnx.IGraphProto;
type INodeProto = import('onnx-proto').onnx.INodeProto;

export const NORMALISED_NAMES = { input: 'input', logits: 'logits', probabilities: 'probabilities' } as const;

/** Sub-graphs of a node (If, Loop, Scan bodies). */
const subgraphsOf = (node: INodeProto): IGraphProto[] => (node.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);

/** Every value a node reads, including outer-scope values its sub-graphs read. */
function readsOf(node: INodeProto): string[] {
  return [...(node.input ?? []), ...subgraphsOf(node).flatMap((g) => (g.node ?? []).flatMap(readsOf))].filter((n) => n !== '');
}

function valueNames(graph: IGraphProto): Set<string> {
  const names = new Set<string>();
  for (const n of graph.node ?? []) for (const v of [...(n.input ?? []), ...(n.output ?? [])]) names.add(v);
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? []), ...(graph.initializer ?? [])]) names.add(v.name ?? '');
  names.delete('');
  return names;
}

/** Renames a value everywhere in the graph, sub-graph reads of it included. */
function renameValue(graph: IGraphProto, from: string, to: string): void {
  const swap = (v: string) => (v === from ? to : v);
  for (const n of graph.node ?? []) {
    n.input = (n.input ?? []).map(swap);
    n.output = (n.output ?? []).map(swap);
    for (const g of subgraphsOf(n)) renameValue(g, from, to);
  }
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? []), ...(graph.initializer ?? [])]) if (v.name === from) v.name = to;
}

function fresh(names: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; names.has(name); k++) name = `${base}_${k}`;
  names.add(name);
  return name;
}

function tensorType(dims: readonly (number | string)[] | null) {
  return onnx.TypeProto.create({
    tensorType: onnx.TypeProto.Tensor.create({
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape:
        dims === null
          ? null
          : onnx.TensorShapeProto.create({
              dim: dims.map((d) => (typeof d === 'number' ? onnx.TensorShapeProto.Dimension.create({ dimValue: d }) : onnx.TensorShapeProto.Dimension.create({ dimParam: d }))),
            }),
    }),
  });
}

const floatValue = (name: string, dims: readonly (number | string)[] | null) => onnx.ValueInfoProto.create({ name, type: tensorType(dims) });

/** Keeps the nodes the outputs need and drops graph inputs and initializers nothing reads. */
function prune(graph: IGraphProto, imageInput: string): void {
  const needed = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const kept: INodeProto[] = [];
  for (const node of [...(graph.node ?? [])].reverse()) {
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.unshift(node);
    for (const r of readsOf(node)) needed.add(r);
  }
  graph.node = kept;
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  const initializers = new Set(graph.initializer.map((t) => t.name));
  graph.input = (graph.input ?? []).filter((i) => needed.has(i.name ?? ''));
  const extra = graph.input.find((i) => i.name !== imageInput && !initializers.has(i.name));
  if (extra) throw new HeatlabError('invalid_request', `The ONNX model's output needs its input ${extra.name} besides the image input, and Heatlab feeds only images.`);
}

export interface NormalisedModel {
  bytes: Uint8Array;
  /** Which outputs the stored file has and what its `logits` or `probabilities` hold. */
  outputs: string[];
  scores: 'logits' | 'probabilities';
  /** The source value the stored `logits` is, null when the stored file has none. */
  logitsFrom: string | null;
}

/** The source model in Heatlab's convention, with the given metadata added. */
export function normaliseModel(source: Uint8Array, plan: ImportPlan, metadata: Record<string, string>): NormalisedModel {
  const model = onnx.ModelProto.decode(source);
  const graph = model.graph!;
  const names = valueNames(graph);
  const { input, output, layout, channelOrder, softmax } = plan;

  // What becomes `logits` and `probabilities` in the source graph.
  const softmaxNode = softmax === null ? undefined : (graph.node ?? []).find((n) => (n.output ?? []).includes(output.name));
  const logitsValue = softmaxNode ? softmaxNode.input![0]! : plan.outputKind === 'logits' ? output.name : null;
  const probabilitiesValue = softmax === 'Softmax' ? output.name : logitsValue === null ? output.name : null;

  // Free the names Heatlab's convention uses, unless the value holding one already is the right one.
  const wanted = new Map<string, string | null>([
    [NORMALISED_NAMES.input, null],
    [NORMALISED_NAMES.logits, logitsValue],
    [NORMALISED_NAMES.probabilities, probabilitiesValue],
  ]);
  const moved = new Map<string, string>();
  const now = (v: string) => moved.get(v) ?? v;
  for (const [name, owner] of wanted) {
    if (!names.has(name) || owner === name) continue;
    const aside = fresh(names, `${name}_source`);
    renameValue(graph, name, aside);
    moved.set(name, aside);
  }
  const sourceInput = fresh(names, 'import/source_input');
  renameValue(graph, now(input.name), sourceInput);
  if (logitsValue !== null) renameValue(graph, now(logitsValue), NORMALISED_NAMES.logits);
  if (probabilitiesValue !== null) renameValue(graph, now(probabilitiesValue), NORMALISED_NAMES.probabilities);

  // The new input and the nodes that turn it into what the source graph reads.
  const { channels, height, width, batch } = plan;
  const prepended: INodeProto[] = [];
  let value: string = NORMALISED_NAMES.input;
  const step = (opType: string, inputs: string[], attribute: InstanceType<typeof onnx.AttributeProto>[], last: boolean) => {
    const out = last ? sourceInput : fresh(names, `import/${opType.toLowerCase()}`);
    prepended.push(onnx.NodeProto.create({ name: fresh(names, `import/${opType}`), opType, input: inputs, output: [out], attribute }));
    value = out;
  };
  const transpose = layout === 'NHWC';
  if (channelOrder === 'bgr') {
    // Output channel o reads input channel 2 − o: RGB in, BGR out.
    const weight = new Float32Array(9);
    for (let o = 0; o < 3; o++) weight[o * 3 + (2 - o)] = 1;
    const w = fresh(names, 'import/rgb_to_bgr');
    graph.initializer!.push(onnx.TensorProto.create({ name: w, dims: [3, 3, 1, 1], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(weight.buffer) }));
    step('Conv', [value, w], [onnx.AttributeProto.create({ name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1] })], !transpose);
  }
  if (transpose) step('Transpose', [value], [onnx.AttributeProto.create({ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 2, 3, 1] })], true);
  if (prepended.length === 0) renameValue(graph, sourceInput, NORMALISED_NAMES.input);
  graph.node = [...prepended, ...(graph.node ?? [])] as typeof graph.node;
  graph.input = [floatValue(NORMALISED_NAMES.input, [batch, channels, height, width]), ...(graph.input ?? []).filter((i) => i.name !== sourceInput && i.name !== NORMALISED_NAMES.input)];
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => v.name !== sourceInput);

  // Outputs: logits, then probabilities (a Softmax over the logits when the source has none).
  const classDim = output.shape?.[1] ?? 'classes';
  const outBatch = output.shape?.[0] ?? batch;
  const outputs: string[] = [];
  const declared = [];
  if (logitsValue !== null) {
    outputs.push(NORMALISED_NAMES.logits);
    declared.push(floatValue(NORMALISED_NAMES.logits, [outBatch, classDim]));
    if (probabilitiesValue === null) {
      graph.node!.push(
        onnx.NodeProto.create({
          name: fresh(names, 'import/Softmax'),
          opType: 'Softmax',
          input: [NORMALISED_NAMES.logits],
          output: [NORMALISED_NAMES.probabilities],
          attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
        }),
      );
    }
  }
  outputs.push(NORMALISED_NAMES.probabilities);
  declared.push(floatValue(NORMALISED_NAMES.probabilities, [outBatch, classDim]));
  graph.output = declared;
  prune(graph, NORMALISED_NAMES.input);

  const props = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  for (const [key, v] of Object.entries(metadata)) props.set(key, v);
  model.metadataProps = [...props].map(([key, v]) => onnx.StringStringEntryProto.create({ key, value: v }));
  return { bytes: onnx.ModelProto.encode(model).finish(), outputs, scores: logitsValue === null ? 'probabilities' : 'logits', logitsFrom: logitsValue };
}

/**
 * The source model reduced to one output, `value` (its pre-softmax logits when they are not an
 * output), so it can be run with the image alone and compared with the normalised model.
 */
export function exposeValue(source: Uint8Array, value: string, imageInput: string): Uint8Array {
  const model = onnx.ModelProto.decode(source);
  const graph = model.graph!;
  graph.output = [(graph.output ?? []).find((o) => o.name === value) ?? floatValue(value, null)];
  prune(graph, imageInput);
  return onnx.ModelProto.encode(model).finish();
}
