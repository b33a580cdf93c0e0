// A study plan is checked as a whole, against the real method, metric and generator registries,
// before anything starts: the first problem is one sentence naming the bad part. The plan that
// comes back has every default filled in, as the study stores it.
import { describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors.js';
import type { StudyPlanInput } from '../../shared/studies.js';
import type { Router } from '../../main/api/router.js';
import { studyPorts } from '../../main/app/study-ports.js';
import type { JobService } from '../../main/jobs/job-service.js';
import { explainMethods } from '../../main/explain/methods.js';
import { validatePlan } from '../../main/study/validate-plan.js';

/** Ports over the real registries; the catalogue answers only what a test gives it. */
function portsWith(answers: Record<string, (request: unknown) => unknown> = {}) {
  const router = {
    dispatch: async (method: string, request: unknown): Promise<Result<unknown>> => {
      const answer = answers[method];
      return answer === undefined ? { ok: false, error: { code: 'not_found', message: `There is nothing behind ${method} here.` } } : { ok: true, value: answer(request) };
    },
  } as unknown as Router;
  return studyPorts(() => router, {} as JobService);
}

const tiny = (): StudyPlanInput => ({
  name: 'Tiny',
  datasets: [{ kind: 'generate', generator: 'triangles-squares', params: { count: 200 }, models: [{ kind: 'train' }] }],
  methods: [{ id: 'gradient' }, { id: 'lrp-epsilon' }],
  images: { n: 10 },
  metrics: [{ id: 'sparseness' }],
});

/** The sentence a plan is refused with. */
async function problem(plan: unknown, answers?: Record<string, (request: unknown) => unknown>): Promise<string> {
  try {
    await validatePlan(plan, portsWith(answers));
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('The plan was accepted, and it should have been refused.');
}

describe('study plan validation', () => {
  it('fills in every default: the generator’s, the training’s and each method’s and metric’s parameters', async () => {
    const plan = await validatePlan(tiny(), portsWith());
    const dataset = plan.datasets[0]!;
    expect(dataset.kind === 'generate' && dataset.params).toMatchObject({ count: 200, size: 32, radius: 0.8, antialias: false });
    expect(dataset.kind === 'generate' && 'seed' in dataset.params).toBe(false);
    expect(dataset.models[0]).toMatchObject({ kind: 'train', architecture: { kind: 'preset', preset: 'tiny-cnn' }, training: { epochs: 5, seed: 1, batchSize: 64 } });
    expect(plan.methods[1]).toEqual({ id: 'lrp-epsilon', params: explainMethods.find((m) => m.id === 'lrp-epsilon')!.params.parse({}) });
    expect(plan.images).toEqual({ split: 'test', pick: 'random', n: 10, seed: 1 });
    expect(plan).toMatchObject({ version: 1, question: '', target: 'predicted', groundTruths: [], seed: 1, resamples: 2000, level: 0.95 });
    // The stored plan is valid again as it stands (a rerun checks it once more).
    expect(await validatePlan(plan, portsWith())).toEqual(plan);
  });

  it('names a method parameter out of its range, with its value and the rule', async () => {
    const plan = { ...tiny(), methods: [{ id: 'gradient' }, { id: 'sensitivity' }, { id: 'lrp-epsilon', params: { epsilon: -1 } }] };
    expect(await problem(plan)).toBe('Study plan: methods[2] "lrp-epsilon" has epsilon -1; it must be at least 0.');
  });

  it('names an unknown method, an unknown parameter and a broken rule between parameters', async () => {
    expect(await problem({ ...tiny(), methods: [{ id: 'saliency' }] })).toMatch(/^Study plan: methods\[0\] "saliency" is not an explanation method; the methods are sensitivity, gradient, /);
    expect(await problem({ ...tiny(), methods: [{ id: 'rise', params: { mask: 10 } }] })).toMatch(/^Study plan: methods\[0\] "rise" has no parameter "mask" \(it takes .*masks/);
    expect(await problem({ ...tiny(), methods: [{ id: 'lrp-alpha-beta', params: { alpha: 3, beta: 1 } }] })).toBe('Study plan: methods[0] "lrp-alpha-beta": α − β must equal 1 (Bach et al. 2015, eq. 60).');
    expect(await problem({ ...tiny(), methods: [{ id: 'gradient' }, { id: 'gradient', params: {} }] })).toBe('Study plan: methods[1] repeats methods[0] ("gradient" with the same parameters).');
    expect(await problem({ ...tiny(), methods: [{ id: 'random' }, { id: 'gradient' }, { id: 'random', params: {} }] })).toMatch(/^Study plan: methods\[2\] repeats methods\[0\]/);
  });

  it('names a metric that is unknown, repeated, or needs a ground truth the plan lacks', async () => {
    expect(await problem({ ...tiny(), metrics: [{ id: 'aopc' }] })).toMatch(/^Study plan: metrics\[0\] "aopc" is not a metric; the metrics are region-perturbation, /);
    expect(await problem({ ...tiny(), metrics: [{ id: 'sparseness' }, { id: 'sparseness' }] })).toBe('Study plan: metrics[1] repeats metrics[0] ("sparseness"); an evaluation scores each metric once.');
    expect(await problem({ ...tiny(), metrics: [{ id: 'sparseness' }, { id: 'pointing-game' }] })).toBe(
      'Study plan: metrics[1] "pointing-game" needs a ground truth; add one to groundTruths (a generated mask kind, an annotation set, or the masks imported with the dataset).',
    );
    expect(await problem({ ...tiny(), metrics: [{ id: 'region-perturbation', params: { perturbation: 'noise' } }] })).toMatch(/^Study plan: metrics\[0\] "region-perturbation" has perturbation "noise"; it must be one of /);
  });

  it('names the plan’s own fields: missing, unknown, out of range, or not one of the kinds', async () => {
    const { images: _images, ...noImages } = tiny();
    expect(await problem(noImages)).toBe('Study plan: images is missing.');
    expect(await problem({ ...tiny(), images: { n: 10, count: 10 } })).toBe('Study plan: images.count is not a known field.');
    expect(await problem({ ...tiny(), images: { n: 0 } })).toBe('Study plan: images.n is 0; it must be at least 1.');
    expect(await problem({ ...tiny(), datasets: [{ kind: 'download', models: [] }] })).toBe('Study plan: datasets[0].kind is "download"; it must be one of "generate", "existing", "import".');
    expect(await problem([])).toBe('Study plan: a study file holds one JSON object.');
  });

  it('checks a generated dataset’s parameters with its generator, and wants the seed beside them', async () => {
    const plan = tiny();
    const withParams = (params: Record<string, unknown>) => ({ ...plan, datasets: [{ ...plan.datasets[0]!, params }] });
    expect(await problem(withParams({ count: 1 }))).toBe('Study plan: datasets[0].params.count is 1; it must be at least 2.');
    expect(await problem(withParams({ count: 100, seed: 4 }))).toBe('Study plan: datasets[0].params has a seed; give it as datasets[0].seed.');
    expect(await problem(withParams({ count: 100, colour: 'red' }))).toBe('Study plan: datasets[0].params.colour is not a known field.');
  });

  it('refuses an architecture the dataset’s images are too small for, saying the size it needs, and takes LeNet-5 on 64×64 images', async () => {
    const small = { ...tiny(), datasets: [{ kind: 'generate', generator: 'triangles-squares', params: { count: 100, size: 16 }, models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'lenet5' } }] }] };
    expect(await problem(small)).toBe(
      'Study plan: datasets[0].models[0] (lenet5): these 16×16 images are too small for LeNet-5 (Triangles & Squares study), which needs at least 32×32 pixels; choose another architecture or a custom layer list.',
    );
    const scaled = { ...tiny(), datasets: [{ kind: 'generate', generator: 'triangles-squares-scaled', params: { count: 100 }, models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'lenet5' } }] }] };
    await expect(validatePlan(scaled, portsWith())).resolves.toMatchObject({ datasets: [{ generator: 'triangles-squares-scaled' }] });
  });

  it('checks each ground truth against every dataset', async () => {
    const counting = { ...tiny(), datasets: [{ kind: 'generate', generator: 'counting-circles', params: { count: 100, size: 32 }, models: [{ kind: 'train' }] }] };
    expect(await problem({ ...counting, groundTruths: [{ kind: 'generated', mask: 'corners' }], metrics: [{ id: 'pointing-game' }] })).toBe(
      'Study plan: groundTruths[0] "corners" is not a ground truth of datasets[0] (Counting circles offers object, band, edges, instances).',
    );
    expect(await problem({ ...tiny(), groundTruths: [{ kind: 'imported' }], metrics: [{ id: 'pointing-game' }] })).toMatch(/^Study plan: groundTruths\[0\] asks for imported masks, but datasets\[0\] has none/);
    expect(await problem({ ...tiny(), groundTruths: [{ kind: 'generated', mask: 'band' }, { kind: 'generated', mask: 'band' }], metrics: [{ id: 'pointing-game' }] })).toBe(
      'Study plan: groundTruths[1] repeats groundTruths[0].',
    );
    expect(await problem({ ...tiny(), groundTruths: [{ kind: 'set', id: 4 }], metrics: [{ id: 'pointing-game' }] })).toBe('Study plan: groundTruths[0]: there is nothing behind annotations.get here.');
  });

  it('names a catalogue entity or file that is not there, and wants absolute paths', async () => {
    expect(await problem({ ...tiny(), datasets: [{ kind: 'existing', datasetId: 9, models: [{ kind: 'train' }] }] })).toBe('Study plan: datasets[0]: there is nothing behind datasets.get here.');
    expect(await problem({ ...tiny(), datasets: [{ kind: 'import', path: 'images/cells', models: [{ kind: 'train' }] }] })).toBe(
      'Study plan: datasets[0].path "images/cells" must be an absolute path (a study file\'s relative paths are resolved against its folder).',
    );
    expect(await problem({ ...tiny(), target: { class: 2 } })).toBe('Study plan: target.class is 2, but datasets[0] has 2 classes (0–1).');
  });
});
