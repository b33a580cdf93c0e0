// The LRP rules of the compiled explanation graph (main/onnx/backward/lrp) against an independent
// float64 implementation of their formulas on a three-layer dense net with biases, grouped
// convolutions against their block-diagonal equivalent, and the properties the rules promise: finiteness at z = 0, non-negative z⁺/α1β0 maps, LRP-0 =
// Gradient × Input on a bias-free ReLU net, and cache ids that name every parameter.
import { describe, expect, it } from 'vitest';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { attr, GraphBuilder, type Attribute } from '../../main/onnx/graph-builder.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { plainGradient } from '../../main/onnx/backward/rules.js';
import { epsilonGammaBox, epsilonPlus, innvestigatePreset, lrpRules, uniform, type Composite } from '../../main/onnx/backward/lrp/composites.js';
import { alphaBetaRule, epsilonRule, flatRule, gammaRule, wSquareRule, zBoxRule, zPlusRule } from '../../main/onnx/backward/lrp/rules.js';
import type { LrpRule } from '../../main/onnx/backward/lrp/rule.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { oneHot } from '../../main/explain/graph/tensors.js';
import { pytorchStyleCnn } from '../fixtures/onnx-fixtures.js';
import { denseStack, randomLayers, zeroBiases } from '../fixtures/lrp-nets.js';
import { oracleLrp, type OracleRule } from '../fixtures/lrp-oracle.js';
import { ortSessions } from '../fixtures/ort-sessions.js';

const onnx = ortSessions(32);

const IMAGE: [number, number, number] = [2, 2, 3];
const WIDTHS = [12, 7, 5, 3];

function runnerFor(name: string, bytes: Uint8Array, options: { zeroBias?: boolean } = {}): GraphRunner {
  const ir = readModel(bytes);
  return new GraphRunner(onnx.ort, onnx.cache, name, canonicalize(options.zeroBias ? zeroBiases(ir) : ir));
}

/** The input relevance [n, C, H, W] of each image's target under a composite. */
async function relevanceOf(runner: GraphRunner, composite: Composite, images: Float32Array, targets: number[]) {
  return runner.run({ rules: lrpRules(composite) }, images, targets.length, oneHot(targets, runner.classes));
}

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

describe('each rule against a float64 oracle of its formula', () => {
  const layers = randomLayers(WIDTHS, 11);
  const bytes = denseStack(layers, IMAGE);
  const rng = new Random(5);
  // Inputs of both signs, so the copies on a⁻ of the first layer take part.
  const images = Float32Array.from({ length: 3 * 12 }, () => rng.uniform(-1, 1));
  const targets = [0, 1, 2];
  const low = [-1, -1.5];
  const high = [1, 2];
  const perPixel = (bounds: number[]) => Array.from({ length: 12 }, (_, i) => bounds[Math.floor(i / 6)]!);

  const cases: { label: string; rule: LrpRule; oracle: OracleRule; first?: { rule: LrpRule; oracle: OracleRule } }[] = [
    { label: 'ε (1e-6)', rule: epsilonRule(1e-6), oracle: { kind: 'epsilon', epsilon: 1e-6 } },
    { label: 'ε (0.25)', rule: epsilonRule(0.25), oracle: { kind: 'epsilon', epsilon: 0.25 } },
    { label: 'LRP-0', rule: epsilonRule(0), oracle: { kind: 'epsilon', epsilon: 0 } },
    { label: 'z⁺', rule: zPlusRule(), oracle: { kind: 'alpha-beta', alpha: 1, beta: 0 } },
    { label: 'α2β1', rule: alphaBetaRule(2, 1), oracle: { kind: 'alpha-beta', alpha: 2, beta: 1 } },
    { label: 'α3β2', rule: alphaBetaRule(3, 2), oracle: { kind: 'alpha-beta', alpha: 3, beta: 2 } },
    { label: 'γ (0.25)', rule: gammaRule(0.25), oracle: { kind: 'gamma', gamma: 0.25 } },
    { label: 'γ (2)', rule: gammaRule(2), oracle: { kind: 'gamma', gamma: 2 } },
    { label: 'flat', rule: flatRule(), oracle: { kind: 'flat' } },
    { label: 'w²', rule: wSquareRule(), oracle: { kind: 'w-square' } },
    {
      label: 'zᴮ on the first layer with ε on the others',
      rule: epsilonRule(1e-6),
      oracle: { kind: 'epsilon', epsilon: 1e-6 },
      first: { rule: zBoxRule(low, high), oracle: { kind: 'z-box', low: perPixel(low), high: perPixel(high) } },
    },
  ];

  for (const c of cases) {
    it(`computes ${c.label} as its formula does, biases included`, async () => {
      const runner = runnerFor('oracle-net', bytes);
      const composite: Composite = { ...uniform(c.rule), ...(c.first ? { first: { rule: c.first.rule, kinds: ['conv' as const] } } : {}) };
      const { gradient, logits } = await relevanceOf(runner, composite, images, targets);
      const expected = targets.flatMap((t, n) => {
        const x = Array.from(images.subarray(n * 12, (n + 1) * 12));
        const { relevance, logits: l } = oracleLrp(layers, x, t, (k) => (k === 0 && c.first ? c.first.oracle : c.oracle));
        expect(relativeError(logits.subarray(n * 3, (n + 1) * 3), l)).toBeLessThan(1e-5);
        return relevance;
      });
      expect(relativeError(gradient, expected)).toBeLessThan(1e-4);
    });
  }

  it('gives the same relevance when the dense layers are Gemm with [in, out] weights or MatMul + Add (the bias owned by the MatMul), under every rule', async () => {
    const gemm = runnerFor('oracle-gemm', bytes);
    for (const dense of ['gemm-in-out', 'matmul'] as const) {
      const other = runnerFor(`oracle-${dense}`, denseStack(layers, IMAGE, { dense }));
      for (const rule of [epsilonRule(1e-6), zPlusRule(), alphaBetaRule(2, 1), gammaRule(0.25), wSquareRule()]) {
        const a = await relevanceOf(gemm, uniform(rule), images, targets);
        const b = await relevanceOf(other, uniform(rule), images, targets);
        expect(relativeError(b.gradient, a.gradient), `${dense} ${rule.id}`).toBeLessThan(1e-5);
      }
    }
  });
});

