// What the Models view lists for an imported model: one row per node of the stored graph (the
// integer ops exporters use to compute Reshape targets left out), its output shape where Heatlab's
// shape inference knows the ops, and its weights; and the parameter count.
import type { LayerSummary } from '../../../shared/models.js';
import type { Dim, IrModel } from '../ir.js';
import { inferShapes } from '../shape-inference.js';
import { SHAPE_OPS } from '../supported-ops.js';

/** Weights are the float initializers; int64 ones are shapes and indices, not parameters. */
const floatSize = (ir: IrModel, name: string) => {
  const t = ir.initializers.get(name);
  return t?.type === 'float32' ? t.data.length : 0;
};

export function parameterCount(ir: IrModel): number {
  let total = 0;
  for (const t of ir.initializers.values()) if (t.type === 'float32') total += t.data.length;
  return total;
}

export function layerSummary(ir: IrModel, inputShape: readonly Dim[]): LayerSummary[] {
  let shapes = new Map<string, Dim[]>();
  try {
    shapes = inferShapes(ir, inputShape).shapes;
  } catch {
    // Ops the compiler does not know have no shape rule: their rows show no shape.
  }
  return ir.nodes
    .filter((n) => !SHAPE_OPS.includes(n.opType))
    .map((n) => {
      const shape = shapes.get(n.outputs[0] ?? '');
      return {
        name: n.name,
        type: n.domain === '' || n.domain === 'ai.onnx' ? n.opType : `${n.domain}.${n.opType}`,
        outputShape: shape !== undefined && shape.slice(1).every((d) => typeof d === 'number') ? (shape.slice(1) as number[]) : [],
        parameters: n.inputs.reduce((sum, i) => sum + floatSize(ir, i), 0),
      };
    });
}
