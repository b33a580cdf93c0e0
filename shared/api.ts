// The one contract between the renderer (or CLI, or tests) and main. Every transport —
// Electron IPC, browser-mode WebSocket, in-process — implements exactly `Api`.
import { z } from 'zod';
import { catalogueRequestSchemas, type CatalogueDiskUse, type CatalogueEntity, type CleanUpResult, type SweepResult } from './catalogue.js';
import { annotationRequestSchemas, type AnnotationAgreement, type AnnotationExport, type AnnotationSet, type AnnotationSetSummary, type MaskImport, type SavedMask } from './annotations.js';
import type { Result } from './errors.js';
import {
  datasetRequestSchemas,
  type Dataset,
  type DatasetIndex,
  type DatasetItems,
  type DatasetSummary,
  type ImageBatch,
  type ImportPlan,
  type MaskBatch,
  type Preview,
} from './datasets.js';
import { engineCheckParamsSchema, type EngineInfo } from './engine.js';
import { evaluationRequestSchemas, type Evaluation, type EvaluationCurves, type EvaluationScores, type EvaluationSummary, type MetricInfo } from './evaluations.js';
import { explanationRequestSchemas, type ExplainMethodInfo, type ExplanationRun, type ExplanationRunSummary, type GridIndex, type GridRows, type HeatmapBatch } from './explanations.js';
import { modelRequestSchemas, trainRequestSchema, type Misclassified, type Model, type ModelSummary } from './models.js';
import { jobStatuses, type Job, type JobProgressEvent } from './jobs.js';
import { modelImportRequestSchemas, type OnnxInspection } from './model-import.js';
import { modelComparisonRequestSchemas, type ModelComparison } from './model-comparison.js';
import { studyRequestSchemas, type Study, type StudyDeletion, type StudyProgress, type StudySummary, type StudyTemplateInfo, type StudyValidation, type StudyReportFile, type SavedStudyReport } from './studies.js';
import { clusterRequestSchemas, type ClusterSettingsView } from './cluster.js';
import type { StudyBundleFile } from './study-bundle.js';

const jobId = z.int().min(1);
const empty = z.object({}).strict();

/** Request schema of every method; main parses each request with it before a service sees it. */
export const requestSchemas = {
  'app.info': empty,
  'jobs.list': z
    .object({
      status: z.array(z.enum(jobStatuses)).optional(),
      limit: z.int().min(1).max(1000).default(100),
    })
    .strict(),
  'jobs.get': z.object({ id: jobId }).strict(),
  'jobs.cancel': z
    .object({
      id: jobId,
      /** Stop early and keep what the job has so far (a training run keeps its last completed epoch). */
      keep: z.boolean().default(false),
    })
    .strict(),
  'engine.check': engineCheckParamsSchema,
  ...datasetRequestSchemas,
  'models.train': trainRequestSchema,
  ...modelRequestSchemas,
  ...explanationRequestSchemas,
  ...modelImportRequestSchemas,
  ...annotationRequestSchemas,
  ...evaluationRequestSchemas,
  ...catalogueRequestSchemas,
  ...modelComparisonRequestSchemas,
  ...studyRequestSchemas,
  ...clusterRequestSchemas,
  'files.browse': z
    .object({
      /** Absolute path; the user's home folder when left out. */
      path: z.string().min(1).optional(),
      /** Show dot-files and dot-folders. */
      hidden: z.boolean().default(false),
    })
    .strict(),
  /**
   * The user chose this folder to write into (the folder picker's "Choose this folder" for an export).
   * Exports write only into granted folders; the workspace and hidden folders are never granted.
   */
  'files.grant': z.object({ path: z.string().min(1) }).strict(),
  /** Writes a file the renderer made (an exported figure or array) into a folder the user picked. */
  'files.save': z
    .object({
      /** Absolute path of the folder; it must have been granted with files.grant. */
      folder: z.string().min(1),
      /** A plain file name; a numbered name is used when it exists. */
      name: z.string().min(1).max(255),
      data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'Expected the file’s bytes.'),
    })
    .strict(),
} as const;

export type MethodName = keyof typeof requestSchemas;
/** What a caller sends: fields with defaults may be left out. */
export type ApiRequest<M extends MethodName> = z.input<(typeof requestSchemas)[M]>;
/** What a handler receives, after parsing and defaults. */
export type ParsedRequest<M extends MethodName> = z.output<(typeof requestSchemas)[M]>;

export interface AppInfo {
  name: string;
  version: string;
  /** `electron`, `browser` or `cli`: how this main process is being used. */
  mode: 'electron' | 'browser' | 'cli';
  workspace: string;
  catalogue: { path: string; schemaVersion: number };
  /** The compute host's engines; null while the host is still starting or if it failed to start. */
  engines: EngineInfo | null;
  /** Why `engines` is null, when it is. */
  enginesError: string | null;
  node: string;
  platform: string;
}

/** One folder on this machine, for the import and export pickers (browser mode has no native dialog). */
export interface FolderListing {
  path: string;
  parent: string | null;
  entries: { name: string; kind: 'folder' | 'file'; bytes: number | null; modified: string | null }[];
  /** Good starting points: the home folder, the filesystem root, the workspace. */
  places: { label: string; path: string }[];
}

