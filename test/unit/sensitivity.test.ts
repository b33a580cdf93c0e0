// Sensitivity (main/explain/graph/sensitivity.ts) against finite differences of a float64
// reference forward pooled over channels by hand, the signed gradient kept under its own id, and
// every method's declared relevance sign (main/explain/methods.md gives the reasons).
import { describe, expect, it } from 'vitest';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { gradientMethod } from '../../main/explain/graph/gradient.js';
import type { GraphInput } from '../../main/explain/graph/method.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { sensitivityMethod } from '../../main/explain/graph/sensitivity.js';
import { explainMethods, methodInfo } from '../../main/explain/methods.js';
import { pytorchStyleCnn } from '../fixtures/onnx-fixtures.js';
import { referenceForward } from '../fixtures/onnx-reference.js';
import { ortSessions } from '../fixtures/ort-sessions.js';

const onnx = ortSessions(4);

/** ∂f_target/∂x per channel [C, H·W] of each image by central differences through the float64 reference. */
function finiteDifferences(bytes: Uint8Array, logits: string, input: GraphInput): Float64Array[] {
  const [c, h, w] = input.shape;
  const ir = readModel(bytes);
  const eps = 1e-5;
  return Array.from({ length: input.n }, (_, i) => {
    const x = Float64Array.from(input.images.subarray(i * c * h * w, (i + 1) * c * h * w));
    const f = () => referenceForward(ir, { dims: [1, c, h, w], data: x }).get(logits)!.data[input.targets[i]!]!;
    return x.map((v, p) => {
      x[p] = v + eps;
      const up = f();
      x[p] = v - eps;
      const down = f();
      x[p] = v;
      return (up - down) / (2 * eps);
    });
  });
}

describe('Sensitivity', () => {
  it('pools finite-difference gradients over the channels by max |·| (default), the ℓ2 norm, or the sum of squares', async () => {
    const fixture = pytorchStyleCnn();
    const runner = new GraphRunner(onnx.ort, onnx.cache, fixture.name, canonicalize(readModel(fixture.bytes)));
    const [c, h, w] = runner.shape;
    const plane = h * w;
    const rng = new Random(3);
    const input: GraphInput = { images: rng.fill(new Float32Array(2 * c * plane)) as Float32Array, n: 2, shape: runner.shape, targets: Int32Array.of(4, 0) };
    const grads = finiteDifferences(fixture.bytes, runner.model.logits, input);
    const pooled = (combine: (v: number[]) => number) => grads.flatMap((g) => Array.from({ length: plane }, (_, p) => combine(Array.from({ length: c }, (_, ch) => g[ch * plane + p]!))));
    const expected = {
      'max-abs': pooled((v) => Math.max(...v.map(Math.abs))),
      l2: pooled((v) => Math.hypot(...v)),
      squared: pooled((v) => v.reduce((s, g) => s + g * g, 0)),
    };
    for (const [norm, want] of Object.entries(expected)) {
      const got = await sensitivityMethod.run(runner, input, sensitivityMethod.params.parse(norm === 'max-abs' ? {} : { norm }), new Random(0));
      const scale = Math.max(...want.map(Math.abs));
      got.forEach((v, k) => expect(Math.abs(v - want[k]!), `${norm} at ${k}`).toBeLessThanOrEqual(1e-4 * scale));
      expect(Array.from(got).every((v) => v >= 0)).toBe(true);
    }
    // The signed gradient keeps its id and its meaning: the channel sum of ∂f/∂x, negative values and all.
    const signed = await gradientMethod.run(runner, input, gradientMethod.params.parse({}), new Random(0));
    const sums = pooled((v) => v.reduce((s, g) => s + g, 0));
    const scale = Math.max(...sums.map(Math.abs));
    signed.forEach((v, k) => expect(Math.abs(v - sums[k]!)).toBeLessThanOrEqual(1e-4 * scale));
    expect(Array.from(signed).some((v) => v < 0)).toBe(true);
  });

  it('is labelled by the paper its default follows, and the signed gradient is labelled signed', () => {
    expect(sensitivityMethod).toMatchObject({ id: 'sensitivity', label: 'Sensitivity (Simonyan et al. 2014)' });
    expect(sensitivityMethod.params.parse({})).toEqual({ norm: 'max-abs' });
    expect(gradientMethod).toMatchObject({ id: 'gradient', label: 'Gradient (signed)' });
    expect(gradientMethod.params.parse({})).toEqual({ reduction: 'sum' });
  });
});

describe('relevance signs', () => {
  it('declares for every method whether metrics rank its maps by value or by magnitude', () => {
    const declared = Object.fromEntries(explainMethods.map((m) => [m.id, methodInfo(m).relevance]));
    const absolute = ['sensitivity', 'gradient', 'smoothgrad', 'guided-backprop', 'deconvnet', 'guided-grad-cam'];
    for (const [id, relevance] of Object.entries(declared)) expect(relevance, id).toBe(absolute.includes(id) ? 'absolute' : 'signed');
    expect(declared).toMatchObject({ 'gradient-x-input': 'signed', 'integrated-gradients': 'signed', 'grad-cam': 'signed', 'lrp-epsilon': 'signed', occlusion: 'signed', lime: 'signed', 'kernel-shap': 'signed', rise: 'signed', random: 'signed' });
  });
});
