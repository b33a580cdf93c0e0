// What the compute host calls to run one job of a kind: the job's parameters in, its staged result
// out. The engines are whatever the composition root loaded; each domain's runner asks only for
// the part it uses (ONNX Runtime, tfjs).
import type { HostJobKind, JobKind, JobParams, JobStaged } from '../../../shared/jobs.js';
import type { JobContext } from './job-context.js';

export type JobRunner<K extends JobKind, E> = (params: JobParams<K>, ctx: JobContext, engines: E) => Promise<JobStaged<K>>;

/** One runner for every kind the host runs, so a kind without one is a type error. */
export type JobRunners<E> = { [K in HostJobKind]: JobRunner<K, E> };
