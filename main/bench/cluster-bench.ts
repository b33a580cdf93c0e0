// The same explanation locally and as shards through Slurm (issue 17): RISE with 1,000 masks on
// 512 images, once as a local job and once as 2 shards on the Slurm started by
// test/cluster/start-slurm.sh. Besides both wall times it reports where the cluster's time goes:
// submission (plan and sbatch), scheduling (until the first shard runs), each shard's own rate,
// and the merge (from the last shard's result to the runs being recorded).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExplainRequest } from '../../shared/explanations.js';
import type { Job } from '../../shared/jobs.js';
import { unwrap } from '../app/cli-support.js';
import { openHeatlab } from '../app/heatlab.js';
import { createInProcessApi } from '../api/in-process.js';
import type { ExplainShardResult } from '../cluster/explain-shard.js';
import { readProgress, resultFile } from '../cluster/shard-files.js';
import { findOnPath } from '../cluster/slurm.js';
import { readState } from '../cluster/submission-state.js';
import { record } from './table.js';

const IMAGES = 512;
const MASKS = 1000;
const SHARDS = 2;

/** When each step of the cluster job was first seen, polled every 50 ms (milliseconds since the epoch). */
interface Timeline {
  submitted: number;
  sbatchDone: number | null;
  firstStart: number | null;
  shardSeconds: Map<number, number>;
  lastResult: number | null;
}