describe('grouped convolutions', () => {
  /** Conv(4→6, group 2) → Relu → Conv(6→4, stride 2, group 2) → Relu → Flatten → Gemm; with `expanded`, each Conv as group 1 with block-diagonal weights. */
  function groupedNet(expanded: boolean): Uint8Array {
    const rng = new Random(21);
    const g = new GraphBuilder(expanded ? 'grouped_expanded' : 'grouped');
    const conv = (x: string, name: string, cin: number, cout: number, attributes: Record<string, Attribute>) => {
      const perGroup = cin / 2;
      const w = Float32Array.from({ length: cout * perGroup * 9 }, () => rng.normal() / 3);
      const b = Float32Array.from({ length: cout }, () => rng.uniform(-0.3, 0.3));
      // Output channel o of group ⌊o / (cout/2)⌋ reads input channels of that group only.
      const full = Float32Array.from({ length: cout * cin * 9 }, (_, q) => {
        const [o, c, k] = [Math.floor(q / (cin * 9)), Math.floor(q / 9) % cin, q % 9];
        const group = Math.floor(o / (cout / 2));
        return Math.floor(c / perGroup) === group ? w[(o * perGroup + (c % perGroup)) * 9 + k]! : 0;
      });
      const weight = expanded ? g.initializer(`${name}.w`, full, [cout, cin, 3, 3]) : g.initializer(`${name}.w`, w, [cout, perGroup, 3, 3]);
      return g.op('Conv', [x, weight, g.initializer(`${name}.b`, b, [cout])], { kernel_shape: attr.ints([3, 3]), group: attr.int(expanded ? 1 : 2), ...attributes });
    };
    g.input('input', 'float32', ['batch', 4, 5, 5]);
    let h = g.op('Relu', [conv('input', 'c1', 4, 6, { pads: attr.ints([1, 1, 1, 1]) })]);
    h = g.op('Flatten', [g.op('Relu', [conv(h, 'c2', 6, 4, { strides: attr.ints([2, 2]) })])], { axis: attr.int(1) });
    g.node('Gemm', [h, g.initializer('fc.w', Float32Array.from({ length: 3 * 16 }, () => rng.normal() / 4), [3, 16])], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
    g.output('logits', 'float32', ['batch', 3]);
    return g.toBytes({ opset: 17 });
  }

  it('explain like the same convolutions with block-diagonal weights, under every rule that ignores zero weights', async () => {
    const grouped = runnerFor('grouped', groupedNet(false));
    const expanded = runnerFor('grouped-expanded', groupedNet(true));
    const rng = new Random(6);
    const images = Float32Array.from({ length: 2 * 100 }, () => rng.uniform(-1, 1));
    const box = epsilonGammaBox(1e-6, 0.25, { low: [-1, -1, -1, -1], high: [1, 1, 1, 1] });
    for (const composite of [...[epsilonRule(1e-6), zPlusRule(), alphaBetaRule(2, 1), gammaRule(0.25), wSquareRule()].map(uniform), box]) {
      const a = await relevanceOf(grouped, composite, images, [0, 2]);
      const b = await relevanceOf(expanded, composite, images, [0, 2]);
      expect(relativeError(a.gradient, b.gradient), composite.name).toBeLessThan(1e-5);
    }
  });
});

describe('properties of the rules', () => {
  it('keeps LRP-0 finite where a neuron’s z is exactly 0, giving that neuron no relevance', async () => {
    // Hidden unit 0 sees x₀ − x₁ = 0 on the image below; z = 0 must not divide by zero.
    const layers = [
      { w: [[1, -1, 0, 0], [0.5, 0.5, 1, 0]], b: [0, 0] },
      { w: [[1, 2], [-1, 1]], b: [0, 0] },
    ];
    const runner = runnerFor('zero-z', denseStack(layers, [1, 2, 2]));
    const x = Float32Array.of(0.5, 0.5, 0.25, 1);
    const { gradient } = await relevanceOf(runner, uniform(epsilonRule(0)), x, [0]);
    expect(Array.from(gradient).every(Number.isFinite)).toBe(true);
    const { relevance } = oracleLrp(layers, Array.from(x), 0, () => ({ kind: 'epsilon', epsilon: 0 }));
    expect(relativeError(gradient, relevance)).toBeLessThan(1e-6);
  });

  it('gives non-negative z⁺ and α1β0 maps for non-negative inputs and a positive target score', async () => {
    const runner = runnerFor('pytorch-cnn', pytorchStyleCnn().bytes);
    const n = 4;
    const size = runner.shape[0] * runner.shape[1] * runner.shape[2];
    const images = new Random(3).fill(new Float32Array(n * size)) as Float32Array;
    const logits = await runner.logits(images, n);
    // The highest logit of each image, which must be positive for the map to be ≥ 0.
    const targets = Array.from({ length: n }, (_, i) => {
      const row = Array.from(logits.subarray(i * runner.classes, (i + 1) * runner.classes));
      return row.indexOf(Math.max(...row));
    });
    targets.forEach((t, i) => expect(logits[i * runner.classes + t]).toBeGreaterThan(0));
    for (const rule of [zPlusRule(), alphaBetaRule(1, 0)]) {
      const { gradient } = await relevanceOf(runner, uniform(rule), images, targets);
      expect(Math.min(...gradient)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...gradient)).toBeGreaterThan(0);
    }
  });

  it('equals Gradient × Input under LRP-0 on a ReLU net without biases', async () => {
    const runner = runnerFor('pytorch-cnn-no-bias', pytorchStyleCnn().bytes, { zeroBias: true });
    const n = 3;
    const size = runner.shape[0] * runner.shape[1] * runner.shape[2];
    const rng = new Random(8);
    const images = Float32Array.from({ length: n * size }, () => rng.normal());
    const targets = [0, 2, 4];
    const { gradient: relevance } = await relevanceOf(runner, uniform(epsilonRule(0)), images, targets);
    const { gradient } = await runner.run({ rules: plainGradient }, images, n, oneHot(targets, runner.classes));
    const gradientTimesInput = gradient.map((g, i) => g * images[i]!);
    expect(relativeError(relevance, gradientTimesInput)).toBeLessThan(1e-4);
    // and it conserves: Σ R = f_target(x)
    const logits = await runner.logits(images, n);
    targets.forEach((t, i) => expect(sum(relevance.subarray(i * size, (i + 1) * size))).toBeCloseTo(logits[i * runner.classes + t]!, 4));
  });

  it('refuses an αβ pair whose difference is not 1 and zᴮ bounds that are not ordered', () => {
    expect(() => alphaBetaRule(2, 0)).toThrow(/α − β = 1/);
    expect(() => zBoxRule([0, 1], [1, 0])).toThrow(/l ≤ h/);
  });
});

