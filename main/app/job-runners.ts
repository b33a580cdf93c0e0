// Which function runs each job kind in the compute host: the composition root's table of every kind.
import { runGenerate } from '../data/generate-job.js';
import { runImport } from '../data/import/index.js';
import { runEvaluate } from '../evaluate/run/evaluate-job.js';
import { runExplain } from '../explain/run/explain-job.js';
import { runTraining } from '../train/train-job.js';
import { runModelImport } from '../onnx/import/import-job.js';
import { runEngineCheck } from '../engines/engine-check.js';
import type { Engines } from '../engines/engines.js';
import type { JobRunners } from '../jobs/host/job-runner.js';

export const jobRunners: JobRunners<Engines> = {
  'engine.check': runEngineCheck,
  'datasets.generate': runGenerate,
  'datasets.import': runImport,
  'models.train': runTraining,
  'explain.run': runExplain,
  'models.import': runModelImport,
  'evaluate.run': runEvaluate,
};
