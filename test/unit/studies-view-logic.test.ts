import { describe, expect, it } from 'vitest';
import type { Study, StudyMember, StudyPlanInput, StudyStep } from '../../shared/studies.js';
import { memberLinks } from '../../renderer/lib/studies/member-links.js';
import { changedParams, datasetsWords, groundTruthWords, imagesWords, sizeWords } from '../../renderer/lib/studies/plan-words.js';
import { isAt, problemPlace } from '../../renderer/lib/studies/problem-place.js';
import { runSentence } from '../../renderer/lib/studies/resume-words.js';
import { parseStudyRoute, studyHref, type StudyRoute } from '../../renderer/lib/studies/study-route.js';
import { samek2017 } from '../../main/study/templates/samek2017.js';
import { ts2018 } from '../../main/study/templates/ts2018.js';

describe('study routes', () => {
  it('reads every place of the Studies view from the address and writes the same address back', () => {
    const cases: [string, StudyRoute][] = [
      ['#/studies', { page: 'list' }],
      ['#/studies/new', { page: 'new' }],
      ['#/studies/new/plan', { page: 'plan' }],
      ['#/studies/new/plan?models=4,2', { page: 'plan', modelIds: [4, 2] }],
      ['#/studies/new/plan?template=samek2017&size=full', { page: 'plan', template: { id: 'samek2017', size: 'full' } }],
      ['#/studies/12', { page: 'study', id: 12 }],
    ];
    for (const [hash, route] of cases) {
      expect(parseStudyRoute(hash)).toEqual(route);
      expect(studyHref(route)).toBe(hash);
    }
  });

  it('falls back to the list for an address it cannot read, and drops a models list with a bad id', () => {
    expect(parseStudyRoute('#/studies/0')).toEqual({ page: 'list' });
    expect(parseStudyRoute('#/studies/x')).toEqual({ page: 'list' });
    expect(parseStudyRoute('#/studies/new/plan?models=3,x')).toEqual({ page: 'plan' });
    expect(parseStudyRoute('#/studies/new/plan?template=ts2018&size=huge')).toEqual({ page: 'plan', template: { id: 'ts2018', size: 'small' } });
  });
});

describe('where a plan problem belongs', () => {
  it('finds the part of the form a refusal names, by the place the sentence starts with', () => {
    expect(problemPlace('Study plan: datasets[0].models[1] (lenet5): the layers shrink the 16×16 input to nothing.')).toEqual({ section: 'datasets', dataset: 0, model: 1 });
    expect(problemPlace('Study plan: datasets[2].params.size is 300; it must be at most 256.')).toEqual({ section: 'datasets', dataset: 2 });
    expect(problemPlace('Study plan: methods[2] "lrp-epsilon" has epsilon -1; it must be at least 0.')).toEqual({ section: 'methods', index: 2 });
    expect(problemPlace('Study plan: metrics[0] "pointing-game" needs a ground truth; add one to groundTruths.')).toEqual({ section: 'metrics', index: 0 });
    expect(problemPlace('Study plan: groundTruths[1] repeats groundTruths[0].')).toEqual({ section: 'groundTruths', index: 1 });
    expect(problemPlace('Study plan: images.label is 4, but datasets[0] has 2 classes (0–1).')).toEqual({ section: 'images' });
    expect(problemPlace('Study plan: target.class is 9, but datasets[0] has 2 classes (0–1).')).toEqual({ section: 'settings' });
    expect(problemPlace('Study plan: name is missing.')).toEqual({ section: 'about' });
    expect(problemPlace('Something else went wrong.')).toEqual({ section: 'settings' });
  });

  it('places a dataset problem at the dataset, and a model problem only at that model', () => {
    const model = problemPlace('Study plan: datasets[1].models[0] is model 3, which reads 3×32×32 images; the dataset\'s are 1×32×32.');
    expect(isAt(model, 'datasets', 1, 0)).toBe(true);
    expect(isAt(model, 'datasets', 1)).toBe(false);
    expect(isAt(model, 'datasets', 0, 0)).toBe(false);
    const dataset = problemPlace('Study plan: datasets[1]: there is no dataset 9.');
    expect(isAt(dataset, 'datasets', 1)).toBe(true);
    expect(isAt(dataset, 'datasets', 1, 0)).toBe(false);
    expect(isAt(problemPlace('Study plan: methods[0] "x" is not an explanation method.'), 'methods')).toBe(true);
  });
});

const member = (slot: string, kind: StudyMember['kind'], id: number): StudyMember => ({ slot, kind, id, stepKey: `${slot}-key`, origin: 'created' });

