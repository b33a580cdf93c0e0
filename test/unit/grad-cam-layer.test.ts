// Grad-CAM's default layer (main/explain/graph/feature-maps.ts) on Conv → MaxPool → ReLU, the
// layout PyTorch MNIST models use: the default is the rectified map after the pool, and the map
// equals Selvaraju et al.'s eqs. 1–2 computed by hand on that layer.
import { describe, expect, it } from 'vitest';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { gradCamMethod, guidedGradCamMethod } from '../../main/explain/graph/grad-cam.js';
import type { GraphInput } from '../../main/explain/graph/method.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { resolveMethod, resolveStoredMethod } from '../../main/explain/methods.js';
import { bilinear } from '../../main/explain/graph/tensors.js';
import { pytorchStyleCnn, residualGroupedCnn } from '../fixtures/onnx-fixtures.js';
import { ortSessions } from '../fixtures/ort-sessions.js';

const onnx = ortSessions(4);

// Two 3×3 filters (pad 1) on a 1×4×4 image, 2×2 max pooling, ReLU, and a dense head to 2 logits.
const convW = [0.5, -1, 0.25, 1, -0.5, 0.75, -0.25, 0.5, -1, /* filter 1 */ -0.75, 0.5, 1, 0.25, -1, 0.5, 1, -0.5, 0.25];
const convB = [-0.3, 0.1];
const fcW = [1, -0.5, 2, 0.25, -1, 1.5, 0.5, -2, /* class 1 */ -1, 0.75, 0.5, -1.5, 2, -0.25, 1, 0.5];
const fcB = [0.1, -0.2];

function convPoolReluNet() {
  const g = new GraphBuilder('conv_pool_relu');
  g.input('input', 'float32', ['batch', 1, 4, 4]);
  g.node('Conv', ['input', g.initializer('w', Float32Array.from(convW), [2, 1, 3, 3]), g.initializer('b', Float32Array.from(convB), [2])], { outputs: ['conv'], attributes: { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) } });
  g.node('MaxPool', ['conv'], { outputs: ['pool'], attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } });
  g.node('Relu', ['pool'], { outputs: ['relu'] });
  g.node('Flatten', ['relu'], { outputs: ['flat'], attributes: { axis: attr.int(1) } });
  g.node('Gemm', ['flat', g.initializer('fc.w', Float32Array.from(fcW), [2, 8]), g.initializer('fc.b', Float32Array.from(fcB), [2])], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
  g.output('logits', 'float32', ['batch', 2]);
  return { name: 'conv_pool_relu', bytes: g.toBytes({ opset: 17 }) };
}

/** ReLU(MaxPool(Conv(x))) [2, 2, 2] of one 4×4 image, by the definitions. */
function rectifiedByHand(x: ArrayLike<number>): number[] {
  const at = (y: number, i: number) => (y < 0 || y > 3 || i < 0 || i > 3 ? 0 : x[y * 4 + i]!);
  const conv = (k: number, y: number, i: number) => {
    let s = convB[k]!;
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) s += convW[k * 9 + dy * 3 + dx]! * at(y + dy - 1, i + dx - 1);
    return s;
  };
  const out: number[] = [];
  for (let k = 0; k < 2; k++)
    for (let py = 0; py < 2; py++)
      for (let px = 0; px < 2; px++) out.push(Math.max(0, Math.max(conv(k, 2 * py, 2 * px), conv(k, 2 * py, 2 * px + 1), conv(k, 2 * py + 1, 2 * px), conv(k, 2 * py + 1, 2 * px + 1))));
  return out;
}