describe('the variant ids', () => {
  it('differ whenever a rule parameter differs and agree when every one is equal', () => {
    const ids = [
      lrpRules(uniform(epsilonRule(1e-6))),
      lrpRules(uniform(epsilonRule(1e-5))),
      lrpRules(uniform(epsilonRule(0))),
      lrpRules(uniform(alphaBetaRule(2, 1))),
      lrpRules(uniform(alphaBetaRule(3, 2))),
      lrpRules(uniform(zPlusRule())),
      lrpRules(uniform(gammaRule(0.25))),
      lrpRules(uniform(gammaRule(0.5))),
      lrpRules(epsilonPlus(1e-6)),
      lrpRules(epsilonPlus(0.1)),
      lrpRules(epsilonGammaBox(1e-6, 0.25, { low: [0], high: [1] })),
      lrpRules(epsilonGammaBox(1e-6, 0.25, { low: [-1], high: [1] })),
      lrpRules(epsilonGammaBox(1e-6, 0.25, { low: [0], high: [2] })),
      lrpRules(epsilonGammaBox(1e-6, 0.3, { low: [0], high: [1] })),
      lrpRules(innvestigatePreset('A', 0.1, false)),
      lrpRules(innvestigatePreset('A', 0.1, true)),
      lrpRules(innvestigatePreset('B', 0.1, false)),
      lrpRules(innvestigatePreset('A', 0.2, false)),
    ].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(lrpRules(epsilonGammaBox(1e-6, 0.25, { low: [0, -1], high: [1, 1] })).id).toBe(lrpRules(epsilonGammaBox(1e-6, 0.25, { low: [0, -1], high: [1, 1] })).id);
    expect(ids).not.toContain(plainGradient.id);
  });
});
