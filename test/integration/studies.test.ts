// Studies end to end through the API on fresh workspaces with the real compute host: one tiny
// study file run in two workspaces gives the very same scores; a study cancelled during its
// explanation step and run again skips what it had (no new dataset or model rows, no run twice)
// and ends with the scores of an uninterrupted run; a second study of the same plan reuses every
// result; deleting a study keeps shared results unless asked, and then only what nothing else uses;
// a study left running by a process that is gone shows as interrupted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import { connectWebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { startServer } from '../../main/app/serve.js';
import type { ExplainProgressDetail } from '../../shared/explanations.js';
import type { Study, StudyPlanInput } from '../../shared/studies.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { StudiesRepository } from '../../main/catalogue/studies-repository.js';
import { pytorchMadeCnn } from '../fixtures/foreign-onnx.js';
import { pngFile, writeFile } from '../fixtures/import-fixtures.js';
import { failure, ok } from '../fixtures/results.js';

/** Three methods, two metrics (one against a generated mask), a handful of images: seconds, not minutes. */
const tinyPlan: StudyPlanInput = {
  name: 'Tiny study',
  question: 'Does the gradient find the shape better than LRP ε and a random map?',
  datasets: [
    {
      kind: 'generate',
      generator: 'triangles-squares',
      params: { count: 160, size: 16, minContrast: 0.3 },
      seed: 3,
      models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'tiny-cnn' }, training: { epochs: 1, batchSize: 32, learningRate: 0.003, seed: 2 } }],
    },
  ],
  methods: [{ id: 'gradient' }, { id: 'lrp-epsilon', params: { epsilon: 0.01 } }, { id: 'random' }],
  images: { split: 'test', n: 6, seed: 4 },
  groundTruths: [{ kind: 'generated', mask: 'object' }],
  metrics: [{ id: 'relevance-mass-accuracy' }, { id: 'region-perturbation', params: { regionSize: 4, steps: 3 } }],
  seed: 5,
  resamples: 200,
};

const opened: { heatlab: Heatlab; dir: string }[] = [];

function open(dir = mkdtempSync(join(tmpdir(), 'heatlab-study-'))): { heatlab: Heatlab; api: Api; dir: string } {
  const heatlab = openHeatlab({ workspaceDir: dir, mode: 'cli' });
  opened.push({ heatlab, dir });
  return { heatlab, api: createInProcessApi(heatlab.router, heatlab.events), dir };
}

afterAll(async () => {
  for (const { heatlab } of opened) await heatlab.close();
  for (const { dir } of new Set(opened.map((o) => ({ dir: o.dir })))) rmSync(dir, { recursive: true, force: true });
});

async function runToEnd(api: Api, heatlab: Heatlab, id: number): Promise<Study> {
  ok(await api['studies.run']({ id }));
  const study = await heatlab.studies.waitFor(id);
  expect(study.error?.message ?? null).toBeNull();
  expect(study.status).toBe('done');
  return study;
}

/** Every score and summary of each evaluation the study made, in plan order. */
async function scoresOf(api: Api, study: Study): Promise<unknown[]> {
  const evaluations = study.members.filter((m) => m.kind === 'evaluation').sort((a, b) => a.slot.localeCompare(b.slot));
  expect(evaluations).toHaveLength(1);
  return Promise.all(
    evaluations.map(async (m) => {
      const e = ok(await api['evaluations.get']({ id: m.id }));
      const s = ok(await api['evaluations.scores']({ id: m.id }));
      return { table: e.table, rankings: e.rankings, metrics: e.metricDetails.map((d) => [d.id, d.params]), columns: e.columns.map((c) => c.method), scores: Array.from(s.scores), indices: Array.from(s.indices) };
    }),
  );
}

const counts = async (api: Api) => ({
  datasets: ok(await api['datasets.list']({})).length,
  models: ok(await api['models.list']({})).length,
  runs: ok(await api['explanations.list']({})).length,
  evaluations: ok(await api['evaluations.list']({})).length,
});

let reference: unknown[];
let firstWorkspace: { heatlab: Heatlab; api: Api; dir: string };