describe('Grad-CAM’s default layer', () => {
  it('is the ReLU after the pool on Conv → MaxPool → ReLU, with the raw convolution output still offered', () => {
    const net = convPoolReluNet();
    const runner = new GraphRunner(onnx.ort, onnx.cache, net.name, canonicalize(readModel(net.bytes)));
    expect(runner.featureMaps).toEqual(['conv', 'relu']);
    expect(runner.defaultFeatureMap).toBe('relu');
    // The convolution layer's own output: no rectifier reads the conv directly here.
    expect(runner.lastConvolutionLayer).toBe('conv');
  });

  it('gives ReLU(Σ_k mean(∂f/∂A_k)·A_k) of that rectified map, upsampled bilinearly, as computed by hand', async () => {
    const net = convPoolReluNet();
    const runner = new GraphRunner(onnx.ort, onnx.cache, net.name, canonicalize(readModel(net.bytes)));
    const rng = new Random(5);
    const n = 3;
    const images = Float32Array.from({ length: n * 16 }, () => rng.uniform(-1, 1));
    const input: GraphInput = { images, n, shape: [1, 4, 4], targets: Int32Array.of(0, 1, 0) };
    const maps = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const a = rectifiedByHand(images.subarray(i * 16, (i + 1) * 16));
      const t = input.targets[i]!;
      // The head is linear in A: ∂f_t/∂A_k,ij is the dense weight itself, so α_k is its mean over (i, j).
      const alpha = [0, 1].map((k) => (fcW[t * 8 + k * 4]! + fcW[t * 8 + k * 4 + 1]! + fcW[t * 8 + k * 4 + 2]! + fcW[t * 8 + k * 4 + 3]!) / 4);
      for (let p = 0; p < 4; p++) maps[i * 4 + p] = Math.max(0, alpha[0]! * a[p]! + alpha[1]! * a[4 + p]!);
    }
    const expected = bilinear(maps, n, 2, 2, 4, 4);
    const got = await gradCamMethod.run(runner, input, gradCamMethod.params.parse({}), new Random(0));
    got.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    expect(Array.from(got).some((v) => v > 0)).toBe(true);
    const raw = await gradCamMethod.run(runner, input, gradCamMethod.params.parse({ layer: 'conv' }), new Random(0));
    expect(Array.from(raw).some((v, k) => Math.abs(v - got[k]!) > 1e-3)).toBe(true);
    // defaultLayer: convolution picks the conv output, as runs stored before it existed did.
    const convolution = await gradCamMethod.run(runner, input, gradCamMethod.params.parse({ defaultLayer: 'convolution' }), new Random(0));
    expect(Array.from(convolution)).toEqual(Array.from(raw));
  });

  it('re-runs Grad-CAM runs stored before the default moved on the convolution layer, and new requests on the rectified map', () => {
    for (const id of ['grad-cam', 'guided-grad-cam']) {
      expect(resolveStoredMethod(id, {}).params).toMatchObject({ defaultLayer: 'convolution' });
      expect(resolveMethod(id, {}).params).toMatchObject({ defaultLayer: 'rectified' });
    }
    expect(guidedGradCamMethod.params.parse({})).toMatchObject({ defaultLayer: 'rectified', reduction: 'sum' });
  });

  it('takes a rectifier that reads the last convolution directly as that layer’s output (Conv → BatchNorm → ReLU, folded)', () => {
    const fixture = pytorchStyleCnn();
    const runner = new GraphRunner(onnx.ort, onnx.cache, fixture.name, canonicalize(readModel(fixture.bytes)));
    expect(runner.lastConvolutionLayer).toBe('/relu/Relu_output_0');
    expect(runner.defaultFeatureMap).toBe('/relu/Relu_output_0');
  });

  it('keeps the last convolution’s output when no rectifier follows it', () => {
    const fixture = residualGroupedCnn();
    const runner = new GraphRunner(onnx.ort, onnx.cache, fixture.name, canonicalize(readModel(fixture.bytes)));
    // The stem conv's ReLU and the grouped conv's LeakyRelu after its residual Add are rectified
    // maps; the head conv (folded BatchNorm) feeds a global average pool, so its output is the default.
    expect(runner.featureMaps).toEqual(['/stem/Conv_output_0', 'stem_relu', '/grouped/Conv_output_0', 'leaky', '/head_bn/BatchNormalization_output_0']);
    expect(runner.defaultFeatureMap).toBe('/head_bn/BatchNormalization_output_0');
    expect(runner.lastConvolutionLayer).toBe('/head_bn/BatchNormalization_output_0');
  });
});
