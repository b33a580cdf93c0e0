// Reads an .onnx file into Heatlab's graph IR (ir.ts): nodes in topological order with typed
// attributes, float32/int64 initializers (Constant nodes become initializers too), the graph's
// real inputs (initializers listed as inputs, as IR version < 4 files do, are dropped) and the
// default-domain opset. Every refusal is HeatlabError('invalid_request') in one sentence.
import onnxProto from 'onnx-proto';
import { fileKinds, readRegularFile } from '../workspace/read-regular-file.js';
import { describeNode, invalidModel, type IrAttribute, type IrModel, type IrNode, type IrTensor } from './ir.js';
import { decodeAttribute, decodeTensor, decodeValueInfo, int } from './proto-decode.js';

const { onnx } = onnxProto;
type ModelProto = InstanceType<typeof onnx.ModelProto>;

/** The oldest default-domain opset Heatlab reads: the one that made broadcasting Add/Gemm standard. */
export const MIN_READ_OPSET = 7;

/** protobuf's first key of a ModelProto: field 1 (ir_version) as a varint, written first by every ONNX writer. */
const MODEL_FIRST_BYTE = 0x08;

function decodeProto(bytes: Uint8Array): ModelProto {
  if (bytes.length === 0) throw invalidModel('The file is empty, so it is not an ONNX model.');
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    if (bytes[0] === MODEL_FIRST_BYTE) throw invalidModel('The file starts like an ONNX model but its protobuf cannot be read, so it is probably truncated or damaged.');
    throw invalidModel('The file is not an ONNX model: it does not decode as an ONNX protobuf.');
  }
  if (!model.graph && !int(model.irVersion)) throw invalidModel('The file is not an ONNX model: it decodes as protobuf but has neither an IR version nor a graph.');
  if (!model.graph) throw invalidModel('The ONNX file contains no graph.');
  return model;
}

function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  // IR version 1 files predate opset_import and mean opset 1.
  const opset = entry ? int(entry.version) : 1;
  if (opset < MIN_READ_OPSET) throw invalidModel(`The ONNX model uses opset ${opset}, older than opset ${MIN_READ_OPSET}, the oldest Heatlab reads.`);
  return opset;
}

/**
 * A Constant node's value as a tensor (ONNX Constant: exactly one of value, value_float(s),
 * value_int(s) is set; sparse and string constants stay nodes, which the compiler refuses).
 */
function constantValue(node: IrNode): IrTensor | null {
  const a: IrAttribute | undefined = Object.values(node.attributes)[0];
  const key = Object.keys(node.attributes)[0];
  if (a === undefined || Object.keys(node.attributes).length !== 1) return null;
  if (key === 'value' && a.kind === 'tensor') {
    return a.value instanceof Float32Array
      ? { type: 'float32', dims: [...a.dims], data: a.value }
      : a.value instanceof BigInt64Array
        ? { type: 'int64', dims: [...a.dims], data: a.value }
        : null;
  }
  if (key === 'value_float' && a.kind === 'float') return { type: 'float32', dims: [], data: Float32Array.of(a.value) };
  if (key === 'value_floats' && a.kind === 'floats') return { type: 'float32', dims: [a.value.length], data: Float32Array.from(a.value) };
  if (key === 'value_int' && a.kind === 'int') return { type: 'int64', dims: [], data: BigInt64Array.of(BigInt(a.value)) };
  if (key === 'value_ints' && a.kind === 'ints') return { type: 'int64', dims: [a.value.length], data: BigInt64Array.from(a.value, (v) => BigInt(v)) };
  return null;
}

/** Kahn's algorithm, stable in file order; a value nothing produces is a damaged file. */
function topologicalOrder(nodes: IrNode[], available: Set<string>): IrNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, k) => n.outputs.forEach((o) => o !== '' && producer.set(o, k)));
  const waiting = nodes.map(() => 0);
  const readers = nodes.map((): number[] => []);
  nodes.forEach((n, k) => {
    for (const input of new Set(n.inputs)) {
      if (input === '' || available.has(input)) continue;
      const p = producer.get(input);
      if (p === undefined) throw invalidModel(`The ONNX model's ${describeNode(n)} reads ${input}, which no graph input, initializer or node produces, so the file is incomplete.`);
      waiting[k]!++;
      readers[p]!.push(k);
    }
  });
  const ready = nodes.map((_, k) => k).filter((k) => waiting[k] === 0);
  const order: IrNode[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const k = ready.shift()!;
    order.push(nodes[k]!);
    for (const r of readers[k]!) if (--waiting[r]! === 0) ready.push(r);
  }
  if (order.length !== nodes.length) throw invalidModel('The ONNX model\'s graph has a cycle, so it cannot be evaluated.');
  return order;
}

/** Decodes ONNX bytes into the IR. */
export function readModel(bytes: Uint8Array): IrModel {
  const model = decodeProto(bytes);
  const graph = model.graph!;
  const opset = defaultOpset(model);

  const initializers = new Map<string, IrTensor>();
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', decodeTensor(t, `initializer ${t.name}`));

  const names = new Set<string>();
  const rawNodes: IrNode[] = (graph.node ?? []).map((n, k) => {
    let name = n.name || `${n.opType}_${k}`;
    while (names.has(name)) name = `${name}_${k}`;
    names.add(name);
    const node: IrNode = { name, opType: n.opType ?? '', domain: n.domain ?? '', inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attributes: {} };
    for (const a of n.attribute ?? []) node.attributes[a.name ?? ''] = decodeAttribute(a, describeNode(node));
    return node;
  });

  const nodes: IrNode[] = [];
  for (const node of rawNodes) {
    const value = node.opType === 'Constant' && (node.domain === '' || node.domain === 'ai.onnx') && node.outputs.length === 1 ? constantValue(node) : null;
    if (value === null) nodes.push(node);
    else initializers.set(node.outputs[0]!, value);
  }

  const inputs = (graph.input ?? []).map(decodeValueInfo).filter((i) => !initializers.has(i.name));
  if (inputs.length === 0) throw invalidModel('The ONNX model\'s graph has no inputs, so it cannot take images.');
  const outputs = (graph.output ?? []).map(decodeValueInfo);
  if (outputs.length === 0) throw invalidModel('The ONNX model\'s graph has no outputs.');

  const available = new Set([...inputs.map((i) => i.name), ...initializers.keys()]);
  const ordered = topologicalOrder(nodes, available);
  const produced = new Set([...available, ...ordered.flatMap((n) => n.outputs)]);
  const missing = outputs.find((o) => !produced.has(o.name));
  if (missing) throw invalidModel(`The ONNX model declares the output ${missing.name}, which no node produces, so the file is incomplete.`);

  return {
    opset,
    irVersion: int(model.irVersion),
    producer: { name: model.producerName ?? '', version: model.producerVersion ?? '' },
    graphName: graph.name ?? '',
    inputs,
    outputs,
    nodes: ordered,
    initializers,
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

/** Reads and decodes an .onnx file (a regular file within the ONNX cap). */
export async function readModelFile(path: string): Promise<IrModel> {
  return readModel(new Uint8Array(readRegularFile(path, fileKinds.onnx)));
}
