// The catalogue in words: recorded parameters as readable pairs, the free-text search, the view's
// orders, --kind on the command line, and jobs as a subject and an outcome sentence, never JSON.
import { describe, expect, it } from 'vitest';
import type { CatalogueEntity } from '../../shared/catalogue.js';
import { filterEntities, matchesSearch, readableFacts } from '../../shared/catalogue-words.js';
import type { Job } from '../../shared/jobs.js';
import { parseKinds } from '../../main/app/cli-catalogue.js';
import { sortEntities } from '../../renderer/lib/catalogue/entity-order.js';
import { jobDuration, jobOutcome, jobParams, jobSubject } from '../../renderer/lib/catalogue/job-words.js';

function entity(kind: CatalogueEntity['kind'], id: number, extra: Partial<CatalogueEntity> = {}): CatalogueEntity {
  return {
    kind,
    id,
    name: `${kind} ${id}`,
    createdAt: `2025-01-0${id}T10:00:00.000Z`,
    summary: '',
    outcome: null,
    params: [],
    seed: null,
    heatlabVersion: '0.1.0',
    engine: null,
    jobId: null,
    parents: [],
    children: [],
    unreferenced: true,
    ...extra,
  };
}

function job(kind: Job['kind'], params: unknown, extra: Partial<Job> = {}): Job {
  return { id: 1, kind, label: kind, status: 'done', params, createdAt: '2025-01-01T10:00:00.000Z', startedAt: '2025-01-01T10:00:00.000Z', finishedAt: '2025-01-01T10:00:42.000Z', progress: null, error: null, result: null, ...extra };
}

describe('recorded parameters in words', () => {
  it('joins nested keys with › in words, lists scalars on one line, and says yes, no and none', () => {
    expect(readableFacts({ training: { learningRate: 0.001, earlyStopping: null }, batchNorm: false, mean: [0.5, 0.25], split: { train: 0.7 } })).toEqual([
      { key: 'Training › Learning rate', value: '0.001' },
      { key: 'Training › Early stopping', value: 'none' },
      { key: 'Batch norm', value: 'no' },
      { key: 'Mean', value: '0.5, 0.25' },
      { key: 'Split › Train', value: '0.7' },
    ]);
  });

  it('gives each object of a list a numbered line of its own, and cuts long lists saying how many more there are', () => {
    expect(readableFacts({ layers: [{ type: 'conv2d', filters: 16 }, { type: 'flatten' }] })).toEqual([
      { key: 'Layers 1', value: 'type conv2d, filters 16' },
      { key: 'Layers 2', value: 'type flatten' },
    ]);
    const indices = Array.from({ length: 30 }, (_, i) => i);
    expect(readableFacts({ indices })).toEqual([{ key: 'Indices', value: `${indices.slice(0, 12).join(', ')} … (18 more)` }]);
  });
});

describe('the catalogue search', () => {
  const model = entity('model', 2, { name: 'LeNet on shapes', params: [{ key: 'Training › Learning rate', value: '0.003' }], engine: 'tfjs wasm', seed: '11' });

  it('matches when every word occurs, in any case, in the name, kind, parameters, seed or engine', () => {
    expect(matchesSearch(model, 'lenet LEARNING 0.003')).toBe(true);
    expect(matchesSearch(model, 'model wasm seed 11')).toBe(true);
    expect(matchesSearch(model, 'lenet resnet')).toBe(false);
    expect(matchesSearch(model, '   ')).toBe(true);
  });

  it('narrows by kind and to what nothing references, keeping the order', () => {
    const list = [model, entity('dataset', 1, { unreferenced: false }), entity('dataset', 3)];
    expect(filterEntities(list, { kinds: ['dataset'] }).map((e) => e.id)).toEqual([1, 3]);
    expect(filterEntities(list, { unreferenced: true }).map((e) => e.id)).toEqual([2, 3]);
  });
});

