// Which ONNX ops the explanation compiler handles (issue 5, "Graph compiler"). A model with any
// other op still runs forward-only methods; graph methods refuse it with the ops named.
import { HeatlabError } from '../../shared/errors.js';
import { qualifiedOp, type IrModel, type IrNode } from './ir.js';

/** Ops with a shape rule and a backward step. */
export const GRAPH_OPS: readonly string[] = [
  'Conv',
  'Gemm',
  'MatMul',
  'Add',
  'Relu',
  'LeakyRelu',
  'Clip',
  'Sigmoid',
  'Tanh',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'Transpose',
  'BatchNormalization',
  'Dropout',
  'Identity',
  'Softmax',
  'LogSoftmax',
];

/**
 * Integer ops exporters use to compute a Reshape's target shape at run time (PyTorch's
 * `x.view(x.size(0), -1)` becomes Shape → Gather → Unsqueeze → Concat → Reshape). Supported only
 * there: canonicalisation folds them into a constant.
 */
export const SHAPE_OPS: readonly string[] = ['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Cast'];

const isDefaultDomain = (node: IrNode) => node.domain === '' || node.domain === 'ai.onnx';

/** Nodes whose outputs only ever reach the shape input of a Reshape. */
function shapeComputations(ir: Pick<IrModel, 'nodes'>): Set<IrNode> {
  const producer = new Map<string, IrNode>();
  for (const n of ir.nodes) for (const o of n.outputs) producer.set(o, n);
  const cone = new Set<IrNode>();
  const stack = ir.nodes.filter((n) => n.opType === 'Reshape' && isDefaultDomain(n)).map((n) => n.inputs[1] ?? '');
  while (stack.length > 0) {
    const node = producer.get(stack.pop()!);
    if (node === undefined || cone.has(node) || !SHAPE_OPS.includes(node.opType) || !isDefaultDomain(node)) continue;
    cone.add(node);
    // Shape reads a data tensor: its input is not part of the shape computation.
    if (node.opType !== 'Shape') stack.push(...node.inputs.filter((i) => i !== ''));
  }
  return cone;
}

/** The ops the compiler cannot handle, by (domain-qualified) op type, in order of appearance. */
export function unsupportedOps(ir: Pick<IrModel, 'nodes'>): string[] {
  const shapeNodes = shapeComputations(ir);
  const names: string[] = [];
  for (const node of ir.nodes) {
    const ok = isDefaultDomain(node) && (GRAPH_OPS.includes(node.opType) || shapeNodes.has(node));
    const name = qualifiedOp(node);
    if (!ok && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Throws the typed error naming every unsupported op, if there are any. */
export function requireSupportedOps(ir: Pick<IrModel, 'nodes'>): void {
  const ops = unsupportedOps(ir);
  if (ops.length === 0) return;
  const list = ops.length === 1 ? `the ${ops[0]} op` : `the ops ${ops.slice(0, -1).join(', ')} and ${ops.at(-1)}`;
  throw new HeatlabError('invalid_request', `The explanation compiler does not support ${list}, so graph methods cannot explain this model; forward-only methods still work.`, {
    unsupportedOps: ops,
  });
}
