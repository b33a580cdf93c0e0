// Which function runs each job kind in the compute host. Later issues add their kinds here.
import type { JobKind, JobParams, JobStaged } from '../../../shared/jobs.js';
import { runGenerate } from '../../data/generate-job.js';
import { runImport } from '../../data/import/index.js';
import { runEvaluate } from '../../evaluate/run/evaluate-job.js';
import { runExplain } from '../../explain/run/explain-job.js';
import { runTraining } from '../../train/train-job.js';
import { runModelImport } from '../../onnx/import/import-job.js';
import { runEngineCheck } from '../kinds/engine-check.js';
import type { Engines } from './engines.js';
import type { JobContext } from './job-context.js';

export type JobRunner<K extends JobKind> = (params: JobParams<K>, ctx: JobContext, engines: Engines) => Promise<JobStaged<K>>;

export const runners: { [K in JobKind]: JobRunner<K> } = {
  'engine.check': runEngineCheck,
  'datasets.generate': runGenerate,
  'datasets.import': runImport,
  'models.train': runTraining,
  'explain.run': runExplain,
  'models.import': runModelImport,
  'evaluate.run': runEvaluate,
};