export async function benchCluster(): Promise<void> {
  const missing = ['sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'].filter((c) => findOnPath(c) === null);
  if (missing.length > 0) {
    console.error(`  cluster: not measured — Slurm's ${missing.join(', ')} not found; install slurm-wlm and munge and run bash test/cluster/start-slurm.sh.`);
    return;
  }
  const node = execFileSync('sinfo', ['-h', '-o', '%t %c'], { encoding: 'utf8' }).trim();
  if (!/^(idle|mix)/.test(node)) {
    console.error(`  cluster: not measured — Slurm's node is "${node || 'not answering'}"; start it with bash test/cluster/start-slurm.sh.`);
    return;
  }
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-bench-cluster-'));
  const heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  try {
    const api = createInProcessApi(heatlab.router, heatlab.events);
    const done = async (job: Job) => {
      const end = await heatlab.jobs.waitFor(job.id);
      if (end.status !== 'done') throw new Error(`The bench's job ${job.id} ended ${end.status}: ${end.error?.message}`);
      return end;
    };
    const data = await done(unwrap(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: IMAGES, seed: 3 } })));
    const datasetId = (data.result as { datasetId: number }).datasetId;
    const model = await done(unwrap(await api['models.train']({ datasetId, training: { epochs: 1, batchSize: 32 } })));
    const modelId = (model.result as { modelId: number }).modelId;
    unwrap(await api['cluster.saveSettings']({ cpusPerTask: 1, memory: '', timeLimit: '30:00' }));
    const request: ExplainRequest = { modelId, datasetId, images: { split: 'all', pick: 'first', n: IMAGES, seed: 1 }, methods: [{ id: 'rise', params: { masks: MASKS } }], target: 'predicted', seed: 1 };
    const what = `RISE ${MASKS.toLocaleString('en-US')} masks on ${IMAGES} images, tiny-cnn 32×32`;

    const localStart = performance.now();
    await done(unwrap(await api['explain.start'](request)));
    const localSeconds = (performance.now() - localStart) / 1000;

    const timeline: Timeline = { submitted: Date.now(), sbatchDone: null, firstStart: null, shardSeconds: new Map(), lastResult: null };
    const job = unwrap(await api['cluster.explain']({ ...request, shards: SHARDS }));
    const watching = watch(workspace, job.id, timeline);
    const end = await done(job);
    const clusterSeconds = (Date.now() - timeline.submitted) / 1000;
    watching.stop();

    const runs = await Promise.all((end.result as { runIds: number[] }).runIds.map(async (id) => unwrap(await api['explanations.get']({ id }))));
    const heatmapBytes = runs.reduce((s, r) => s + r.files.filter((f) => f.role === 'heatmaps').reduce((t, f) => t + f.bytes, 0), 0);
    const perShard = [...timeline.shardSeconds.entries()].map(([k, seconds]) => ({ k, seconds }));
    const shardImages = IMAGES / SHARDS;
    const slowest = Math.max(...perShard.map((s) => s.seconds));
    const merge = timeline.lastResult === null ? NaN : (Date.now() - timeline.lastResult) / 1000;
    record({ area: 'cluster', measure: `local job: ${what}`, value: localSeconds, unit: 's' });
    record({ area: 'cluster', measure: `${SHARDS} shards through Slurm (1 CPU each): submit to runs recorded`, value: clusterSeconds, unit: 's' });
    record({ area: 'cluster', measure: 'speed-up of the cluster job over the local job', value: localSeconds / clusterSeconds, unit: '×' });
    record({ area: 'cluster', measure: 'per-shard rate on 1 CPU (mean over shards)', value: perShard.reduce((s, x) => s + shardImages / x.seconds, 0) / perShard.length, unit: 'heatmaps/s' });
    record({ area: 'cluster', measure: 'submission: shard plan, scripts and 2 sbatch calls', value: ((timeline.sbatchDone ?? NaN) - timeline.submitted) / 1000, unit: 's' });
    record({ area: 'cluster', measure: 'scheduling: submitted until the first shard ran (incl. its process start)', value: ((timeline.firstStart ?? NaN) - (timeline.sbatchDone ?? NaN)) / 1000, unit: 's' });
    record({ area: 'cluster', measure: `merge: last shard done until ${heatmapBytes / 1e6 < 1 ? 'the run' : `the run (${(heatmapBytes / 1e6).toFixed(1)} MB of heatmaps)`} is recorded`, value: merge, unit: 's' });
    record({ area: 'cluster', measure: 'merge process itself: assemble and record (its own clock)', value: await mergeSeconds(workspace), unit: 's' });
    record({ area: 'cluster', measure: 'overhead: cluster wall time minus the slowest shard’s compute', value: clusterSeconds - slowest, unit: 's' });
  } finally {
    await heatlab.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** What the merge job's log says it took ("… in 0.42 s."). */
async function mergeSeconds(workspace: string): Promise<number> {
  // The merge prints its time after recording, so its line may come a moment after the job is done.
  for (let attempt = 0; attempt < 50; attempt++) {
    const seconds = mergeLogSeconds(workspace);
    if (!Number.isNaN(seconds)) return seconds;
    await new Promise((r) => setTimeout(r, 100));
  }
  return NaN;
}

function mergeLogSeconds(workspace: string): number {
  const root = join(workspace, 'cluster');
  for (const entry of readdirSync(root)) {
    const logs = join(root, entry, 'logs');
    if (!existsSync(logs)) continue;
    for (const log of readdirSync(logs).filter((l) => l.startsWith('merge-'))) {
      const m = / in ([\d.]+) s\.$/m.exec(readFileSync(join(logs, log), 'utf8'));
      if (m !== null) return Number(m[1]);
    }
  }
  return NaN;
}

/** Polls the job's plan folder: when sbatch was done, when the first shard started, each shard's own time. */
function watch(workspace: string, jobId: number, t: Timeline): { stop(): void } {
  const timer = setInterval(() => {
    const root = join(workspace, 'cluster');
    if (!existsSync(root)) return;
    for (const entry of readdirSync(root)) {
      const dir = join(root, entry);
      const state = readState(dir);
      if (state?.jobId !== jobId) continue;
      t.sbatchDone ??= Date.now();
      for (let k = 0; k < SHARDS; k++) {
        const progress = readProgress(dir, k);
        if (progress !== null) t.firstStart = Math.min(t.firstStart ?? Infinity, Date.parse(progress.startedAt));
        if (!t.shardSeconds.has(k) && existsSync(resultFile(dir, k))) {
          t.shardSeconds.set(k, (JSON.parse(readFileSync(resultFile(dir, k), 'utf8')) as ExplainShardResult).seconds);
          if (t.shardSeconds.size === SHARDS) t.lastResult = Date.now();
        }
      }
    }
  }, 50);
  return { stop: () => clearInterval(timer) };
}
