// What a queued or running job uses, so that deleting it can be refused with the job's name rather
// than fail the job later with SQLite's "FOREIGN KEY constraint failed" when it records its result.
// Queued jobs count: they would fail the same way once they start.
import { HeatlabError } from '../../shared/errors.js';
import type { Job, JobKind, JobParams } from '../../shared/jobs.js';

export type EntityKind = 'dataset' | 'model' | 'run' | 'annotationSet';

export interface EntityRef {
  kind: EntityKind;
  id: number;
}

/** What a service asks before it deletes: throws the sentence naming the job that uses the entity. */
export interface DeleteGuard {
  refuseIfInUse(ref: EntityRef): void;
}

/** Lets every delete through: for services used without a job queue (tests, tools). */
export const noDeleteGuard: DeleteGuard = { refuseIfInUse: () => undefined };

/**
 * The entities each kind of job reads or records a reference to. Deleting a dataset or model also
 * cascades to its explanation runs, so a job on those runs names the dataset and model too.
 */
const uses: { [K in JobKind]: (params: JobParams<K>) => EntityRef[] } = {
  'engine.check': () => [],
  'datasets.generate': () => [],
  'datasets.import': () => [],
  'models.train': (p) => [{ kind: 'dataset', id: p.dataset.id }],
  'models.import': (p) => (p.dataset === null ? [] : [{ kind: 'dataset', id: p.dataset.id }]),
  'explain.run': (p) => [
    { kind: 'model', id: p.model.id },
    { kind: 'dataset', id: p.dataset.id },
  ],
  'evaluate.run': (p) => [
    { kind: 'model', id: p.model.id },
    { kind: 'dataset', id: p.dataset.id },
    ...p.runIds.map((id): EntityRef => ({ kind: 'run', id })),
    ...(p.groundTruth?.kind === 'set' ? [{ kind: 'annotationSet', id: p.groundTruth.id } satisfies EntityRef] : []),
  ],
  'cluster.explain': (p) => uses['explain.run'](p.work),
  'cluster.evaluate': (p) => uses['evaluate.run'](p.work),
};

export function entitiesUsedBy(job: Pick<Job, 'kind' | 'params'>): EntityRef[] {
  const of = uses[job.kind] as ((params: unknown) => EntityRef[]) | undefined;
  return of === undefined || job.params === null || job.params === undefined ? [] : of(job.params);
}

const entityNames: Record<EntityKind, string> = { dataset: 'Dataset', model: 'Model', run: 'Explanation run', annotationSet: 'Annotation set' };

/** Jobs in words: "the running training job 12". */
const jobNouns: Record<JobKind, string> = {
  'engine.check': 'engine check',
  'datasets.generate': 'generation',
  'datasets.import': 'import',
  'models.train': 'training',
  'models.import': 'model import',
  'explain.run': 'explanation',
  'evaluate.run': 'evaluation',
  'cluster.explain': 'cluster explanation',
  'cluster.evaluate': 'cluster evaluation',
};

/** The refusal for deleting `ref` while `job` uses it. */
export function inUseError(ref: EntityRef, job: Pick<Job, 'id' | 'kind' | 'status'>): HeatlabError {
  return new HeatlabError('conflict', `${entityNames[ref.kind]} ${ref.id} is in use by the ${job.status} ${jobNouns[job.kind]} job ${job.id}; cancel it or wait.`, {
    jobId: job.id,
  });
}

/** The job of `active` (queued or running jobs) that uses `ref`, a running one before queued ones, or null. */
export function jobUsing(ref: EntityRef, active: readonly Job[]): Job | null {
  const order = (job: Job) => (job.status === 'running' ? 0 : 1);
  return [...active].sort((a, b) => order(a) - order(b) || a.id - b.id).find((job) => entitiesUsedBy(job).some((r) => r.kind === ref.kind && r.id === ref.id)) ?? null;
}

/** A guard over the jobs that are queued or running now (in this process or another on the same workspace). */
export function activeJobsGuard(active: () => readonly Job[]): DeleteGuard {
  return {
    refuseIfInUse(ref) {
      const job = jobUsing(ref, active());
      if (job !== null) throw inUseError(ref, job);
    },
  };
}
