// A job in words for the Catalogue's job table: what it works on ("Triangles & Squares 6,000 ·
// seed 5"), how it ended in one sentence ("trained — test accuracy 97.3 %", or the error), and its
// parameters as readable key: value pairs — never its raw JSON.
import type { CatalogueEntity, CatalogueFact, CatalogueRef } from '../../../shared/catalogue.js';
import { readableFacts } from '../../../shared/catalogue-words.js';
import type { EngineCheckParams, EngineCheckResult } from '../../../shared/engine.js';
import { describeSelection } from '../../../shared/explanation-words.js';
import { formatCount, formatDuration, formatPercent } from '../../../shared/format.js';
import { generatorInfo } from '../../../shared/generators.js';
import type { Job, JobKind, JobParams } from '../../../shared/jobs.js';
import { baseName } from '../paths.js';
import { entityKey } from './entity-href.js';

/** Any job's parameters, as the kind declares them; older rows may lack fields, so every read is guarded. */
type Params<K extends JobKind> = Partial<JobParams<K>>;

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** What a job works on, in a few words. */
export function jobSubject(job: Pick<Job, 'kind' | 'params'>): string {
  const p = (job.params ?? {}) as Record<string, unknown>;
  switch (job.kind) {
    case 'cluster.explain':
    case 'cluster.evaluate': {
      const c = p as Params<'cluster.explain'>;
      const work = jobSubject({ kind: job.kind === 'cluster.explain' ? 'explain.run' : 'evaluate.run', params: c.work ?? {} });
      return [work, c.shards === undefined ? 'on Slurm' : `on Slurm in ${plural(c.shards, 'shard')}`].filter(Boolean).join(' · ');
    }
    case 'engine.check': {
      const { seconds = 0 } = p as Params<'engine.check'> as Partial<EngineCheckParams>;
      return seconds > 0 ? `benchmark for ${formatDuration(seconds)}` : 'one quick pass of both engines';
    }
    case 'datasets.generate': {
      const g = p as Params<'datasets.generate'>;
      const params = (g.params ?? {}) as { count?: number; seed?: number };
      const label = g.generator === undefined ? 'a generator' : (generatorInfo[g.generator]?.label ?? g.generator);
      return [`${label}${params.count === undefined ? '' : ` ${formatCount(params.count)}`}`, params.seed === undefined ? '' : `seed ${params.seed}`, g.name ? `“${g.name}”` : ''].filter(Boolean).join(' · ');
    }
    case 'datasets.import': {
      const i = p as Params<'datasets.import'>;
      return [i.path ? `from ${i.path}` : 'an import', i.masksPath ? `masks from ${i.masksPath}` : '', i.seed === undefined ? '' : `split seed ${i.seed}`].filter(Boolean).join(' · ');
    }
    case 'models.train': {
      const t = p as Params<'models.train'>;
      const arch = t.architecture?.kind === 'preset' ? t.architecture.preset : t.architecture?.kind === 'custom' ? `${plural(t.architecture.layers.length, 'custom layer')}` : 'a model';
      const on = t.dataset?.name ?? (t.datasetId === undefined ? null : `dataset ${t.datasetId}`);
      return [`${arch}${on ? ` on ${on}` : ''}`, t.training ? plural(t.training.epochs, 'epoch') : '', t.training ? `seed ${t.training.seed}` : ''].filter(Boolean).join(' · ');
    }
    case 'models.import': {
      const m = p as Params<'models.import'>;
      return [m.path ? baseName(m.path) : 'an ONNX file', m.dataset ? `tested on ${m.dataset.name}` : ''].filter(Boolean).join(' · ');
    }
    case 'explain.run': {
      const e = p as Params<'explain.run'>;
      const model = e.model?.name ?? (e.modelId === undefined ? 'a model' : `model ${e.modelId}`);
      const methods = (e.methods ?? []).map((m) => m.id).join(', ');
      const images = e.images ? describeSelection(e.images, e.model?.classNames ?? []) : '';
      return [model, methods, images, e.seed === undefined ? '' : `seed ${e.seed}`].filter(Boolean).join(' · ');
    }
    case 'evaluate.run': {
      const v = p as Params<'evaluate.run'>;
      const runs = v.runIds?.length ?? 0;
      const metrics = (v.metrics ?? []).map((m) => m.id).join(', ');
      return [`${plural(runs, 'run')}${v.model ? ` of ${v.model.name}` : ''}`, metrics, v.seed === undefined ? '' : `seed ${v.seed}`].filter(Boolean).join(' · ');
    }
  }
}

/** Fields main fills in from the catalogue (files, checksums, copies of rows): what the user asked for is the rest. */
const filledByMain: Partial<Record<JobKind, readonly string[]>> = {
  'models.train': ['dataset'],
  'models.import': ['dataset'],
  'explain.run': ['model', 'dataset'],
  'evaluate.run': ['model', 'dataset', 'runs', 'indices', 'targets', 'logits', 'count', 'perImage', 'masks', 'groundTruthLabel'],
};

