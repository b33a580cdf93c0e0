// LRP composites and methods: which rule each linear layer gets, a composite's graph equal to the
// same rules composed by hand, the zᴮ bounds taken from the session's preprocessing range, and the
// registry entries' parameters and heatmaps.
import { describe, expect, it } from 'vitest';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { readModel } from '../../main/onnx/model-reader.js';
import {
  epsilonAlpha2Beta1,
  epsilonAlpha2Beta1Flat,
  epsilonGammaBox,
  epsilonPlus,
  epsilonPlusFlat,
  innvestigatePreset,
  lrpRules,
  ruleFor,
  type Composite,
  type LayerSlot,
} from '../../main/onnx/backward/lrp/composites.js';
import { linearRule } from '../../main/onnx/backward/lrp/rule.js';
import { epsilonRule, flatRule, zPlusRule } from '../../main/onnx/backward/lrp/rules.js';
import type { BackwardRules } from '../../main/onnx/backward/types.js';
import type { GraphInput, GraphMethod } from '../../main/explain/graph/method.js';
import { lrpAlphaBetaMethod, lrpEpsilonGammaBoxMethod, lrpMethods, lrpZeroMethod } from '../../main/explain/graph/lrp.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { oneHot, reduceChannels } from '../../main/explain/graph/tensors.js';
import { pytorchViewCnn, residualGroupedCnn, type OnnxFixture } from '../fixtures/onnx-fixtures.js';
import { ortSessions } from '../fixtures/ort-sessions.js';

const onnx = ortSessions(32);

function runnerFor(fixture: OnnxFixture, options: ConstructorParameters<typeof GraphRunner>[4] = {}): GraphRunner {
  return new GraphRunner(onnx.ort, onnx.cache, `${fixture.name}/${JSON.stringify(options)}`, canonicalize(readModel(fixture.bytes)), options);
}

function imagesFor(runner: GraphRunner, n: number, seed: number): GraphInput {
  const size = runner.shape[0] * runner.shape[1] * runner.shape[2];
  const rng = new Random(seed);
  return { images: Float32Array.from({ length: n * size }, () => rng.uniform(-1, 1)), n, shape: runner.shape, targets: Int32Array.from({ length: n }, (_, i) => i % runner.classes) };
}

const run = <M extends GraphMethod>(runner: GraphRunner, method: M, input: GraphInput, params: object = {}) => method.run(runner, input, method.params.parse(params), new Random(0));

/** The rule ids a composite gives the linear layers of a net with these kinds, from the input. */
const assigned = (composite: Composite, kinds: LayerSlot['kind'][]) => kinds.map((kind, index) => ruleFor(composite, { kind, index, count: kinds.length }).id);

describe('composites', () => {
  const convConvDense: LayerSlot['kind'][] = ['conv', 'conv', 'dense', 'dense'];
  const bounds = { low: [-1], high: [2] };

  it('give each linear layer the rule Zennit’s and iNNvestigate’s composites name for its kind and place', () => {
    expect(assigned(epsilonPlus(1e-6), convConvDense)).toEqual(['z-plus', 'z-plus', 'epsilon(0.000001)', 'epsilon(0.000001)']);
    expect(assigned(epsilonPlusFlat(1e-6), convConvDense)).toEqual(['flat', 'z-plus', 'epsilon(0.000001)', 'epsilon(0.000001)']);
    expect(assigned(epsilonAlpha2Beta1(0.5), convConvDense)).toEqual(['alpha-beta(2,1)', 'alpha-beta(2,1)', 'epsilon(0.5)', 'epsilon(0.5)']);
    expect(assigned(epsilonAlpha2Beta1Flat(0.5), convConvDense)).toEqual(['flat', 'alpha-beta(2,1)', 'epsilon(0.5)', 'epsilon(0.5)']);
    expect(assigned(epsilonGammaBox(1e-6, 0.25, bounds), convConvDense)).toEqual(['z-box(low=-1;high=2)', 'gamma(0.25)', 'epsilon(0.000001)', 'epsilon(0.000001)']);
    expect(assigned(innvestigatePreset('A', 0.1, false), convConvDense)).toEqual(['alpha-beta(1,0)', 'alpha-beta(1,0)', 'epsilon(0.1)', 'epsilon(0.1)']);
    expect(assigned(innvestigatePreset('B', 0.1, true), convConvDense)).toEqual(['flat', 'alpha-beta(2,1)', 'epsilon(0.1)', 'epsilon(0.1)']);
  });

  it('put flat on a dense first layer but zᴮ only on a convolution, as Zennit’s first-layer maps do', () => {
    expect(assigned(epsilonPlusFlat(1e-6), ['dense', 'dense'])).toEqual(['flat', 'epsilon(0.000001)']);
    expect(assigned(epsilonGammaBox(1e-6, 0.25, bounds), ['dense', 'dense'])).toEqual(['epsilon(0.000001)', 'epsilon(0.000001)']);
  });

  it('compile EpsilonPlusFlat on a conv–conv–dense net to the same relevance as flat, z⁺ and ε composed by hand', async () => {
    const runner = runnerFor(pytorchViewCnn());
    const input = imagesFor(runner, 3, 4);
    const composite = lrpRules(epsilonPlusFlat(1e-6));
    const byHand: BackwardRules = { ...composite, id: 'by-hand', linear: (layer) => linearRule([flatRule(), zPlusRule(), epsilonRule(1e-6)][layer.index]!) };
    const seed = oneHot(input.targets, runner.classes);
    const a = await runner.run({ rules: composite }, input.images, input.n, seed);
    const b = await runner.run({ rules: byHand }, input.images, input.n, seed);
    expect(a.gradient).toEqual(b.gradient);
    expect(Math.max(...a.gradient.map(Math.abs))).toBeGreaterThan(0);
  });
});

