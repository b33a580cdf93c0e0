// What the compute host calls to run one job of a kind: the job's parameters in, its staged result
// out. The engines are whatever the composition root loaded; each domain's runner asks only for
// the part it uses (ONNX Runtime, tfjs).
import type { JobKind, JobParams, JobStaged } from '../../../shared/jobs.js';
import type { JobContext } from './job-context.js';

export type JobRunner<K extends JobKind, E> = (params: JobParams<K>, ctx: JobContext, engines: E) => Promise<JobStaged<K>>;

/** One runner for every job kind, so a kind without one is a type error. */
export type JobRunners<E> = { [K in JobKind]: JobRunner<K, E> };
