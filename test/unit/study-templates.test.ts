// The templates are study files a scientist starts from: each validates at both sizes against the
// real registries (so every generator, architecture, method and metric id and parameter exists),
// carries its citation and where it differs from the paper, and "your data" offers every method.
import { describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors.js';
import { studySizes } from '../../shared/studies.js';
import type { Router } from '../../main/api/router.js';
import { studyPorts } from '../../main/app/study-ports.js';
import { explainMethods } from '../../main/explain/methods.js';
import { metricById } from '../../main/evaluate/registry.js';
import type { JobService } from '../../main/jobs/job-service.js';
import { studyTemplates, templatePlan } from '../../main/study/templates/index.js';
import { everyMethod, yourDataPlaceholders } from '../../main/study/templates/your-data.js';
import { validatePlan } from '../../main/study/validate-plan.js';

/** The catalogue as an import of a two-class 32×32 grey folder and a 1×32×32 ONNX model would show them (only "your data" asks). */
const catalogue: Record<string, (request: never) => unknown> = {
  'datasets.inspect': ({ path }: { path: string }) => ({
    path,
    format: 'folder',
    classes: [{ name: 'a', count: 40 }, { name: 'b', count: 40 }],
    sizes: [{ width: 32, height: 32, count: 80 }],
    channels: [1],
    bitDepths: [8],
    total: 80,
    hidden: 0,
    ignored: 0,
    passedOver: [],
    skipped: [],
    result: { dtype: 'uint8', channels: 1, reason: 'all grey', mixed: false },
    problems: [],
  }),
  'models.inspectOnnx': ({ path }: { path: string }) => ({ path, problems: [], image: { channels: 1, height: 32, width: 32 } }),
};
const router = { dispatch: async (method: string, request: unknown): Promise<Result<unknown>> => ({ ok: true, value: catalogue[method]!(request as never) }) } as unknown as Router;
const ports = studyPorts(() => router, {} as JobService);

describe('study templates', () => {
  it.each(studyTemplates.flatMap((t) => studySizes.map((size) => [t.id, size] as const)))('%s (%s) validates against the registries and names itself and its paper', async (id, size) => {
    const input = templatePlan(id, size);
    const filled = id === 'your-data' ? JSON.parse(JSON.stringify(input).replaceAll(yourDataPlaceholders.images, '/data/cells').replaceAll(yourDataPlaceholders.model, '/data/net.onnx')) : input;
    const plan = await validatePlan(filled, ports);
    expect(plan.template).toMatchObject({ id, size });
    expect(plan.template!.citation.length).toBeGreaterThan(20);
    expect(plan.methods.length).toBeGreaterThan(0);
  });

  it('are larger at full size than at small size', () => {
    for (const t of studyTemplates) expect(t.plans.full.images.n).toBeGreaterThan(t.plans.small.images.n);
  });

  it('say where they differ from the paper they reproduce', () => {
    for (const id of ['samek2017', 'ts2018', 'counting-circles']) expect(templatePlan(id, 'small').template!.differences!.length).toBeGreaterThan(0);
  });

  it('reproduce Samek et al. 2017: sensitivity, deconvnet, LRP ε and αβ and a random map, scored by MoRF region perturbation with the paper’s uniform noise', () => {
    const plan = templatePlan('samek2017', 'small');
    expect(plan.methods.map((m) => m.id)).toEqual(['sensitivity', 'deconvnet', 'lrp-epsilon', 'lrp-alpha-beta', 'random']);
    expect(plan.metrics).toEqual([{ id: 'region-perturbation', params: { perturbation: 'uniform' } }]);
    expect(plan.datasets[0]).toMatchObject({ kind: 'generate', generator: 'triangles-squares' });
  });

  it('score the Triangles & Squares study’s heatmaps against the corners, the edges and the object, on 32×32 and on 64×64 images', () => {
    const plan = templatePlan('ts2018', 'full');
    expect(plan.datasets.map((d) => d.kind === 'generate' && d.generator)).toEqual(['triangles-squares', 'triangles-squares-scaled']);
    expect(plan.groundTruths!.map((g) => g.kind === 'generated' && g.mask)).toEqual(expect.arrayContaining(['corners', 'edges', 'object']));
    for (const m of plan.metrics) expect(metricById(m.id)!.needs.mask).toBe(true);
  });

  it('offer every registered method in "your data", and only metrics that need no ground truth; its placeholders are refused by name', async () => {
    expect([...everyMethod].sort()).toEqual(explainMethods.map((m) => m.id).sort());
    const plan = templatePlan('your-data', 'small');
    for (const m of plan.metrics) expect(metricById(m.id)!.needs.mask ?? false).toBe(false);
    await expect(validatePlan(plan, ports)).rejects.toThrow(
      'Study plan: datasets[0].path is still the template\'s placeholder "/path/to/your/images"; fill in your own path (`heatlab study template your-data` writes the plan out to edit).',
    );
  });

  it('refuses a template that does not exist, naming those that do', () => {
    expect(() => templatePlan('samek2015', 'small')).toThrow('There is no study template "samek2015"; the templates are samek2017, ts2018, counting-circles, your-data.');
  });
});