/** The parameters the job was asked with, readable. */
export function jobParams(job: Pick<Job, 'kind' | 'params'>): CatalogueFact[] {
  if (job.params === null || typeof job.params !== 'object') return [];
  const omit = new Set(filledByMain[job.kind] ?? []);
  return readableFacts(Object.fromEntries(Object.entries(job.params as Record<string, unknown>).filter(([k]) => !omit.has(k))));
}

export interface JobOutcome {
  /** One sentence: "trained — test accuracy 97.3 %", the error, or what the job is doing. */
  text: string;
  tone: 'ok' | 'error' | 'muted';
  /** What the job made, while it exists (each its own page). */
  made: CatalogueEntity[];
}

/** The catalogue entities a finished job recorded, according to its result. */
function madeRefs(job: Job): CatalogueRef[] {
  const r = (job.result ?? {}) as Record<string, unknown>;
  const id = (v: unknown) => (typeof v === 'number' ? [v] : []);
  switch (job.kind) {
    case 'datasets.generate':
      return id(r.datasetId).map((id) => ({ kind: 'dataset', id }));
    case 'datasets.import':
      return [...id(r.datasetId).map((id): CatalogueRef => ({ kind: 'dataset', id })), ...id(r.annotationSetId).map((id): CatalogueRef => ({ kind: 'annotationSet', id }))];
    case 'models.train':
    case 'models.import':
      return id(r.modelId).map((id) => ({ kind: 'model', id }));
    case 'explain.run':
    case 'cluster.explain':
      return (Array.isArray(r.runIds) ? (r.runIds as number[]) : []).map((id) => ({ kind: 'run', id }));
    case 'evaluate.run':
    case 'cluster.evaluate':
      return id(r.evaluationId).map((id) => ({ kind: 'evaluation', id }));
    case 'engine.check':
      return [];
  }
}

const verbs: Record<JobKind, string> = {
  'engine.check': 'checked',
  'datasets.generate': 'generated',
  'datasets.import': 'imported',
  'models.train': 'trained',
  'models.import': 'imported',
  'explain.run': 'explained',
  'evaluate.run': 'evaluated',
  'cluster.explain': 'explained on the cluster',
  'cluster.evaluate': 'evaluated on the cluster',
};

/** How the job ended (or where it is), with what it made that the catalogue still holds. */
export function jobOutcome(job: Job, lookup: ReadonlyMap<string, CatalogueEntity>): JobOutcome {
  switch (job.status) {
    case 'queued':
      return { text: 'waiting for the jobs before it', tone: 'muted', made: [] };
    case 'running':
      return { text: job.progress ? `${job.progress.message} — ${formatPercent(job.progress.fraction)}` : 'starting', tone: 'muted', made: [] };
    case 'failed':
    case 'interrupted':
      return { text: job.error?.message ?? `The job ended ${job.status} without saying why.`, tone: 'error', made: [] };
    case 'cancelled':
      return { text: job.error?.message ?? 'Cancelled.', tone: 'muted', made: [] };
    case 'done':
      break;
  }
  if (job.kind === 'engine.check') {
    const result = job.result as EngineCheckResult | null;
    if (result === null) return { text: 'checked', tone: 'ok', made: [] };
    return result.passed
      ? { text: `checked — both engines agree with the reference computations (tfjs ${result.engines.tfjs.backend}, ${result.tfjs.gflops.toFixed(1)} GFLOP/s)`, tone: 'ok', made: [] }
      : { text: 'checked — an engine disagrees with the reference computations', tone: 'error', made: [] };
  }
  const refs = madeRefs(job);
  const made = refs.flatMap((r) => lookup.get(entityKey(r)) ?? []);
  const gone = refs.length - made.length;
  // A dataset's link names it; a model or an evaluation also says what came of it.
  const detail = job.kind === 'explain.run' ? plural(refs.length, 'run') : job.kind === 'models.train' || job.kind === 'evaluate.run' || job.kind === 'models.import' ? (made[0]?.outcome ?? '') : '';
  const deleted = gone === 0 ? '' : refs.length === 1 ? ' (since deleted)' : ` (${gone} since deleted)`;
  return { text: `${verbs[job.kind]}${detail ? ` — ${detail}` : ''}${deleted}`, tone: 'ok', made };
}

/** How long the job ran (so far, while it runs). */
export function jobDuration(job: Pick<Job, 'startedAt' | 'finishedAt'>, now = Date.now()): string {
  if (!job.startedAt) return '—';
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return formatDuration((end - Date.parse(job.startedAt)) / 1000);
}
