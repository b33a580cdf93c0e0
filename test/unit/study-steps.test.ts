// Step keys decide what a rerun skips: the same kind, parameters, seeds and inputs must give the
// same key whatever the order of the fields, and a change of any one of them another key. The
// pipeline's steps follow the plan: datasets, models, one explanation per model, then one
// evaluation per ground truth, later ones with only the metrics that need a mask.
import { describe, expect, it } from 'vitest';
import type { StudyPlan } from '../../shared/studies.js';
import { canonicalJson, stepKey, type StepIdentity } from '../../main/study/step-keys.js';
import { evaluationGroups, plannedSteps } from '../../main/study/steps.js';

const train: StepIdentity = {
  kind: 'model.train',
  params: { architecture: { kind: 'preset', preset: 'lenet5', batchNorm: false, dropout: 0 }, training: { epochs: 3, learningRate: 0.001, seed: 1, earlyStopping: null } },
  seeds: { seed: 1 },
  inputs: { datasetId: 4 },
};

/** The same value with every object's keys in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
}

describe('step keys', () => {
  it('print equal values alike: keys sorted at every level, undefined fields left out, arrays kept in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson([3, 1])).not.toBe(canonicalJson([1, 3]));
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
  });

  it('give the same key for the same plan and seeds, whatever the order of the fields', () => {
    const key = stepKey(train);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(stepKey(structuredClone(train))).toBe(key);
    expect(stepKey(reversed(train) as StepIdentity)).toBe(key);
  });

  it('give another key when any parameter, seed, input or the kind changes', () => {
    const key = stepKey(train);
    const variants: StepIdentity[] = [
      { ...train, kind: 'model.import' },
      { ...train, params: { ...(train.params as object), architecture: { kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 } } },
      { ...train, params: { ...(train.params as object), training: { epochs: 4, learningRate: 0.001, seed: 1, earlyStopping: null } } },
      { ...train, params: { ...(train.params as object), training: { epochs: 3, learningRate: 0.0011, seed: 1, earlyStopping: null } } },
      { ...train, params: { ...(train.params as object), training: { epochs: 3, learningRate: 0.001, seed: 1, earlyStopping: { patience: 3, restoreBest: true } } } },
      { ...train, seeds: { seed: 2 } },
      { ...train, inputs: { datasetId: 5 } },
      { ...train, inputs: { datasetId: 4, extra: 1 } },
    ];
    const keys = variants.map(stepKey);
    for (const k of keys) expect(k).not.toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

const plan = (groundTruths: StudyPlan['groundTruths']): StudyPlan => ({
  version: 1,
  name: 'p',
  question: '',
  datasets: [
    { kind: 'existing', datasetId: 3, models: [{ kind: 'existing', modelId: 7 }, { kind: 'existing', modelId: 8 }] },
    { kind: 'existing', datasetId: 4, models: [{ kind: 'existing', modelId: 9 }] },
  ],
  methods: [{ id: 'gradient', params: {} }],
  target: 'predicted',
  images: { split: 'test', pick: 'random', n: 5, seed: 1 },
  groundTruths,
  metrics: [{ id: 'sparseness', params: {} }, { id: 'pointing-game', params: {} }],
  seed: 1,
  resamples: 200,
  level: 0.95,
});
const needsMask = (id: string) => id === 'pointing-game';

describe('planned steps', () => {
  it('run every dataset, then every model, then each model’s explanation, then its evaluations', () => {
    const steps = plannedSteps(plan([{ kind: 'generated', mask: 'object' }]), needsMask);
    expect(steps.map((s) => `${s.kind} ${s.slot}`)).toEqual([
      'dataset.existing datasets[0]',
      'dataset.existing datasets[1]',
      'model.existing datasets[0].models[0]',
      'model.existing datasets[0].models[1]',
      'model.existing datasets[1].models[0]',
      'explain datasets[0].models[0].explain',
      'explain datasets[0].models[1].explain',
      'explain datasets[1].models[0].explain',
      'evaluate datasets[0].models[0].evaluations[0]',
      'evaluate datasets[0].models[1].evaluations[0]',
      'evaluate datasets[1].models[0].evaluations[0]',
    ]);
  });

  it('score every metric with the first ground truth and only the masked ones with the others; without a ground truth, once', () => {
    expect(evaluationGroups(plan([]), needsMask)).toEqual([{ groundTruth: null, metrics: [0, 1] }]);
    const three = plan([{ kind: 'generated', mask: 'corners' }, { kind: 'generated', mask: 'edges' }, { kind: 'set', id: 2 }]);
    expect(evaluationGroups(three, needsMask)).toEqual([
      { groundTruth: 0, metrics: [0, 1] },
      { groundTruth: 1, metrics: [1] },
      { groundTruth: 2, metrics: [1] },
    ]);
    expect(plannedSteps(three, needsMask).filter((s) => s.kind === 'evaluate')).toHaveLength(9);
    // No metric needs a mask: the ground truths after the first would score nothing new.
    expect(evaluationGroups(three, () => false)).toEqual([{ groundTruth: 0, metrics: [0, 1] }]);
  });
});
