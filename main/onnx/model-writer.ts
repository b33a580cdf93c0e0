// Writes IR back to ONNX through GraphBuilder: whole models (canonical forms, test fixtures) and
// single forward nodes into a graph the compiler is building.
import type { Attribute, GraphBuilder } from './graph-builder.js';
import { GraphBuilder as Builder } from './graph-builder.js';
import { describeNode, invalidModel, type IrModel, type IrNode, type IrTensor } from './ir.js';

/** Value names in the graph being written; by default a value keeps its IR name. */
export type Rename = (irName: string) => string;

const keep: Rename = (name) => name;

/** The node's attributes in GraphBuilder's form; strings lists and sub-graphs cannot be written. */
export function writableAttributes(node: IrNode): Record<string, Attribute> {
  const out: Record<string, Attribute> = {};
  for (const [name, a] of Object.entries(node.attributes)) {
    if (a.kind === 'strings' || a.kind === 'opaque') throw invalidModel(`The ${describeNode(node)} has a ${a.kind === 'strings' ? 'string-list' : a.type} attribute ${name}, which Heatlab cannot write back.`);
    out[name] = a;
  }
  return out;
}

export interface EmitOptions {
  /** Output names instead of the renamed ones (e.g. an extra MaxPool Indices output). */
  outputs?: string[];
  /** Attributes added to or replacing the node's own. */
  attributes?: Record<string, Attribute>;
  /** The node's name in the graph; its IR name by default. */
  name?: string;
}

/** Adds the node as it is (inputs and outputs renamed) and returns its output names. */
export function emitNode(graph: GraphBuilder, node: IrNode, rename: Rename = keep, extra: EmitOptions = {}): string[] {
  const outputs = extra.outputs ?? node.outputs.map((o) => (o === '' ? '' : rename(o)));
  return graph.node(node.opType, node.inputs.map((i) => (i === '' ? '' : rename(i))), {
    outputs,
    attributes: { ...writableAttributes(node), ...extra.attributes },
    name: extra.name ?? node.name,
  });
}

export function emitInitializer(graph: GraphBuilder, name: string, t: IrTensor): string {
  if (t.type === 'other') throw invalidModel(`The ONNX model's initializer ${name} holds ${t.dataType} values, which Heatlab cannot write back.`);
  return graph.initializer(name, t.data, t.dims);
}

/** The model as ONNX bytes at its own opset; only initializers some node reads are written. */
export function writeModel(ir: IrModel, options: { producerName?: string } = {}): Uint8Array {
  const graph = new Builder(ir.graphName || 'heatlab');
  for (const input of ir.inputs) {
    if (input.shape === null) throw invalidModel(`The ONNX model's input ${input.name} has no shape to write.`);
    graph.input(input.name, input.elemType === 'float32' ? 'float32' : 'int64', input.shape);
  }
  const read = new Set(ir.nodes.flatMap((n) => n.inputs));
  for (const [name, t] of ir.initializers) if (read.has(name)) emitInitializer(graph, name, t);
  for (const node of ir.nodes) emitNode(graph, node);
  for (const output of ir.outputs) graph.output(output.name, output.elemType === 'int64' ? 'int64' : 'float32', output.shape ?? []);
  return graph.toBytes({ opset: ir.opset, producerName: options.producerName ?? ir.producer.name, producerVersion: ir.producer.version, metadata: ir.metadata });
}
