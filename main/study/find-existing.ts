// Finding a step's result among what the catalogue already holds, by the parameters each entity
// recorded when it was made (made by another study, by hand, or by this study before a crash that
// came before its membership was written). A match is the same computation with the same seeds on
// the same inputs, so its result is the step's result.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ImportOptions } from '../../shared/datasets.js';
import type { GeneratorId } from '../../shared/generators.js';
import type { GroundTruth } from '../../shared/evaluations.js';
import type { ImageSelection, ExplanationTarget } from '../../shared/explanations.js';
import type { ModelImportRequest } from '../../shared/model-import.js';
import type { Architecture, TrainingParams } from '../../shared/models.js';
import type { CallApi } from './ports.js';
import { sameValue } from './step-keys.js';

const without = <T extends object>(value: T, ...keys: string[]): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))) as Partial<T>;

/** `params`: the generator's parameters as parsed, the seed included. */
export async function findGeneratedDataset(call: CallApi, generator: GeneratorId, params: Record<string, unknown>): Promise<number | null> {
  for (const summary of await call('datasets.list', {})) {
    if (summary.source !== 'generated' || summary.generator !== generator || summary.seed !== params.seed) continue;
    const dataset = await call('datasets.get', { id: summary.id });
    if (sameValue(dataset.params, params)) return dataset.id;
  }
  return null;
}

/** An import records its options with the paths resolved; the name does not change the images. */
export async function findImportedDataset(call: CallApi, options: ImportOptions): Promise<number | null> {
  const wanted = { ...without(options, 'name'), path: resolve(options.path), ...(options.masksPath === undefined ? {} : { masksPath: resolve(options.masksPath) }) };
  for (const summary of await call('datasets.list', {})) {
    if (summary.source !== 'imported') continue;
    const dataset = await call('datasets.get', { id: summary.id });
    if (sameValue(without(dataset.params, 'name'), wanted)) return dataset.id;
  }
  return null;
}

/** A model stopped by the user is not the planned model; one that stopped early or diverged is what these parameters give. */
export async function findTrainedModel(call: CallApi, datasetId: number, architecture: Architecture, training: TrainingParams): Promise<number | null> {
  for (const summary of await call('models.list', {})) {
    if (summary.source !== 'trained' || summary.datasetId !== datasetId) continue;
    const model = await call('models.get', { id: summary.id });
    if (model.stopReason !== 'stopped' && sameValue(model.architectureSpec, architecture) && sameValue(model.training, training)) return model.id;
  }
  return null;
}

/** An import's choices are its job's parameters; the source file must still be the size it was. */
export async function findImportedModel(call: CallApi, request: Omit<ModelImportRequest, 'name'>): Promise<number | null> {
  const path = resolve(request.path);
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch {
    return null;
  }
  const compared = ['input', 'output', 'layout', 'outputKind', 'preprocessing', 'testImages', 'testDatasetId', ...(request.labelsFile === undefined ? ['classNames'] : [])] as const;
  for (const summary of await call('models.list', {})) {
    if (summary.source !== 'imported') continue;
    const model = await call('models.get', { id: summary.id });
    const imported = model.onnx.imported;
    if (imported === undefined || resolve(imported.sourcePath) !== path || imported.sourceBytes !== bytes || model.jobId === null) continue;
    const job = await call('jobs.get', { id: model.jobId }).catch(() => null);
    const params = job?.params as Record<string, unknown> | undefined;
    if (params !== undefined && compared.every((key) => sameValue(params[key], (request as Record<string, unknown>)[key]))) return model.id;
  }
  return null;
}

/** Every parameter asked for, at the same value: a run may record more (IG fills in the dataset's mean pixel). */
const covers = (recorded: Record<string, unknown>, asked: Record<string, unknown>) => Object.entries(asked).every(([k, v]) => sameValue(recorded[k], v));

export interface RunWanted {
  modelId: number;
  datasetId: number;
  method: string;
  params: Record<string, unknown>;
  images: ImageSelection;
  target: ExplanationTarget;
  seed: number;
}

export async function findRun(call: CallApi, wanted: RunWanted): Promise<number | null> {
  for (const summary of await call('explanations.list', { modelId: wanted.modelId, datasetId: wanted.datasetId })) {
    if (summary.method !== wanted.method) continue;
    const run = await call('explanations.get', { id: summary.id });
    if (run.seed === wanted.seed && sameValue(run.target, wanted.target) && sameValue(run.selection, wanted.images) && covers(run.params, wanted.params)) return run.id;
  }
  return null;
}

export interface EvaluationWanted {
  modelId: number;
  runIds: number[];
  /** The metrics with the parameters an evaluation of these images records (size-dependent defaults filled in). */
  metrics: { id: string; params: Record<string, unknown> }[];
  groundTruth: GroundTruth | null;
  seed: number;
  resamples: number;
  level: number;
}

export async function findEvaluation(call: CallApi, wanted: EvaluationWanted): Promise<number | null> {
  for (const summary of await call('evaluations.list', { modelId: wanted.modelId })) {
    if (!sameValue(summary.runIds, wanted.runIds) || !sameValue(summary.groundTruth, wanted.groundTruth)) continue;
    const evaluation = await call('evaluations.get', { id: summary.id });
    const metrics = evaluation.metricDetails.map((m) => ({ id: m.id, params: m.params }));
    if (evaluation.seed === wanted.seed && evaluation.resamples === wanted.resamples && evaluation.level === wanted.level && sameValue(metrics, wanted.metrics)) return evaluation.id;
  }
  return null;
}
