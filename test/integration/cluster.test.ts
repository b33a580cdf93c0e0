// Cluster jobs on a real single-node Slurm on localhost (test/cluster/start-slurm.sh, started here
// when it is not running yet): an explanation and an evaluation split into shards, one shard's
// process killed mid-run and retried, and the merged result compared with a local run byte for
// byte — the same catalogue rows but for ids, times and threads. Without Slurm these tests fail
// with a sentence saying what to install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { ClusterProgressDetail } from '../../shared/cluster.js';
import type { EvaluateRequest, Evaluation } from '../../shared/evaluations.js';
import type { ExplainRequest, ExplanationRun } from '../../shared/explanations.js';
import type { Job } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { isShardDone, readProgress } from '../../main/cluster/shard-files.js';
import { findOnPath } from '../../main/cluster/slurm.js';
import { readState } from '../../main/cluster/submission-state.js';
import { ok } from '../fixtures/results.js';

const SLURM_TIMEOUT = 240_000;

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let modelId: number;
let datasetId: number;

/** Starts the local Slurm if needed; says what to install when it is missing. */
function ensureSlurm(): void {
  const missing = ['sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'].filter((c) => findOnPath(c) === null);
  if (missing.length > 0 || !existsSync('/usr/sbin/slurmctld') || !existsSync('/usr/sbin/munged'))
    throw new Error(`Slurm is not installed (${missing.length > 0 ? `${missing.join(', ')} not found` : 'slurmctld or munged missing'}): install it as root with \`apt-get install -y slurm-wlm munge\`, then run \`bash test/cluster/start-slurm.sh\`.`);
  execFileSync('bash', [join(__dirname, '../cluster/start-slurm.sh')], { stdio: 'pipe' });
}

const planDirs = () => readdirSync(join(workspace, 'cluster')).filter((e) => e !== 'settings.json').map((e) => join(workspace, 'cluster', e));
const planOf = (job: Job) => (job.progress?.detail as ClusterProgressDetail | undefined)?.plan ?? planDirs().find((d) => readState(d)?.jobId === job.id)!;