describe('the catalogue’s orders', () => {
  const list = [entity('dataset', 1, { name: 'run 10' }), entity('model', 2, { name: 'run 9' }), entity('run', 3, { name: 'Run 2' })];
  const sizes = new Map([
    ['dataset:1', { bytes: 500 }],
    ['run:3', { bytes: 9000 }],
  ]);

  it('sorts by size with entities not measured yet last, whichever way', () => {
    expect(sortEntities(list, 'largest', sizes).map((e) => e.id)).toEqual([3, 1, 2]);
    expect(sortEntities(list, 'smallest', sizes).map((e) => e.id)).toEqual([1, 3, 2]);
  });

  it('sorts by date and by name with numbers in numeric order', () => {
    expect(sortEntities(list, 'newest', sizes).map((e) => e.id)).toEqual([3, 2, 1]);
    expect(sortEntities(list, 'oldest', sizes).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(sortEntities(list, 'name', sizes).map((e) => e.name)).toEqual(['Run 2', 'run 9', 'run 10']);
  });
});

describe('--kind on the command line', () => {
  it('takes the kinds as a user writes them, several separated by commas', () => {
    expect(parseKinds('dataset, models,annotation-set,explanation-runs,run')).toEqual(['dataset', 'model', 'annotationSet', 'run']);
    expect(parseKinds(undefined)).toBeUndefined();
  });

  it('refuses an unknown kind in one sentence naming the ones it takes', () => {
    expect(() => parseKinds('model,study')).toThrow('--kind takes dataset, model, run, annotation-set or evaluation (several separated by commas), not "study".');
  });
});

describe('jobs in words', () => {
  it('says what a job works on from its parameters', () => {
    expect(jobSubject(job('datasets.generate', { generator: 'triangles-squares', params: { count: 6000, seed: 5 } }))).toBe('Triangles & Squares 6,000 · seed 5');
    expect(jobSubject(job('models.train', { datasetId: 3, architecture: { kind: 'preset', preset: 'lenet5' }, training: { epochs: 5, seed: 1 }, dataset: { name: 'shapes' } }))).toBe('lenet5 on shapes · 5 epochs · seed 1');
    expect(jobSubject(job('engine.check', { seconds: 0 }))).toBe('one quick pass of both engines');
    expect(jobSubject(job('evaluate.run', { runIds: [1, 2], metrics: [{ id: 'pointing-game' }], seed: 3, model: { name: 'm' } }))).toBe('2 runs of m · pointing-game · seed 3');
  });

  it('ends a finished job in a sentence with what came of it, and links what it made while it exists', () => {
    const model = entity('model', 4, { outcome: 'test accuracy 97.3 %' });
    const trained = job('models.train', {}, { result: { modelId: 4 } });
    expect(jobOutcome(trained, new Map([['model:4', model]]))).toEqual({ text: 'trained — test accuracy 97.3 %', tone: 'ok', made: [model] });
    expect(jobOutcome(trained, new Map()).text).toBe('trained (since deleted)');
    const failed = job('models.train', {}, { status: 'failed', error: { code: 'internal', message: 'The loss became NaN at epoch 2.' } });
    expect(jobOutcome(failed, new Map())).toEqual({ text: 'The loss became NaN at epoch 2.', tone: 'error', made: [] });
  });

  it('lists the parameters the user asked for, without the catalogue rows main filled in', () => {
    const facts = jobParams(job('explain.run', { modelId: 2, seed: 1, model: { onnx: 'data/models/2/model.onnx' }, dataset: { files: {} } }));
    expect(facts).toEqual([
      { key: 'Model id', value: '2' },
      { key: 'Seed', value: '1' },
    ]);
    expect(JSON.stringify(facts)).not.toContain('onnx');
  });

  it('says how long a job took', () => {
    expect(jobDuration(job('engine.check', {}))).toBe('42 s');
    expect(jobDuration(job('engine.check', {}, { startedAt: null }))).toBe('—');
  });
});
