import type { ApiError } from './errors.js';
import type { ClusterEvaluateParams, ClusterExplainParams } from './cluster.js';
import type { DatasetRef, GenerateRequest, ImportOptions, StagedDataset } from './datasets.js';
import type { EngineCheckParams, EngineCheckResult } from './engine.js';
import type { EvaluateJobParams, StagedEvaluation } from './evaluations.js';
import type { ExplainJobParams, StagedExplanations } from './explanations.js';
import type { StagedModel, TrainRequest } from './models.js';
import type { ModelImportParams, StagedImport } from './model-import.js';

export const jobStatuses = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** Statuses after which a job never changes again. */
export const finalJobStatuses: readonly JobStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

export function isFinalStatus(status: JobStatus): boolean {
  return finalJobStatuses.includes(status);
}

/**
 * Every kind of work the compute host runs: its parameters, what the host hands back (`staged`),
 * and the job's final result once main has recorded the staged output in the catalogue.
 */
export interface JobKinds {
  'engine.check': { params: EngineCheckParams; staged: EngineCheckResult; result: EngineCheckResult };
  'datasets.generate': { params: GenerateRequest; staged: StagedDataset; result: { datasetId: number } };
  'datasets.import': { params: ImportOptions; staged: StagedDataset; result: { datasetId: number; annotationSetId: number | null } };
  /** `dataset` is filled in by main from the catalogue, so the compute host needs no database. */
  'models.train': { params: TrainRequest & { dataset: DatasetRef }; staged: StagedModel; result: { modelId: number } };
  /** One explanation run per method, in the order asked; main fills in the model and dataset. */
  'explain.run': { params: ExplainJobParams; staged: StagedExplanations; result: { runIds: number[] } };
  /** `dataset` (the test dataset) and class names from a labels file are filled in by main. */
  'models.import': { params: ModelImportParams; staged: StagedImport; result: { modelId: number } };
  /** Metrics on explanation runs of one model and image set; main fills in the runs' files and writes the ground-truth masks. */
  'evaluate.run': { params: EvaluateJobParams; staged: StagedEvaluation; result: { evaluationId: number } };
  /** An explanation job run on a Slurm cluster: main follows it; the merge job records the runs. */
  'cluster.explain': { params: ClusterExplainParams; staged: never; result: { runIds: number[] } };
  /** An evaluation job run on a Slurm cluster: main follows it; the merge job records the evaluation. */
  'cluster.evaluate': { params: ClusterEvaluateParams; staged: never; result: { evaluationId: number } };
}
export type JobKind = keyof JobKinds;
export type JobParams<K extends JobKind> = JobKinds[K]['params'];
export type JobStaged<K extends JobKind> = JobKinds[K]['staged'];
export type JobResult<K extends JobKind> = JobKinds[K]['result'];

/** Kinds whose work runs outside the compute host (on a Slurm cluster); main only follows them. */
export const externalJobKinds = ['cluster.explain', 'cluster.evaluate'] as const satisfies readonly JobKind[];
export type ExternalJobKind = (typeof externalJobKinds)[number];
/** Kinds the compute host runs. */
export type HostJobKind = Exclude<JobKind, ExternalJobKind>;

export const jobKindLabels: { [K in JobKind]: string } = {
  'engine.check': 'Engine check',
  'datasets.generate': 'Generate dataset',
  'datasets.import': 'Import dataset',
  'models.train': 'Train model',
  'explain.run': 'Explain',
  'models.import': 'Import ONNX model',
  'evaluate.run': 'Evaluate',
  'cluster.explain': 'Explain on cluster',
  'cluster.evaluate': 'Evaluate on cluster',
};

export interface JobProgress {
  /** Units of work finished so far (batches, images, steps…). */
  done: number;
  total: number;
  /** done / total, in [0, 1]. */
  fraction: number;
  /** What the job is doing now, e.g. "ONNX Runtime: timing a small graph". */
  message: string;
  /** Seconds left at the current rate; null until it can be estimated. */
  etaSeconds: number | null;
  /** Units per second over the job so far; null until measurable. */
  rate: number | null;
  unit: string;
  /**
   * Kind-specific numbers for live views, complete in every report so none is lost to throttling
   * (training: the epoch history and the latest batch).
   */
  detail?: unknown;
}

export interface Job {
  id: number;
  kind: JobKind;
  label: string;
  status: JobStatus;
  params: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: JobProgress | null;
  error: ApiError | null;
  /** The job's result once it is `done`; shape given by JobKinds[kind]['result']. */
  result: unknown;
}

export interface JobProgressEvent {
  jobId: number;
  kind: JobKind;
  progress: JobProgress;
}