/** Kills shard `index`'s process (SIGKILL, as a lost node or the OOM killer would) once it is running; returns its pid. */
async function killShardWhenRunning(jobId: number, index: number): Promise<number> {
  const deadline = Date.now() + SLURM_TIMEOUT;
  while (Date.now() < deadline) {
    for (const dir of existsSync(join(workspace, 'cluster')) ? planDirs() : []) {
      const state = readState(dir);
      const progress = readProgress(dir, index);
      if (state?.jobId === jobId && progress?.status === 'running' && progress.slurmJob === `${state.arrays[0]!.id}_${index}`) {
        process.kill(progress.pid, 'SIGKILL');
        return progress.pid;
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Shard ${index} of job ${jobId} never ran.`);
}

/** A run as the catalogue records it, less what differs between any two runs: ids, times, threads, folders. */
function comparableRun(run: ExplanationRun) {
  const { id: _id, jobId: _job, seconds: _s, imagesPerSecond: _r, createdAt: _c, engine, files, ...rest } = run;
  return { ...rest, engine: { ...engine, threads: 0 }, files: files.map(({ path: _p, ...f }) => f) };
}

function comparableEvaluation(e: Evaluation) {
  const { id: _id, jobId: _job, seconds: _s, createdAt: _c, engine, files, ...rest } = e;
  return { ...rest, engine: { ...engine, threads: 0 }, files: files.map(({ path: _p, ...f }) => f) };
}

async function runsOf(job: Job): Promise<ExplanationRun[]> {
  expect(job.status, job.error?.message).toBe('done');
  return Promise.all((job.result as { runIds: number[] }).runIds.map(async (id) => ok(await api['explanations.get']({ id }))));
}

beforeAll(async () => {
  ensureSlurm();
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-cluster-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  const data = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 400, seed: 7, minContrast: 0.3 } })).id);
  datasetId = (data.result as { datasetId: number }).datasetId;
  const trained = await heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId, training: { epochs: 1, batchSize: 32, learningRate: 0.003 } })).id);
  expect(trained.status, trained.error?.message).toBe('done');
  modelId = (trained.result as { modelId: number }).modelId;
  ok(await api['cluster.saveSettings']({ timeLimit: '10:00', memory: '', cpusPerTask: 1, retries: 2 }));
}, SLURM_TIMEOUT);

afterAll(async () => {
  await heatlab?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('cluster jobs on Slurm', () => {
  let clusterRuns: ExplanationRun[];

  it('explains in shards, retries the shard whose process was killed, and records the runs a local job records, byte for byte', async () => {
    const request: ExplainRequest = {
      modelId,
      datasetId,
      images: { split: 'all', pick: 'first', n: 320, seed: 1 },
      methods: [
        { id: 'gradient', params: {} },
        { id: 'smoothgrad', params: { samples: 8 } },
        { id: 'rise', params: { masks: 150 } },
      ],
      target: 'predicted',
      seed: 11,
    };
    const submitted = ok(await api['cluster.explain']({ ...request, shards: 2 }));
    expect(submitted.kind).toBe('cluster.explain');
    await killShardWhenRunning(submitted.id, 1);
    const job = await heatlab.jobs.waitFor(submitted.id);
    clusterRuns = await runsOf(job);
    const state = readState(planOf(job))!;
    expect(state.attempts).toEqual([1, 2]);
    expect(state.reasons[1]).toMatch(/killed by signal 9/);

    const local = await runsOf(await heatlab.jobs.waitFor(ok(await api['explain.start'](request)).id));
    expect(clusterRuns.map(comparableRun)).toEqual(local.map(comparableRun));
    expect(clusterRuns.map((r) => r.jobId)).toEqual([job.id, job.id, job.id]);
  }, SLURM_TIMEOUT);

  it('scores an evaluation in shards and records what a local evaluation records, byte for byte', async () => {
    const request: EvaluateRequest = {
      runIds: clusterRuns.map((r) => r.id),
      metrics: [
        { id: 'region-perturbation', params: { steps: 8 } },
        { id: 'pointing-game', params: {} },
        { id: 'sparseness', params: {} },
      ],
      groundTruth: { kind: 'generated', mask: 'object' },
      seed: 3,
      resamples: 200,
      level: 0.95,
    };
    const job = await heatlab.jobs.waitFor(ok(await api['cluster.evaluate']({ ...request, shards: 2 })).id);
    expect(job.status, job.error?.message).toBe('done');
    // 320 images in evaluation chunks of 256: two shards.
    expect((job.progress?.detail as ClusterProgressDetail).shards.map((s) => [s.from, s.to, s.state])).toEqual([
      [0, 256, 'done'],
      [256, 320, 'done'],
    ]);
    const cluster = ok(await api['evaluations.get']({ id: (job.result as { evaluationId: number }).evaluationId }));
    const localJob = await heatlab.jobs.waitFor(ok(await api['evaluate.start'](request)).id);
    expect(localJob.status, localJob.error?.message).toBe('done');
    const local = ok(await api['evaluations.get']({ id: (localJob.result as { evaluationId: number }).evaluationId }));
    expect(comparableEvaluation(cluster)).toEqual(comparableEvaluation(local));
  }, SLURM_TIMEOUT);

  it('fails with a sentence naming the shard and Slurm’s reason once its retries are used up, and reruns only that shard when submitted again', async () => {
    ok(await api['cluster.saveSettings']({ retries: 0 }));
    const request = { modelId, datasetId, images: { split: 'all' as const, pick: 'first' as const, n: 128, seed: 1 }, methods: [{ id: 'rise', params: { masks: 600 } }], seed: 2, shards: 2 };
    const first = ok(await api['cluster.explain'](request));
    await killShardWhenRunning(first.id, 1);
    const failed = await heatlab.jobs.waitFor(first.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/^Shard 1 \(images 64–127\) failed once: its process was killed by signal 9 \(Slurm: FAILED/);
    expect(failed.error?.message).toMatch(/Submitting the same work again reruns only the shards without a result\.$/);

    // Shard 0 was running when the job failed: it finishes, and its result is kept.
    const planDir = planOf(failed);
    for (let k = 0; k < 600 && !isShardDone(planDir, 0); k++) await new Promise((r) => setTimeout(r, 100));
    expect(isShardDone(planDir, 0)).toBe(true);
    ok(await api['cluster.saveSettings']({ retries: 2 }));
    const again = await heatlab.jobs.waitFor(ok(await api['cluster.explain'](request)).id);
    expect(again.status, again.error?.message).toBe('done');
    const state = readState(planOf(again))!;
    expect(state.arrays.map((a) => a.shards)).toEqual([[1]]);
    expect(state.attempts).toEqual([0, 1]);
  }, SLURM_TIMEOUT);

  it('cancels the shard array and the merge with scancel', async () => {
    const job = ok(await api['cluster.explain']({ modelId, datasetId, images: { split: 'all', pick: 'first', n: 128, seed: 1 }, methods: [{ id: 'rise', params: { masks: 2000 } }], seed: 4, shards: 2 }));
    await new Promise<void>((resolve) => {
      const off = api.on('job.progress', ({ jobId, progress }) => {
        if (jobId === job.id && (progress.detail as ClusterProgressDetail).counts.running > 0) {
          off();
          resolve();
        }
      });
    });
    ok(await api['jobs.cancel']({ id: job.id }));
    const cancelled = await heatlab.jobs.waitFor(job.id);
    expect(cancelled.status).toBe('cancelled');
    const state = readState(planOf(cancelled))!;
    expect(state.cancelled).toBe(true);
    const ids = [...state.arrays.map((a) => a.id), state.merge!];
    const queued = () => execFileSync('squeue', ['-h', '-o', '%i %T', '-j', ids.join(',')], { encoding: 'utf8' }).trim();
    // Cancelled tasks leave the queue once their processes are gone (KillWait is 2 s here).
    for (let k = 0; k < 100 && queued() !== ''; k++) await new Promise((r) => setTimeout(r, 100));
    expect(queued()).toBe('');
    expect(ok(await api['explanations.list']({})).length).toBe(clusterRuns.length * 2 + 1);
  }, SLURM_TIMEOUT);
});