describe('links to what a study holds', () => {
  it('groups the members by dataset and model, in the plan’s method order, and offers model comparisons per ground truth', () => {
    const members = [
      member('datasets[0]', 'dataset', 7),
      member('datasets[0].models[0]', 'model', 11),
      member('datasets[0].models[1]', 'model', 12),
      member('datasets[0].models[0].explain.methods[1]', 'run', 31),
      member('datasets[0].models[0].explain.methods[0]', 'run', 30),
      member('datasets[0].models[1].explain.methods[0]', 'run', 40),
      member('datasets[0].models[1].explain.methods[1]', 'run', 41),
      member('datasets[0].models[0].evaluations[0]', 'evaluation', 50),
      member('datasets[0].models[0].evaluations[1]', 'evaluation', 51),
      member('datasets[0].models[1].evaluations[0]', 'evaluation', 52),
      member('datasets[1]', 'dataset', 8),
    ];
    const [first, second] = memberLinks(members, [{ models: 2 }, { models: 1 }]);
    expect(first).toEqual({
      slot: 'datasets[0]',
      datasetId: 7,
      models: [
        { slot: 'datasets[0].models[0]', modelId: 11, runIds: [30, 31], evaluationIds: [50, 51] },
        { slot: 'datasets[0].models[1]', modelId: 12, runIds: [40, 41], evaluationIds: [52] },
      ],
      sideBySide: [30, 31, 40, 41],
      // Only the first ground truth was scored for both models so far.
      comparisons: [{ place: 0, evaluationIds: [50, 52] }],
    });
    expect(second).toEqual({ slot: 'datasets[1]', datasetId: 8, models: [{ slot: 'datasets[1].models[0]', modelId: null, runIds: [], evaluationIds: [] }], sideBySide: null, comparisons: [] });
  });
});

const step = (slot: string, kind: StudyStep['kind'], label: string, state: StudyStep['state'], members: StudyMember[] = []): StudyStep => ({ slot, kind, label, state, members });

describe('what running a study again does', () => {
  const plan = { methods: [{ id: 'gradient', params: {} }, { id: 'rise', params: {} }, { id: 'lime', params: {} }] } as unknown as Study['plan'];
  const pipeline = (explain: StudyStep['state'], runs: number, evaluate: StudyStep['state']): StudyStep[] => [
    step('datasets[0]', 'dataset.generate', 'Generate Triangles & Squares (240 images, seed 1)', 'done'),
    step('datasets[0].models[0]', 'model.train', 'Train tiny-cnn on datasets[0] (1 epoch, seed 1)', 'done'),
    step('datasets[0].models[0].explain', 'explain', 'Explain datasets[0].models[0] with 3 methods on 24 random test images', explain, Array.from({ length: runs }, (_, k) => member(`datasets[0].models[0].explain.methods[${k}]`, 'run', k + 1))),
    step('datasets[0].models[0].evaluations[0]', 'evaluate', 'Evaluate datasets[0].models[0]: sparseness; no ground truth', evaluate),
  ];

  it('names the steps it skips and the methods an interrupted explanation still has to run', () => {
    expect(runSentence({ status: 'cancelled', plan, pipeline: pipeline('pending', 1, 'pending') })).toBe(
      'Skips the 2 steps already done (Generate Triangles & Squares; Train tiny-cnn on datasets[0]); Explain datasets[0].models[0] resumes with the 2 methods not yet run; runs the 2 steps left.',
    );
    expect(runSentence({ status: 'interrupted', plan, pipeline: pipeline('pending', 0, 'pending') })).toBe(
      'Skips the 2 steps already done (Generate Triangles & Squares; Train tiny-cnn on datasets[0]); runs the 2 steps left.',
    );
  });

  it('says a new study runs every step, and a finished one changes nothing', () => {
    const fresh = pipeline('pending', 0, 'pending').map((s) => ({ ...s, state: 'pending' as const }));
    expect(runSentence({ status: 'new', plan, pipeline: fresh })).toMatch(/^Runs the 4 steps in order; a step whose result the catalogue already holds/);
    expect(runSentence({ status: 'done', plan, pipeline: pipeline('done', 3, 'done') })).toMatch(/^Every step is done: running again finds each result in the catalogue/);
  });
});

describe('a plan in words', () => {
  it('lists only the parameters that differ from their defaults', () => {
    expect(changedParams({ epsilon: 0.01, stabiliser: 'sign' }, { epsilon: 1e-6, stabiliser: 'sign' }, (k) => k)).toEqual(['epsilon 0.01']);
    expect(changedParams({ a: 1 }, { a: 1 })).toEqual([]);
  });

  it('describes the Samek template’s dataset, model, images and size', () => {
    const plan = samek2017.plans.small;
    const [dataset] = datasetsWords(plan as Parameters<typeof datasetsWords>[0]);
    expect(dataset!.title).toBe('datasets[0]: Triangles & Squares, generated');
    expect(dataset!.facts).toEqual(['Images 2,000', 'seed 1']);
    expect(dataset!.models[0]!.title).toMatch(/^datasets\[0\]\.models\[0\]: LeNet-5/);
    expect(dataset!.models[0]!.facts[0]).toBe('3 epochs');
    expect(imagesWords(plan.images)).toBe('100 random images of the test split (selection seed 1), the same on every dataset.');
    expect(sizeWords(plan)).toBe('2,000 images generated · 1 model, 3 epochs · 100 images explained with 5 methods · 1 metric');
    expect(sizeWords(ts2018.plans.full as StudyPlanInput)).toBe('100,000 + 100,000 images generated · 2 models, 10 epochs · 5,000 images explained with 4 methods · 3 metrics');
  });

  it('names each kind of ground truth', () => {
    expect(groundTruthWords({ kind: 'generated', mask: 'corners' })).toMatch(/^the generated corners masks \(/);
    expect(groundTruthWords({ kind: 'imported' })).toBe('the masks imported with the dataset');
    expect(groundTruthWords({ kind: 'set', id: 4, label: 2 })).toBe('annotation set 4, label 2');
  });
});
