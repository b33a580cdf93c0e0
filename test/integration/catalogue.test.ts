// The catalogue as a lab notebook, through the API on a temporary workspace with a real chain of
// work: dataset → model → explanation runs → evaluation, an annotation set on the dataset, and a
// second dataset nothing uses. Oracles: the provenance is what this test made (not what the query
// says), the unreferenced set is the leaves the test knows it left, and disk use is the bytes found
// by walking the folders here with lstat.
import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { CatalogueEntity, CatalogueKind, CatalogueRef } from '../../shared/catalogue.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { ownStderr, runCli } from '../fixtures/cli-runner.js';
import { ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
const made = { dataset: 0, spare: 0, model: 0, gradient: 0, random: 0, set: 0, evaluation: 0 };

/** Bytes and number of files at or under a path, by lstat: the test's own count. */
function walk(path: string): { bytes: number; files: number } {
  if (!existsSync(path)) return { bytes: 0, files: 0 };
  const stats = lstatSync(path);
  if (!stats.isDirectory()) return { bytes: stats.size, files: 1 };
  return readdirSync(path)
    .map((entry) => walk(join(path, entry)))
    .reduce((a, b) => ({ bytes: a.bytes + b.bytes, files: a.files + b.files }), { bytes: 0, files: 0 });
}

const key = (r: CatalogueRef) => `${r.kind}:${r.id}`;
const refsOf = (list: readonly CatalogueRef[]) => list.map(key).sort();
const ref = (kind: CatalogueKind, id: number) => key({ kind, id });

async function entities(request: Parameters<Api['catalogue.entities']>[0] = {}): Promise<Map<string, CatalogueEntity>> {
  return new Map(ok(await api['catalogue.entities'](request)).map((e) => [key(e), e]));
}

async function done<T>(job: { id: number }): Promise<T> {
  const finished = await heatlab.jobs.waitFor(job.id);
  expect(finished.status, finished.error?.message).toBe('done');
  return finished.result as T;
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-catalogue-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  made.dataset = (await done<{ datasetId: number }>(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 200, seed: 3 }, name: 'provenance data' })))).datasetId;
  made.spare = (await done<{ datasetId: number }>(ok(await api['datasets.generate']({ generator: 'counting-circles', params: { count: 60, seed: 4 }, name: 'spare circles' })))).datasetId;
  made.model = (await done<{ modelId: number }>(ok(await api['models.train']({ datasetId: made.dataset, name: 'provenance model', training: { epochs: 1, learningRate: 0.003, seed: 11 } })))).modelId;
  const explained = await done<{ runIds: number[] }>(
    ok(await api['explain.start']({ modelId: made.model, datasetId: made.dataset, images: { split: 'test', pick: 'first', n: 6 }, methods: [{ id: 'gradient' }, { id: 'random' }], seed: 7 })),
  );
  [made.gradient, made.random] = explained.runIds as [number, number];
  made.set = ok(await api['annotations.create']({ datasetId: made.dataset, name: 'corners by hand', annotator: 'Ada', labels: ['corner'] })).id;
  made.evaluation = (
    await done<{ evaluationId: number }>(ok(await api['evaluate.start']({ runIds: [made.gradient], metrics: [{ id: 'sparseness' }], resamples: 100, seed: 5, name: 'sparseness of gradient' })))
  ).evaluationId;
}, 240_000);

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('the catalogue', () => {
  it('lists every entity with what it was made from and what was made from it', async () => {
    const all = await entities();
    expect([...all.keys()].sort()).toEqual(
      [ref('dataset', made.dataset), ref('dataset', made.spare), ref('model', made.model), ref('run', made.gradient), ref('run', made.random), ref('annotationSet', made.set), ref('evaluation', made.evaluation)].sort(),
    );
    const at = (kind: CatalogueKind, id: number) => all.get(ref(kind, id))!;
    expect(refsOf(at('dataset', made.dataset).parents)).toEqual([]);
    expect(refsOf(at('dataset', made.dataset).children)).toEqual([ref('annotationSet', made.set), ref('model', made.model), ref('run', made.gradient), ref('run', made.random)].sort());
    expect(at('model', made.model).parents).toEqual([{ kind: 'dataset', id: made.dataset, name: 'provenance data', role: 'trained on' }]);
    expect(refsOf(at('model', made.model).children)).toEqual([ref('run', made.gradient), ref('run', made.random)].sort());
    expect(refsOf(at('run', made.gradient).parents)).toEqual([ref('dataset', made.dataset), ref('model', made.model)].sort());
    expect(at('run', made.gradient).children).toEqual([{ kind: 'evaluation', id: made.evaluation, name: 'sparseness of gradient', role: 'scores' }]);
    expect(at('annotationSet', made.set).parents).toEqual([{ kind: 'dataset', id: made.dataset, name: 'provenance data', role: 'drawn on' }]);
    expect(refsOf(at('evaluation', made.evaluation).parents)).toEqual([ref('run', made.gradient)]);
    expect(at('evaluation', made.evaluation).children).toEqual([]);
    // Newest first.
    const dates = [...all.values()].map((e) => e.createdAt);
    expect(dates).toEqual(dates.toSorted().reverse());
  });

  it('calls exactly the entities nothing references unreferenced: the spare dataset, the run no evaluation uses, the annotation set and the evaluation', async () => {
    const leaves = await entities({ unreferenced: true });
    expect([...leaves.keys()].sort()).toEqual([ref('dataset', made.spare), ref('run', made.random), ref('annotationSet', made.set), ref('evaluation', made.evaluation)].sort());
    for (const e of (await entities()).values()) expect(e.unreferenced).toBe(e.children.length === 0);
  });

  it('records the seeds, the Heatlab version and the engine the rows hold, and says nothing for what an annotation set does not record', async () => {
    const all = await entities();
    const { version } = ok(await api['app.info']({}));
    const model = all.get(ref('model', made.model))!;
    const stored = ok(await api['models.get']({ id: made.model }));
    expect(all.get(ref('dataset', made.dataset))!.seed).toBe('3');
    expect(model.seed).toBe('11');
    expect(model.engine).toBe(`tfjs ${stored.backend}`);
    expect(model.outcome).toMatch(/^test accuracy \d+(\.\d)? %$/);
    expect(model.params).toContainEqual({ key: 'Training › Learning rate', value: '0.003' });
    const run = ok(await api['explanations.get']({ id: made.gradient }));
    expect(all.get(ref('run', made.gradient))!.engine).toBe(`ONNX Runtime ${run.engine.ort}, ${run.engine.threads} thread${run.engine.threads === 1 ? '' : 's'}`);
    expect(all.get(ref('run', made.gradient))!.seed).toBe('7');
    expect(all.get(ref('evaluation', made.evaluation))!.seed).toBe('5');
    for (const kind of ['dataset', 'model', 'run', 'evaluation'] as const) for (const e of all.values()) if (e.kind === kind) expect(e.heatlabVersion).toBe(version);
    const set = all.get(ref('annotationSet', made.set))!;
    expect([set.heatlabVersion, set.engine, set.seed]).toEqual([null, null, null]);
  });

  it('finds entities by every word of a search over names, kinds and parameters, and narrows by kind', async () => {
    expect([...(await entities({ search: 'LEARNING RATE 0.003' })).keys()]).toEqual([ref('model', made.model)]);
    expect([...(await entities({ search: 'spare circles' })).keys()]).toEqual([ref('dataset', made.spare)]);
    expect([...(await entities({ search: 'annotation set ada' })).keys()]).toEqual([ref('annotationSet', made.set)]);
    expect([...(await entities({ search: 'circles triangles' })).keys()]).toEqual([]);
    expect([...(await entities({ kinds: ['run'] })).keys()].sort()).toEqual([ref('run', made.gradient), ref('run', made.random)].sort());
    expect([...(await entities({ kinds: ['run'], unreferenced: true })).keys()]).toEqual([ref('run', made.random)]);
  });

  it('measures each entity as the bytes of its files on disk, and the workspace as every file in its folder', async () => {
    const first = ok(await api['catalogue.diskUse']({}));
    const folders: Record<string, string> = {
      [ref('dataset', made.dataset)]: join('data', 'datasets', String(made.dataset)),
      [ref('dataset', made.spare)]: join('data', 'datasets', String(made.spare)),
      [ref('model', made.model)]: join('data', 'models', String(made.model)),
      [ref('run', made.gradient)]: join('data', 'explanations', String(made.gradient)),
      [ref('run', made.random)]: join('data', 'explanations', String(made.random)),
      [ref('evaluation', made.evaluation)]: join('data', 'evaluations', String(made.evaluation)),
    };
    for (const [k, folder] of Object.entries(folders)) {
      const measured = first.entities.find((e) => key(e) === k)!;
      const walked = walk(join(workspace, folder));
      expect(walked.bytes).toBeGreaterThan(0);
      expect({ bytes: measured.bytes, files: measured.files }, k).toEqual(walked);
    }
    // A drawn annotation set has no files: its saved masks are rows in the catalogue.
    const mask = new Uint8Array(32 * 32).fill(1);
    ok(await api['annotations.save']({ id: made.set, index: 0, mask }));
    const second = ok(await api['catalogue.diskUse']({}));
    const set = second.entities.find((e) => key(e) === ref('annotationSet', made.set))!;
    expect([set.bytes, set.files]).toEqual([0, 0]);
    expect(set.inCatalogue).toBeGreaterThan(0);
    for (const kind of second.kinds) {
      const of = second.entities.filter((e) => e.kind === kind.kind);
      expect([kind.count, kind.bytes]).toEqual([of.length, of.reduce((s, e) => s + e.bytes, 0)]);
    }
    expect(second.stray).toEqual([]);
    expect(second.total).toEqual(walk(workspace));

    // A folder without a row and a staging folder of a job that is gone are left over, and counted.
    mkdirSync(join(workspace, 'data', 'models', '999'));
    writeFileSync(join(workspace, 'data', 'models', '999', 'weights.bin'), new Uint8Array(1000));
    mkdirSync(join(workspace, 'data', 'datasets', '.staging-job-99999'));
    writeFileSync(join(workspace, 'data', 'datasets', '.staging-job-99999', 'images.npy'), new Uint8Array(300));
    const third = ok(await api['catalogue.diskUse']({}));
    expect(third.stray.map((p) => [p.path, p.bytes, p.state]).sort()).toEqual(
      [
        [join('data', 'datasets', '.staging-job-99999'), 300, 'left-over'],
        [join('data', 'models', '999'), 1000, 'left-over'],
      ].sort(),
    );
    expect(third.total).toEqual(walk(workspace));
  });

  it('sweeps the left-over folders away, saying what it freed, and leaves every entity whole', async () => {
    const before = ok(await api['catalogue.diskUse']({}));
    const swept = ok(await api['catalogue.sweep']({}));
    expect(swept.removed.map((p) => p.path).sort()).toEqual(before.stray.filter((p) => p.state === 'left-over').map((p) => p.path).sort());
    expect(swept.bytes).toBe(1300);
    expect(existsSync(join(workspace, 'data', 'models', '999'))).toBe(false);
    const after = ok(await api['catalogue.diskUse']({}));
    expect(after.stray).toEqual([]);
    expect(after.entities).toEqual(before.entities);
  });

  it('cleans up what nothing references through each entity’s own delete: refusing one a queued job uses, keeping one something references', async () => {
    // A long benchmark holds the queue, so a training job on the spare dataset waits behind it.
    const benchmark = ok(await api['engine.check']({ seconds: 60 }));
    const training = ok(await api['models.train']({ datasetId: made.spare, training: { epochs: 1 } }));
    try {
      const refused = ok(await api['catalogue.clean']({ entities: [{ kind: 'dataset', id: made.spare }] }));
      expect(refused.deleted).toEqual([]);
      expect(refused.kept).toEqual([{ kind: 'dataset', id: made.spare, name: 'spare circles', reason: `Dataset ${made.spare} is in use by the queued training job ${training.id}; cancel it or wait.` }]);
    } finally {
      ok(await api['jobs.cancel']({ id: training.id }));
      ok(await api['jobs.cancel']({ id: benchmark.id }));
      await heatlab.jobs.waitFor(benchmark.id);
    }
    const sizes = ok(await api['catalogue.diskUse']({}));
    const gradientName = (await entities()).get(ref('run', made.gradient))!.name;
    const spareBytes = sizes.entities.find((e) => key(e) === ref('dataset', made.spare))!.bytes;
    const cleaned = ok(
      await api['catalogue.clean']({
        entities: [
          { kind: 'dataset', id: made.spare },
          { kind: 'run', id: made.random },
          { kind: 'model', id: made.model },
          { kind: 'evaluation', id: 424242 },
        ],
      }),
    );
    expect(cleaned.deleted.map(key).sort()).toEqual([ref('dataset', made.spare), ref('run', made.random)].sort());
    expect(cleaned.kept).toEqual([
      { kind: 'model', id: made.model, name: 'provenance model', reason: `Model "provenance model" is used by explanation run "${gradientName}" and 1 more, so it was kept.` },
      { kind: 'evaluation', id: 424242, name: 'Evaluation 424242', reason: 'There is no evaluation 424242 any more.' },
    ]);
    expect(cleaned.bytes).toBe(spareBytes + sizes.entities.find((e) => key(e) === ref('run', made.random))!.bytes);
    expect(existsSync(join(workspace, 'data', 'datasets', String(made.spare)))).toBe(false);
    expect(existsSync(join(workspace, 'data', 'explanations', String(made.random)))).toBe(false);
    const left = await entities();
    expect(left.has(ref('model', made.model))).toBe(true);
    expect(refsOf(left.get(ref('model', made.model))!.children)).toEqual([ref('run', made.gradient)]);
  });

  it('prints the catalogue on the command line, narrowed by kind, search and what nothing references', async () => {
    const json = await runCli(workspace, 'catalogue', '--kind', 'run,evaluation', '--json');
    expect(json.code, ownStderr(json)).toBe(0);
    const listed = JSON.parse(json.stdout) as { entities: (CatalogueEntity & { usage: { bytes: number } | null })[]; diskUse: { total: { bytes: number } } };
    expect(listed.entities.map(key).sort()).toEqual([ref('run', made.gradient), ref('evaluation', made.evaluation)].sort());
    expect(listed.entities.find((e) => e.kind === 'run')!.usage!.bytes).toBe(walk(join(workspace, 'data', 'explanations', String(made.gradient))).bytes);

    const text = await runCli(workspace, 'catalogue', '--unreferenced', '--search', 'corners');
    expect(text.code, ownStderr(text)).toBe(0);
    expect(text.stdout).toContain(`Annotation set ${made.set} "corners by hand"  [nothing references it]`);
    expect(text.stdout).toContain(`made from: dataset ${made.dataset} "provenance data" (drawn on)`);
    expect(text.stdout).toContain('Heatlab not recorded');
    expect(text.stdout).not.toContain('provenance model');

    const wrong = await runCli(workspace, 'catalogue', '--kind', 'studies');
    expect(wrong.code).toBe(2);
    expect(ownStderr(wrong)).toBe('heatlab: --kind takes dataset, model, run, annotation-set or evaluation (several separated by commas), not "studies". See `heatlab help`.');
  });
});
