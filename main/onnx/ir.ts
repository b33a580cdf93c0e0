// Heatlab's own small graph IR: what the explanation compiler reads instead of protobuf classes.
// A model is decoded once (model-reader.ts) into plain data with typed attributes and typed
// initializers; canonicalize.ts and gradient-graph.ts only ever see this form.
import { HeatlabError } from '../../shared/errors.js';
import type { Attribute, Dim } from './graph-builder.js';

export type { Dim };

/**
 * A node attribute: the kinds GraphBuilder writes back, plus lists of strings and the kinds
 * Heatlab never interprets (sub-graphs, sparse tensors), kept only so the op can be named.
 */
export type IrAttribute = Attribute | { kind: 'strings'; value: string[] } | { kind: 'opaque'; type: string };

/** A constant tensor. Float weights are float32; shapes and indices int64; anything else opaque. */
export type IrTensor =
  | { type: 'float32'; dims: number[]; data: Float32Array }
  | { type: 'int64'; dims: number[]; data: BigInt64Array }
  | { type: 'other'; dims: number[]; dataType: string };

export interface IrNode {
  /** The node's name in the file, or a generated `<OpType>_<k>` when it had none. */
  name: string;
  opType: string;
  /** '' for the default ONNX domain. */
  domain: string;
  /** Value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, IrAttribute>;
}

export interface IrValueInfo {
  name: string;
  /** 'float32', 'int64', … or the ONNX enum name for other element types. */
  elemType: string;
  /** null when the file declares no shape; symbolic dimensions are strings (e.g. 'batch'). */
  shape: Dim[] | null;
}

export interface IrModel {
  /** Default-domain opset the nodes follow. */
  opset: number;
  irVersion: number;
  producer: { name: string; version: string };
  graphName: string;
  /** Graph inputs that are not initializers. */
  inputs: IrValueInfo[];
  outputs: IrValueInfo[];
  /** In topological order: every input is a graph input, an initializer or an earlier output. */
  nodes: IrNode[];
  initializers: Map<string, IrTensor>;
  metadata: Record<string, string>;
}

/** How a node is named in messages: `Conv node conv1`. */
export function describeNode(node: IrNode): string {
  return `${qualifiedOp(node)} node ${node.name}`;
}

/** The op type with its domain when it is not the default one (`com.microsoft.FusedConv`). */
export function qualifiedOp(node: Pick<IrNode, 'opType' | 'domain'>): string {
  return node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}.${node.opType}`;
}

export function invalidModel(message: string): HeatlabError {
  return new HeatlabError('invalid_request', message);
}

// Typed attribute access. ONNX gives every attribute a default in the op's spec, so callers pass
// the spec default; a present attribute of the wrong kind is an invalid model.

function attribute(node: IrNode, name: string, kind: IrAttribute['kind']): IrAttribute | undefined {
  const a = node.attributes[name];
  if (a !== undefined && a.kind !== kind) throw invalidModel(`Attribute ${name} of ${describeNode(node)} is a ${a.kind} where the ONNX spec has a ${kind}.`);
  return a;
}

export function intAttr(node: IrNode, name: string, fallback: number): number {
  const a = attribute(node, name, 'int');
  return a?.kind === 'int' ? a.value : fallback;
}

export function floatAttr(node: IrNode, name: string, fallback: number): number {
  const a = attribute(node, name, 'float');
  return a?.kind === 'float' ? a.value : fallback;
}

export function stringAttr(node: IrNode, name: string, fallback: string): string {
  const a = attribute(node, name, 'string');
  return a?.kind === 'string' ? a.value : fallback;
}

export function intsAttr(node: IrNode, name: string): number[] | undefined;
export function intsAttr(node: IrNode, name: string, fallback: readonly number[]): number[];
export function intsAttr(node: IrNode, name: string, fallback?: readonly number[]): number[] | undefined {
  const a = attribute(node, name, 'ints');
  return a?.kind === 'ints' ? [...a.value] : fallback === undefined ? undefined : [...fallback];
}

/** The float32 initializer of that name, if the value is one ('' and unknown names give undefined). */
export function floatInitializer(ir: Pick<IrModel, 'initializers'>, name: string | undefined): Extract<IrTensor, { type: 'float32' }> | undefined {
  if (name === undefined || name === '') return undefined;
  const t = ir.initializers.get(name);
  return t?.type === 'float32' ? t : undefined;
}

export const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Which nodes read each value, by value name. */
export function consumersOf(nodes: readonly IrNode[]): Map<string, IrNode[]> {
  const map = new Map<string, IrNode[]>();
  for (const node of nodes)
    for (const input of node.inputs) {
      if (input === '') continue;
      const list = map.get(input) ?? [];
      if (!list.includes(node)) list.push(node);
      map.set(input, list);
    }
  return map;
}

/** Which node writes each value, by value name. */
export function producersOf(nodes: readonly IrNode[]): Map<string, IrNode> {
  const map = new Map<string, IrNode>();
  for (const node of nodes) for (const output of node.outputs) if (output !== '') map.set(output, node);
  return map;
}

/** A shallow copy of a model whose node list and initializer map can be changed freely. */
export function cloneModel(ir: IrModel): IrModel {
  return {
    ...ir,
    inputs: ir.inputs.map((i) => ({ ...i, shape: i.shape && [...i.shape] })),
    outputs: ir.outputs.map((o) => ({ ...o, shape: o.shape && [...o.shape] })),
    nodes: ir.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: { ...n.attributes } })),
    initializers: new Map(ir.initializers),
    metadata: { ...ir.metadata },
  };
}
