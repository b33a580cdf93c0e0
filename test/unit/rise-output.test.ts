// RISE weights its masks by the class probability, as Petsiuk et al. 2018 (§3.1) and DIANNA do:
// checked against eq. 6 computed by hand on a tiny linear model, with the logit as the option,
// no second softmax on a model that already outputs probabilities, and stored runs re-run as made.
import { describe, expect, it } from 'vitest';
import type { ExplainInput, Forward } from '../../main/explain/forward.js';
import { resolveMethod, resolveStoredMethod } from '../../main/explain/methods.js';
import { rise, riseMask } from '../../main/explain/perturbation/rise.js';
import { Random } from '../../main/numeric/random.js';

const [h, w] = [4, 4];
const plane = h * w;
// Three classes reading the 4×4 image through fixed weights.
const weights = [0, 1, 2].map((c) => Array.from({ length: plane }, (_, p) => Math.sin(1 + c * 7 + p * 0.9)));
const logitsOf = (x: ArrayLike<number>) => weights.map((wc) => wc.reduce((s, v, p) => s + v * x[p]!, 0));
const softmax = (z: number[]) => {
  const e = z.map((v) => Math.exp(v - Math.max(...z)));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
};
const forwardOf =
  (transform: (z: number[]) => number[]): Forward =>
  async (images, n) =>
    Float32Array.from(Array.from({ length: n }, (_, i) => transform(logitsOf(images.subarray(i * plane, (i + 1) * plane)))).flat());

const image = Float32Array.from({ length: plane }, (_, p) => (p % 5) / 4);
const input: ExplainInput = { image, shape: { channels: 1, height: h, width: w }, target: 2, classes: 3 };
const params = { masks: 40, resolution: 2, pKeep: 0.5, batchSize: 7 };

/** Eq. 6 by hand: Σᵢ score(x ⊙ Mᵢ)·Mᵢ / (N·p), with the masks drawn in order from the same seed. */
function byHand(score: (z: number[]) => number, seed: number): number[] {
  const rng = new Random(seed);
  const mask = new Float32Array(plane);
  const sum = new Array<number>(plane).fill(0);
  for (let i = 0; i < params.masks; i++) {
    riseMask(mask, h, w, params.resolution, params.pKeep, rng);
    const s = score(logitsOf(Array.from(image, (v, p) => v * mask[p]!)));
    for (let p = 0; p < plane; p++) sum[p]! += s * mask[p]!;
  }
  return sum.map((v) => v / (params.masks * params.pKeep));
}

describe('RISE’s score', () => {
  it('is the target’s softmax probability by default', async () => {
    expect(rise.params.parse({}).output).toBe('probability');
    const heat = await rise.run(forwardOf((z) => z), input, rise.params.parse(params), new Random(9));
    const expected = byHand((z) => softmax(z)[2]!, 9);
    heat.forEach((v, p) => expect(v).toBeCloseTo(expected[p]!, 5));
  });

  it('is the target’s logit when asked', async () => {
    const heat = await rise.run(forwardOf((z) => z), input, rise.params.parse({ ...params, output: 'logit' }), new Random(9));
    const expected = byHand((z) => z[2]!, 9);
    heat.forEach((v, p) => expect(v).toBeCloseTo(expected[p]!, 4));
  });

  it('takes no softmax on top of a model that already outputs probabilities', async () => {
    const heat = await rise.run(forwardOf(softmax), { ...input, scores: 'probabilities' }, rise.params.parse(params), new Random(9));
    const expected = byHand((z) => softmax(z)[2]!, 9);
    heat.forEach((v, p) => expect(v).toBeCloseTo(expected[p]!, 5));
  });

  it('re-runs a run stored before the option existed with the logit, and a new request with the probability', () => {
    const stored = { masks: 1000, resolution: 8, pKeep: 0.5, batchSize: 64 };
    expect(resolveStoredMethod('rise', stored).params).toMatchObject({ output: 'logit' });
    expect(resolveStoredMethod('rise', { ...stored, output: 'probability' }).params).toMatchObject({ output: 'probability' });
    expect(resolveMethod('rise', stored).params).toMatchObject({ output: 'probability' });
  });
});
