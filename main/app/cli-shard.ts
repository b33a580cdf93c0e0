// `heatlab shard run PLAN --index N` and `heatlab shard merge PLAN`: what a cluster's nodes run.
// A shard reads the plan and the workspace's files and writes its own outputs, never the
// catalogue; the merge records the result in the catalogue in one transaction.
import { dirname, resolve } from 'node:path';
import type { ApiError } from '../../shared/errors.js';
import { AnnotationSets } from '../annotate/annotation-sets.js';
import { AnnotationSetsRepository } from '../catalogue/annotation-sets-repository.js';
import { DatasetsRepository } from '../catalogue/datasets-repository.js';
import { EvaluationsRepository } from '../catalogue/evaluations-repository.js';
import { ExplanationsRepository } from '../catalogue/explanations-repository.js';
import { JobsRepository } from '../catalogue/jobs-repository.js';
import { ModelsRepository } from '../catalogue/models-repository.js';
import { runEvaluateShard } from '../cluster/evaluate-shard.js';
import { runExplainShard } from '../cluster/explain-shard.js';
import { mergePlan, type MergeRecorder } from '../cluster/merge.js';
import { isShardDone } from '../cluster/shard-files.js';
import { readPlan, shardOf, workspaceOfPlan } from '../cluster/shard-plan.js';
import { DatasetsService } from '../data/datasets-service.js';
import { EvaluationsService } from '../evaluate/evaluations-service.js';
import { ExplanationsService } from '../explain/explanations-service.js';
import type { OrtEngine } from '../onnx/ort-engine.js';
import { loadOrt } from '../onnx/runtime.js';
import { SessionCache } from '../onnx/session-cache.js';
import { ModelsService } from '../train/models-service.js';
import { openWorkspace } from '../workspace/workspace.js';
import { parseWholeNumber } from './cli-numbers.js';
import { out, UsageError, type Options } from './cli-support.js';
import { appVersion } from './paths.js';

export const shardUsage = `  shard run PLAN --index N  Compute shard N of a cluster job's plan (what each Slurm array task runs)
  shard merge PLAN          Record a cluster job's shards in the catalogue (the job's merge step)`;

/** ONNX Runtime alone: a shard or merge needs no tfjs. */
function ortEngine(): OrtEngine {
  const ort = loadOrt();
  return { ort, sessions: new SessionCache(ort, 8) };
}

export async function shardCommand(options: Options, args: string[]): Promise<void> {
  const [verb, path, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  if ((verb !== 'run' && verb !== 'merge') || path === undefined) throw new UsageError('shard takes run PLAN --index N or merge PLAN.');
  const planPath = resolve(path);
  const plan = readPlan(planPath);
  const planDir = dirname(planPath);
  const workspace = workspaceOfPlan(planPath);
  if (verb === 'run') {
    const index = options.index === undefined ? null : parseWholeNumber(options.index);
    if (index === null || index < 0) throw new UsageError('shard run needs --index N, the shard number (Slurm gives it as $SLURM_ARRAY_TASK_ID).');
    const shard = shardOf(plan, index);
    if (isShardDone(planDir, index)) {
      out(`Shard ${index} of job ${plan.jobId} is already done.`);
      return;
    }
    const started = performance.now();
    if (plan.kind === 'explain') await runExplainShard(plan, planDir, workspace, shard, ortEngine());
    else await runEvaluateShard(plan, planDir, workspace, shard, ortEngine());
    out(`Shard ${index} of job ${plan.jobId}: images ${shard.from}–${shard.to - 1} done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return;
  }
  const started = performance.now();
  const result = await merge(planPath, workspace);
  const seconds = (performance.now() - started) / 1000;
  out(options.json ? JSON.stringify({ result, seconds }) : `Job ${plan.jobId}: recorded ${JSON.stringify(result)} in ${seconds.toFixed(2)} s.`);
}

/** The merge: the catalogue's services as the app assembles them, without a job queue or compute host. */
async function merge(planPath: string, workspaceDir: string): Promise<unknown> {
  const plan = readPlan(planPath);
  const workspace = openWorkspace(workspaceDir);
  try {
    const db = workspace.catalogue.db;
    const version = appVersion();
    const jobs = new JobsRepository(db);
    const annotationRows = new AnnotationSetsRepository(db);
    const datasets = new DatasetsService({ workspace: workspace.dir, repo: new DatasetsRepository(db), annotations: annotationRows, version });
    const models = new ModelsService({ workspace: workspace.dir, repo: new ModelsRepository(db), version });
    // Under the catalogue's write lock, as at the app's start: the services' sweeps must not race another Heatlab's records.
    const { explanations, evaluations } = db
      .transaction(() => {
        const explanations = new ExplanationsService({ workspace: workspace.dir, repo: new ExplanationsRepository(db), models, datasets, version });
        const annotations = new AnnotationSets(workspace.dir, annotationRows, datasets);
        const evaluations = new EvaluationsService({ workspace: workspace.dir, repo: new EvaluationsRepository(db), explanations, models, datasets, annotations, version, sweepInputs: false });
        return { explanations, evaluations };
      })
      .immediate();
    const recorder: MergeRecorder = {
      explanations: (staged, jobId) => explanations.register(staged, jobId),
      evaluation: (staged, jobId) => evaluations.register(staged, jobId),
      jobStatus: (jobId) => jobs.get(jobId)?.status ?? null,
      finishJob: (jobId, status, outcome: { result?: unknown; error?: ApiError }) => {
        if (jobs.get(jobId)?.status === 'running') jobs.finish(jobId, status, outcome);
      },
    };
    return await mergePlan(plan, dirname(planPath), workspace.dir, ortEngine, recorder);
  } finally {
    workspace.close();
  }
}