describe('input bounds for zᴮ', () => {
  it('default to [0, 1] for every channel and refuse bounds of the wrong length or order', () => {
    const fixture = residualGroupedCnn();
    expect(runnerFor(fixture).inputBounds).toEqual({ low: [0, 0, 0, 0], high: [1, 1, 1, 1] });
    expect(() => runnerFor(fixture, { inputBounds: { low: [0], high: [1] } })).toThrow(/4 channels/);
    expect(() => runnerFor(fixture, { inputBounds: { low: [0, 0, 2, 0], high: [1, 1, 1, 1] } })).toThrow(/low ≤ high/);
  });

  it('come from the session for EpsilonGammaBox unless the parameters give them', async () => {
    const fixture = residualGroupedCnn();
    const low = [-0.5, -1, -2, 0];
    const high = [0.5, 1, 2, 3];
    const withBounds = runnerFor(fixture, { inputBounds: { low, high } });
    const plain = runnerFor(fixture);
    const input = imagesFor(plain, 2, 9);
    const fromSession = await run(withBounds, lrpEpsilonGammaBoxMethod, input);
    const fromParams = await run(plain, lrpEpsilonGammaBoxMethod, input, { low, high });
    const unitBox = await run(plain, lrpEpsilonGammaBoxMethod, input);
    expect(fromSession).toEqual(fromParams);
    expect(fromSession).not.toEqual(unitBox);
  });
});

describe('LRP methods', () => {
  it('parse their defaults from nothing, with Zennit’s ε and γ and iNNvestigate’s preset ε', () => {
    for (const method of lrpMethods) expect(() => method.params.parse({}), method.id).not.toThrow();
    expect(lrpMethods.find((m) => m.id === 'lrp-epsilon')!.params.parse({})).toEqual({ epsilon: 1e-6, reduction: 'sum' });
    expect(lrpMethods.find((m) => m.id === 'lrp-gamma')!.params.parse({})).toEqual({ gamma: 0.25, reduction: 'sum' });
    expect(lrpMethods.find((m) => m.id === 'lrp-preset-a')!.params.parse({})).toEqual({ epsilon: 0.1, flat: false, reduction: 'sum' });
    expect(lrpAlphaBetaMethod.params.parse({})).toEqual({ alpha: 2, beta: 1, reduction: 'sum' });
    expect(() => lrpAlphaBetaMethod.params.parse({ alpha: 2, beta: 0 })).toThrow(/α − β must equal 1/);
    expect(() => lrpMethods.find((m) => m.id === 'lrp-epsilon')!.params.parse({ epsilon: -1 })).toThrow();
  });

  it('each give finite [n, H, W] heatmaps on a residual grouped CNN, and differ from each other', async () => {
    const runner = runnerFor(residualGroupedCnn());
    const input = imagesFor(runner, 3, 2);
    const seen = new Map<string, string>();
    for (const method of lrpMethods) {
      const heatmaps = await run(runner, method, input);
      expect(heatmaps, method.id).toHaveLength(input.n * runner.shape[1] * runner.shape[2]);
      expect(Array.from(heatmaps).every(Number.isFinite), method.id).toBe(true);
      seen.set(method.id, Array.from(heatmaps.subarray(0, 8), (v) => v.toPrecision(6)).join());
    }
    // Only LRP-0 and ε = 1e-6 may agree to six digits; every other pair of composites differs.
    expect(new Set(seen.values()).size).toBeGreaterThanOrEqual(10);
  });

  it('reduce the input relevance over channels by the reduction rule', async () => {
    const runner = runnerFor(residualGroupedCnn());
    const input = imagesFor(runner, 2, 5);
    const [c, h, w] = runner.shape;
    const rules = lrpRules({ name: 'epsilon(0)', conv: epsilonRule(0), dense: epsilonRule(0) });
    const { gradient } = await runner.run({ rules }, input.images, input.n, oneHot(input.targets, runner.classes));
    for (const reduction of ['sum', 'abs-sum', 'max-abs'] as const) {
      expect(await run(runner, lrpZeroMethod, input, { reduction })).toEqual(reduceChannels(gradient, input.n, c, h * w, reduction));
    }
  });
});