describe('studies', () => {
  it('gives the very same scores for the same study file in two fresh workspaces', async () => {
    const first = open();
    const study = ok(await first.api['studies.create']({ plan: tinyPlan as Record<string, unknown> }));
    expect(study.pipeline.map((s) => s.kind)).toEqual(['dataset.generate', 'model.train', 'explain', 'evaluate']);
    const progress: number[] = [];
    first.api.on('study.progress', (p) => progress.push(p.fraction));
    const done = await runToEnd(first.api, first.heatlab, study.id);
    expect(done.steps).toEqual({ done: 4, total: 4 });
    expect(ok(await first.api['studies.list']({})).map((s) => s.counts)).toEqual([{ dataset: 1, model: 1, run: 3, evaluation: 1 }]);
    expect(done.pipeline.every((s) => s.state === 'done')).toBe(true);
    expect(done.members.filter((m) => m.kind === 'run').map((m) => m.slot)).toEqual([0, 1, 2].map((k) => `datasets[0].models[0].explain.methods[${k}]`));
    // Progress of the whole only grows, and ends at 1 with the study done.
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((f, k) => k === 0 || f >= progress[k - 1]! - 1e-12)).toBe(true);
    reference = await scoresOf(first.api, done);
    firstWorkspace = first;

    const second = open();
    const again = ok(await second.api['studies.create']({ plan: tinyPlan as Record<string, unknown> }));
    expect(await scoresOf(second.api, await runToEnd(second.api, second.heatlab, again.id))).toEqual(reference);
  });

  it('resumes a study cancelled during its explanation step: finished steps are skipped and the result equals an uninterrupted run', async () => {
    const { heatlab, api } = open();
    const study = ok(await api['studies.create']({ plan: tinyPlan as Record<string, unknown> }));
    // Cancel once the explanation job has recorded its first method's run: the methods done by then are kept.
    const off = api.on('job.progress', ({ kind, progress }) => {
      if (kind === 'explain.run' && ((progress.detail as ExplainProgressDetail | undefined)?.runIds.length ?? 0) > 0) void api['studies.cancel']({ id: study.id });
    });
    ok(await api['studies.run']({ id: study.id }));
    const cancelled = await heatlab.studies.waitFor(study.id);
    off();
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.error?.code).toBe('cancelled');
    expect(cancelled.pipeline.map((s) => s.state).slice(0, 2)).toEqual(['done', 'done']);
    expect(cancelled.pipeline.at(-1)!.state).toBe('pending');
    const before = await counts(api);
    expect(before).toMatchObject({ datasets: 1, models: 1, evaluations: 0 });
    // Whatever methods finished before the cancel are the study's already.
    expect(cancelled.members.filter((m) => m.kind === 'run')).toHaveLength(before.runs);

    const resumed = await runToEnd(api, heatlab, study.id);
    expect(await counts(api)).toEqual({ datasets: 1, models: 1, runs: 3, evaluations: 1 });
    expect(resumed.members.filter((m) => m.kind !== 'evaluation').map((m) => [m.slot, m.id])).toEqual(
      expect.arrayContaining(cancelled.members.map((m) => [m.slot, m.id])),
    );
    expect(await scoresOf(api, resumed)).toEqual(reference);
    expect(failure(await api['studies.cancel']({ id: study.id }))).toBe(`Study ${study.id} is not running (done).`);
  });

  it('reuses every result for a second study of the same plan, and deletes results only when asked and only what nothing else uses', async () => {
    const { heatlab, api } = open();
    const a = ok(await api['studies.create']({ plan: tinyPlan as Record<string, unknown>, name: 'A' }));
    await runToEnd(api, heatlab, a.id);
    const jobs = ok(await api['jobs.list']({})).length;
    const b = ok(await api['studies.create']({ plan: tinyPlan as Record<string, unknown>, name: 'B' }));
    const bDone = await runToEnd(api, heatlab, b.id);
    expect(ok(await api['jobs.list']({}))).toHaveLength(jobs);
    expect(bDone.members.map((m) => [m.slot, m.kind, m.id])).toEqual(ok(await api['studies.get']({ id: a.id })).members.map((m) => [m.slot, m.kind, m.id]));
    expect(ok(await api['studies.list']({})).map((s) => [s.name, s.status])).toEqual([
      ['B', 'done'],
      ['A', 'done'],
    ]);

    // A's results are B's too: deleting A with its results keeps them all.
    const first = ok(await api['studies.delete']({ id: a.id, withResults: true }));
    expect(first.removed).toEqual([]);
    expect(first.kept.map((k) => k.reason)).toEqual(Array(6).fill(`study ${b.id} uses it too`));
    expect(await counts(api)).toEqual({ datasets: 1, models: 1, runs: 3, evaluations: 1 });
    // Without being asked, deleting B leaves its results; with it, they go (the run an outside evaluation scores stays).
    const runs = ok(await api['explanations.list']({}));
    const outside = await heatlab.jobs.waitFor(
      ok(await api['evaluate.start']({ runIds: [runs.find((r) => r.method === 'gradient')!.id], metrics: [{ id: 'sparseness' }], resamples: 100 })).id,
    );
    expect(outside.status).toBe('done');
    const second = ok(await api['studies.delete']({ id: b.id, withResults: true }));
    expect(second.kept).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'run', reason: `evaluation ${(outside.result as { evaluationId: number }).evaluationId} scores it` }),
        expect.objectContaining({ kind: 'model' }),
        expect.objectContaining({ kind: 'dataset' }),
      ]),
    );
    expect(second.removed.map((r) => r.kind).sort()).toEqual(['evaluation', 'run', 'run']);
    expect(await counts(api)).toEqual({ datasets: 1, models: 1, runs: 1, evaluations: 1 });
    expect(ok(await api['studies.list']({}))).toEqual([]);
    expect(failure(await api['studies.get']({ id: b.id }))).toBe(`There is no study ${b.id}.`);
  });

  it('shows a study left running by a process that is gone as interrupted, and resumes it', async () => {
    const first = open();
    const study = ok(await first.api['studies.create']({ plan: { ...tinyPlan, name: 'Crashed' } as Record<string, unknown> }));
    await first.heatlab.close();
    // Mark it running for a process that has ended, as a crash or a kill would leave it.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const reopened = open(first.dir);
    new StudiesRepository(reopened.heatlab.workspace.catalogue.db).start(study.id, dead);
    await reopened.heatlab.close();
    const after = open(first.dir);
    const interrupted = ok(await after.api['studies.get']({ id: study.id }));
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error?.message).toBe('Heatlab stopped while this study was running; run it again to resume it.');
    expect(await scoresOf(after.api, await runToEnd(after.api, after.heatlab, study.id))).toEqual(reference);
  });

  it('is made, run and followed over browser mode’s WebSocket as in-process: a study of the same plan finds every result already there', async () => {
    const { heatlab, api: local, dir } = firstWorkspace;
    const renderer = join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    const server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir: renderer });
    const remote = await connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, WebSocket as unknown as WebSocketConstructor);
    try {
      expect(ok(await remote['studies.templates']({})).map((t) => t.id)).toEqual(ok(await local['studies.templates']({})).map((t) => t.id));
      const study = ok(await remote['studies.create']({ plan: tinyPlan as Record<string, unknown>, name: 'Over the socket' }));
      const ended = new Promise<string>((resolve) => remote.on('study.progress', (p) => p.studyId === study.id && p.status !== 'running' && resolve(p.status)));
      expect(ok(await remote['studies.run']({ id: study.id })).status).toBe('running');
      expect(await ended).toBe('done');
      const done = ok(await remote['studies.get']({ id: study.id }));
      expect(done.members.every((m) => m.origin === 'created')).toBe(true);
      expect(await scoresOf(remote, done)).toEqual(reference);
    } finally {
      remote.close();
      await server.close();
    }
  });

  it('runs on your own data: an imported folder with its masks as the ground truth, a model trained on it and an imported ONNX model', async () => {
    const { heatlab, api, dir } = open();
    // Two classes of 32×32 grey images, a bright 8×8 square on a dark ground (its mask) or a dark ground only.
    for (let k = 0; k < 40; k++) {
      const bright = k % 2 === 0;
      const [x, y] = [(k * 7) % 24, (k * 11) % 24];
      const inside = (r: number, c: number) => bright && r >= y && r < y + 8 && c >= x && c < x + 8;
      const rows = (value: (r: number, c: number) => number) => Array.from({ length: 32 }, (_, r) => Array.from({ length: 32 }, (_, c) => value(r, c)));
      const name = `${bright ? 'square' : 'plain'}/${k}.png`;
      writeFile(join(dir, 'images', name), pngFile({ width: 32, height: 32, depth: 8, colourType: 0, rows: rows((r, c) => (inside(r, c) ? 220 : 20 + ((r * c + k) % 9))) }));
      writeFile(join(dir, 'masks', name), pngFile({ width: 32, height: 32, depth: 8, colourType: 0, rows: rows((r, c) => (inside(r, c) ? 1 : 0)) }));
    }
    writeFileSync(join(dir, 'net.onnx'), pytorchMadeCnn().bytes);
    const plan = {
      name: 'Own data',
      datasets: [
        {
          kind: 'import',
          path: join(dir, 'images'),
          masksPath: join(dir, 'masks'),
          models: [{ kind: 'train', training: { epochs: 1, batchSize: 16, seed: 1 } }, { kind: 'onnx', path: join(dir, 'net.onnx'), name: 'PyTorch net' }],
        },
      ],
      methods: [{ id: 'gradient' }, { id: 'random' }],
      images: { split: 'all', pick: 'first', n: 4 },
      groundTruths: [{ kind: 'imported' }],
      metrics: [{ id: 'relevance-mass-accuracy' }],
      resamples: 100,
    };
    const study = ok(await api['studies.create']({ plan }));
    expect(study.pipeline.map((s) => s.kind)).toEqual(['dataset.import', 'model.train', 'model.import', 'explain', 'explain', 'evaluate', 'evaluate']);
    const done = await runToEnd(api, heatlab, study.id);
    const datasetId = done.members.find((m) => m.kind === 'dataset')!.id;
    const masks = ok(await api['annotations.list']({ datasetId })).find((s) => s.source === 'imported')!;
    const evaluations = await Promise.all(done.members.filter((m) => m.kind === 'evaluation').map(async (m) => ok(await api['evaluations.get']({ id: m.id }))));
    expect(evaluations.map((e) => e.groundTruth)).toEqual([
      { kind: 'set', id: masks.id },
      { kind: 'set', id: masks.id },
    ]);
    expect(ok(await api['models.get']({ id: done.members.find((m) => m.slot === 'datasets[0].models[1]')!.id })).source).toBe('imported');
    // Run again: the import, both models and every run and evaluation are found; no job is submitted.
    const jobs = ok(await api['jobs.list']({})).length;
    await runToEnd(api, heatlab, study.id);
    expect(ok(await api['jobs.list']({}))).toHaveLength(jobs);
    // Without the study, its results are the catalogue's; a new study finds each by the parameters it recorded.
    ok(await api['studies.delete']({ id: study.id }));
    const again = await runToEnd(api, heatlab, ok(await api['studies.create']({ plan })).id);
    expect(ok(await api['jobs.list']({}))).toHaveLength(jobs);
    expect(again.members.map((m) => [m.slot, m.id, m.origin])).toEqual(done.members.map((m) => [m.slot, m.id, 'found']));
  });

  it('refuses a bad plan with one sentence and stores nothing', async () => {
    const { api } = open();
    const bad = { ...tinyPlan, methods: [{ id: 'gradient' }, { id: 'lrp-epsilon', params: { epsilon: -1 } }] };
    expect(failure(await api['studies.create']({ plan: bad as Record<string, unknown> }))).toBe('Study plan: methods[1] "lrp-epsilon" has epsilon -1; it must be at least 0.');
    expect(ok(await api['studies.validate']({ plan: bad as Record<string, unknown> }))).toEqual({
      valid: false,
      problem: 'Study plan: methods[1] "lrp-epsilon" has epsilon -1; it must be at least 0.',
      plan: null,
      steps: [],
    });
    expect(ok(await api['studies.list']({}))).toEqual([]);
    expect(failure(await api['studies.create']({}))).toMatch(/^Invalid studies\.create request: field "plan" is invalid: give a template or a plan/);
  });
});
