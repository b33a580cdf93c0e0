// Relevance conservation (Bach et al. 2015, eq. 2; issue 5, "Correctness"): with every bias set to
// zero, LRP-0 and ε (1e-6) must give input relevance summing to the explained logit within 1e-3,
// on a net of every layer kind the compiler supports — Conv with groups, strides, padding and
// dilation, Gemm with transA/transB, MatMul (also on rank-3 inputs, also with its Add bias),
// average, global average and max pooling, Flatten/Reshape/Transpose, folded and unfolded
// BatchNorm, residual Add, and the activations LRP passes through.
import { describe, expect, it } from 'vitest';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import type { IrModel } from '../../main/onnx/ir.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { lrpRules, uniform } from '../../main/onnx/backward/lrp/composites.js';
import { epsilonRule } from '../../main/onnx/backward/lrp/rules.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { oneHot } from '../../main/explain/graph/tensors.js';
import { opset7Cnn, poolsAndBatchNormCnn, pytorchStyleCnn, pytorchViewCnn, residualGroupedCnn, stridedOddCnn } from '../fixtures/onnx-fixtures.js';
import { zeroBiases } from '../fixtures/lrp-nets.js';
import { ortSessions } from '../fixtures/ort-sessions.js';

const onnx = ortSessions(32);

/** x [N, 1, 2, 3] → Flatten → Transpose → Gemm(transA = 1, transB = 0) → Relu → Gemm(transB = 1): the explained input as Gemm's transposed A. */
function transposedGemmNet(seed: number): IrModel {
  const rng = new Random(seed);
  const g = new GraphBuilder('gemm_trans_a');
  const weights = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  g.input('input', 'float32', ['batch', 1, 2, 3]);
  const flat = g.op('Flatten', ['input'], { axis: attr.int(1) });
  const columns = g.op('Transpose', [flat], { perm: attr.ints([1, 0]) });
  const hidden = g.op('Relu', [g.op('Gemm', [columns, g.initializer('w1', weights(24), [6, 4])], { transA: attr.int(1), alpha: attr.float(0.5) })]);
  g.node('Gemm', [hidden, g.initializer('w2', weights(12), [3, 4])], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
  g.output('logits', 'float32', ['batch', 3]);
  return readModel(g.toBytes({ opset: 17 }));
}

/** x [N, 2, 3, 4] → Reshape [N, 6, 4] → MatMul [4, 5] → Relu → Reshape [N, 30] → MatMul [30, 3] + Add: a dense layer on rank-3 values, then one with a bias Add. */
function rank3MatMulNet(seed: number): IrModel {
  const rng = new Random(seed);
  const g = new GraphBuilder('matmul_rank3');
  const weights = (n: number) => Float32Array.from({ length: n }, () => rng.normal() / 2);
  const shape = (name: string, dims: number[]) => g.initializer(name, BigInt64Array.from(dims, BigInt), [dims.length]);
  g.input('input', 'float32', ['batch', 2, 3, 4]);
  const rows = g.op('Reshape', ['input', shape('rows', [-1, 6, 4])]);
  const hidden = g.op('Relu', [g.op('MatMul', [rows, g.initializer('w1', weights(20), [4, 5])])]);
  const flat = g.op('Reshape', [hidden, shape('flat', [-1, 30])]);
  const product = g.op('MatMul', [flat, g.initializer('w2', weights(90), [30, 3])]);
  g.node('Add', [product, g.initializer('b2', weights(3), [3])], { outputs: ['logits'] });
  g.output('logits', 'float32', ['batch', 3]);
  return readModel(g.toBytes({ opset: 17 }));
}

const nets: { label: string; ir: () => IrModel }[] = [
  { label: 'Conv + BatchNorm (folded) + MaxPool + Flatten + Gemm', ir: () => readModel(pytorchStyleCnn().bytes) },
  { label: 'SAME_UPPER and dilated Conv, ReLU6, overlapping padded MaxPool, computed Reshape, Gemm transB = 0', ir: () => readModel(pytorchViewCnn().bytes) },
  { label: 'grouped Conv, residual Add, LeakyRelu, padded MaxPool, GlobalAveragePool', ir: () => readModel(residualGroupedCnn().bytes) },
  { label: 'strided Conv on odd sizes, Tanh, Sigmoid, AveragePool without pads counted, Reshape, MatMul + Add', ir: () => readModel(stridedOddCnn().bytes) },
  { label: 'AveragePool counting pads in ceil mode, unfolded BatchNorm, ceil MaxPool, Transpose, Gemm + folded BatchNorm', ir: () => readModel(poolsAndBatchNormCnn().bytes) },
  { label: 'a fixed batch of one, strided padded Conv, Clip, MaxPool with gaps', ir: () => readModel(opset7Cnn().bytes) },
  { label: 'Transpose into a Gemm with transA = 1 and α = 0.5', ir: () => transposedGemmNet(3) },
  { label: 'MatMul on rank-3 values and MatMul with an Add bias', ir: () => rank3MatMulNet(4) },
];

describe('relevance conservation on bias-free nets', () => {
  for (const net of nets) {
    for (const epsilon of [0, 1e-6]) {
      it(`sums the ${epsilon === 0 ? 'LRP-0' : 'ε'} input relevance to the explained logit for ${net.label}`, async () => {
        const canonical = canonicalize(zeroBiases(net.ir()));
        const runner = new GraphRunner(onnx.ort, onnx.cache, net.label, canonical);
        const dims = canonical.shapes.get(canonical.input)!;
        const n = typeof dims[0] === 'number' ? dims[0] : 3;
        const size = runner.shape[0] * runner.shape[1] * runner.shape[2];
        const rng = new Random(17);
        const images = Float32Array.from({ length: n * size }, () => rng.normal());
        const logits = await runner.logits(images, n);
        // Explain each image's largest-magnitude logit, so the relative error is measured against a real score.
        const targets = Array.from({ length: n }, (_, i) => {
          const row = Array.from(logits.subarray(i * runner.classes, (i + 1) * runner.classes), Math.abs);
          return row.indexOf(Math.max(...row));
        });
        const { gradient } = await runner.run({ rules: lrpRules(uniform(epsilonRule(epsilon))) }, images, n, oneHot(targets, runner.classes));
        expect(Array.from(gradient).every(Number.isFinite)).toBe(true);
        targets.forEach((t, i) => {
          const score = logits[i * runner.classes + t]!;
          const total = gradient.subarray(i * size, (i + 1) * size).reduce((a, b) => a + b, 0);
          expect(Math.abs(total - score) / Math.abs(score)).toBeLessThanOrEqual(1e-3);
        });
      });
    }
  }
});