/** What each method resolves to on success. */
export interface ApiResults {
  'app.info': AppInfo;
  'jobs.list': Job[];
  'jobs.get': Job;
  'jobs.cancel': Job;
  /** The engine check runs as a job; its result arrives with `job.finished` and `jobs.get`. */
  'engine.check': Job;
  'datasets.list': DatasetSummary[];
  'datasets.get': Dataset;
  /** Generation runs as a job; its result is `{ datasetId }`. */
  'datasets.generate': Job;
  'datasets.preview': Preview;
  /** A quick scan of a folder or file: what an import would bring in, and what stands in its way. */
  'datasets.inspect': ImportPlan;
  /** Import runs as a job; its result is `{ datasetId, annotationSetId }`. */
  'datasets.import': Job;
  'datasets.rename': Dataset;
  'datasets.delete': { deleted: number };
  'datasets.index': DatasetIndex;
  'datasets.images': ImageBatch;
  'datasets.masks': MaskBatch;
  'datasets.items': DatasetItems;
  /** Training runs as a job; its result is `{ modelId }`. */
  'models.train': Job;
  'models.list': ModelSummary[];
  'models.get': Model;
  'models.rename': Model;
  'models.delete': { deleted: number };
  'models.export': { path: string };
  'models.misclassified': Misclassified;
  'explain.methods': ExplainMethodInfo[];
  /** An explanation job; its result is `{ runIds }`, one run per method in the order asked. */
  'explain.start': Job;
  /** One explanation job per model, in the order asked; each job's result is `{ runIds }`. */
  'explain.compare': Job[];
  'explanations.list': ExplanationRunSummary[];
  'explanations.get': ExplanationRun;
  'explanations.heatmaps': HeatmapBatch;
  'explanations.gridIndex': GridIndex;
  'explanations.gridRows': GridRows;
  'explanations.rename': ExplanationRun;
  'explanations.delete': { deleted: number };
  /** What an .onnx file holds and what an import would make of it; nothing is written. */
  'models.inspectOnnx': OnnxInspection;
  /** Import runs as a job; its result is `{ modelId }`. */
  'models.import': Job;
  'annotations.list': AnnotationSetSummary[];
  /** Region masks of an annotation set for the given images; 0 = background or not annotated. */
  'annotations.masks': MaskBatch & { setId: number };
  'annotations.get': AnnotationSet;
  'annotations.create': AnnotationSet;
  'annotations.save': SavedMask;
  'annotations.revert': SavedMask;
  'annotations.agreement': AnnotationAgreement;
  'annotations.export': AnnotationExport;
  'annotations.importMasks': MaskImport;
  'annotations.rename': AnnotationSet;
  'annotations.delete': { deleted: number };
  'evaluate.metrics': MetricInfo[];
  /** An evaluation job; its result is `{ evaluationId }`. */
  'evaluate.start': Job;
  'evaluations.list': EvaluationSummary[];
  'evaluations.get': Evaluation;
  'evaluations.scores': EvaluationScores;
  'evaluations.curves': EvaluationCurves;
  'evaluations.compare': ModelComparison;
  'evaluations.rename': Evaluation;
  'evaluations.delete': { deleted: number };
  'catalogue.entities': CatalogueEntity[];
  'catalogue.diskUse': CatalogueDiskUse;
  'catalogue.clean': CleanUpResult;
  'catalogue.sweep': SweepResult;
  'studies.templates': StudyTemplateInfo[];
  'studies.create': Study;
  'studies.validate': StudyValidation;
  'studies.list': StudySummary[];
  'studies.get': Study;
  /** The study as it starts; its pipeline runs in the background and reports `study.progress`. */
  'studies.run': Study;
  'studies.cancel': Study;
  'studies.rename': Study;
  'studies.delete': StudyDeletion;
  'studies.report': StudyReportFile;
  'studies.saveReport': SavedStudyReport;
  'studies.export': StudyBundleFile;
  'cluster.settings': ClusterSettingsView;
  'cluster.saveSettings': ClusterSettingsView;
  /** A cluster explanation job; its result is `{ runIds }`, as a local one's. */
  'cluster.explain': Job;
  /** A cluster evaluation job; its result is `{ evaluationId }`, as a local one's. */
  'cluster.evaluate': Job;
  'files.browse': FolderListing;
  /** The folder's real path (links resolved), granted until Heatlab stops. */
  'files.grant': { folder: string };
  'files.save': { path: string };
}

/** Events main pushes to every connected renderer. */
export interface ApiEvents {
  /** A job was queued, started, or asked to stop. */
  'job.updated': Job;
  /** Throttled to at most 10 per second per job. */
  'job.progress': JobProgressEvent;
  /** The job reached a final status: done, failed, cancelled or interrupted. */
  'job.finished': Job;
  /** A study's pipeline moved on: a step started, its job progressed, or the study ended (then `status` is final). */
  'study.progress': StudyProgress;
}
export type EventName = keyof ApiEvents;

export const methodNames = Object.keys(requestSchemas) as MethodName[];
export const eventNames: readonly EventName[] = ['job.updated', 'job.progress', 'job.finished', 'study.progress'];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(requestSchemas, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

export type Listener<E extends EventName> = (payload: ApiEvents[E]) => void;

/** The API every transport exposes: one named method per entry of `requestSchemas`, plus events. */
export type ApiMethods = {
  [M in MethodName]: (request: ApiRequest<M>) => Promise<Result<ApiResults[M]>>;
};
export type Api = ApiMethods & {
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
};
