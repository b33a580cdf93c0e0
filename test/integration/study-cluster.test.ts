// A study whose explanation and evaluation steps run on a real single-node Slurm on localhost
// (test/cluster/start-slurm.sh, started here when it is not running yet), from the command line
// with --cluster slurm --shards 2: the same heatmaps and scores, byte for byte, as the same study
// run here. Without Slurm the test fails with a sentence saying what to install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Job } from '../../shared/jobs.js';
import type { Study, StudyPlanInput } from '../../shared/studies.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { findOnPath } from '../../main/cluster/slurm.js';
import { ownStderr, runCli } from '../fixtures/cli-runner.js';
import { ok } from '../fixtures/results.js';

const plan: StudyPlanInput = {
  name: 'Cluster study',
  datasets: [
    {
      kind: 'generate',
      generator: 'triangles-squares',
      params: { count: 120, size: 16, minContrast: 0.3 },
      seed: 3,
      models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'tiny-cnn' }, training: { epochs: 1, batchSize: 32, learningRate: 0.003, seed: 2 } }],
    },
  ],
  methods: [{ id: 'gradient' }, { id: 'occlusion', params: { window: 4, stride: 4 } }],
  images: { split: 'test', n: 6, seed: 4 },
  groundTruths: [{ kind: 'generated', mask: 'object' }],
  metrics: [{ id: 'relevance-mass-accuracy' }, { id: 'region-perturbation', params: { regionSize: 4, steps: 3 } }],
  seed: 5,
  resamples: 100,
};

function ensureSlurm(): void {
  const missing = ['sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'].filter((c) => findOnPath(c) === null);
  if (missing.length > 0 || !existsSync('/usr/sbin/slurmctld') || !existsSync('/usr/sbin/munged'))
    throw new Error(`Slurm is not installed (${missing.length > 0 ? `${missing.join(', ')} not found` : 'slurmctld or munged missing'}): install it as root with \`apt-get install -y slurm-wlm munge\`, then run \`bash test/cluster/start-slurm.sh\`.`);
  execFileSync('bash', [join(__dirname, '../cluster/start-slurm.sh')], { stdio: 'pipe' });
}

const opened: { heatlab: Heatlab; dir: string }[] = [];
function open(dir: string): { heatlab: Heatlab; api: Api } {
  const heatlab = openHeatlab({ workspaceDir: dir, mode: 'cli' });
  opened.push({ heatlab, dir });
  return { heatlab, api: createInProcessApi(heatlab.router, heatlab.events) };
}

let root: string;
beforeAll(() => {
  ensureSlurm();
  root = mkdtempSync(join(tmpdir(), 'heatlab-study-cluster-'));
});

afterAll(async () => {
  for (const { heatlab } of opened) await heatlab.close();
  rmSync(root, { recursive: true, force: true });
});

/** Every heatmap checksum and every score of the study, by its place in the plan. */
async function resultsOf(api: Api, study: Study) {
  const runs = await Promise.all(study.members.filter((m) => m.kind === 'run').map(async (m) => [m.slot, ok(await api['explanations.get']({ id: m.id })).files.map((f) => [f.role, f.sha256])]));
  const evaluations = await Promise.all(
    study.members
      .filter((m) => m.kind === 'evaluation')
      .map(async (m) => {
        const e = ok(await api['evaluations.get']({ id: m.id }));
        const s = ok(await api['evaluations.scores']({ id: m.id }));
        return [m.slot, { table: e.table, rankings: e.rankings, scores: Array.from(s.scores), files: e.files.map((f) => [f.role, f.sha256]) }];
      }),
  );
  return { runs, evaluations };
}

describe('studies on a Slurm cluster', () => {
  it('runs the explanation and evaluation steps as Slurm jobs with the same heatmaps and scores as a local run', { timeout: 480_000 }, async () => {
    const local = open(join(root, 'local'));
    const here = ok(await local.api['studies.create']({ plan: plan as Record<string, unknown> }));
    ok(await local.api['studies.run']({ id: here.id }));
    const done = await local.heatlab.studies.waitFor(here.id);
    expect(done.status).toBe('done');
    const reference = await resultsOf(local.api, done);

    const workspace = join(root, 'cluster');
    const made = open(workspace);
    const study = ok(await made.api['studies.create']({ plan: plan as Record<string, unknown> }));
    await made.heatlab.close();
    const run = await runCli(workspace, 'study', 'run', String(study.id), '--cluster', 'slurm', '--shards', '2', '--json');
    expect(run.code, ownStderr(run)).toBe(0);
    expect((JSON.parse(run.stdout) as Study).status).toBe('done');

    const after = open(workspace);
    const finished = ok(await after.api['studies.get']({ id: study.id }));
    // The explanation and the evaluation went to Slurm; the dataset and the model were made here.
    const kinds = ok(await after.api['jobs.list']({})).map((j: Job) => j.kind).sort();
    expect(kinds).toEqual(['cluster.evaluate', 'cluster.explain', 'datasets.generate', 'models.train']);
    expect(await resultsOf(after.api, finished)).toEqual(reference);
  });
});
