// How each kind of catalogue row reads in the lab notebook: what it is, what came of it, its
// parameters, seeds, and the Heatlab and engine versions — only what the row records; a field an
// older row lacks stays null (the view says "not recorded"), never a guess.
import type { CatalogueEntity, CatalogueFact } from '../../shared/catalogue.js';
import { readableFacts } from '../../shared/catalogue-words.js';
import { describeGroundTruth, isBaseline, type EvaluatedColumn, type EvaluatedMetric, type GroundTruth } from '../../shared/evaluations.js';
import { describeSelection, describeTarget } from '../../shared/explanation-words.js';
import type { ExplanationTarget, ImageSelection } from '../../shared/explanations.js';
import { formatCount, formatScore } from '../../shared/format.js';
import { generatorInfo, type GeneratorId } from '../../shared/generators.js';
import type { ImportedOnnx } from '../../shared/model-import.js';
import type { Architecture, Preprocessing, StopReason, TrainingParams } from '../../shared/models.js';

/** What an entity's own row says; provenance (parents, children) is added by the query. */
export type EntityFacts = Omit<CatalogueEntity, 'parents' | 'children' | 'unreferenced'>;

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function imageWords(r: { count: number; height: number; width: number; channels: number; dtype: string }): string {
  const pixels = [r.channels === 3 ? 'RGB' : r.channels === 1 ? 'grey' : `${r.channels} channels`, r.dtype === 'uint16' ? '16-bit' : ''].filter(Boolean).join(' ');
  return `${plural(r.count, 'image')} ${r.width}×${r.height} ${pixels}`;
}

export interface DatasetRow {
  id: number;
  name: string;
  source: 'generated' | 'imported';
  generator: string | null;
  params: string;
  seed: number | null;
  count: number;
  height: number;
  width: number;
  channels: number;
  dtype: string;
  classes: number;
  job_id: number | null;
  heatlab_version: string;
  created_at: string;
}

export function datasetFacts(r: DatasetRow): EntityFacts {
  const params = JSON.parse(r.params) as Record<string, unknown>;
  const label = r.generator === null ? null : (generatorInfo[r.generator as GeneratorId]?.label ?? r.generator);
  const origin = r.source === 'generated' ? `generated · ${label}` : `imported from ${typeof params.path === 'string' ? params.path : 'files'}`;
  return {
    kind: 'dataset',
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    summary: `${origin} · ${imageWords(r)} · ${plural(r.classes, 'class', 'classes')}`,
    outcome: null,
    params: [...(label === null ? [] : [{ key: 'Generator', value: label }]), ...readableFacts(params)],
    seed: r.seed === null ? null : String(r.seed),
    heatlabVersion: r.heatlab_version,
    engine: null,
    jobId: r.job_id,
  };
}

export interface ModelRow {
  id: number;
  name: string;
  source: 'trained' | 'imported';
  dataset_id: number | null;
  dataset_name: string | null;
  architecture: string;
  architecture_spec: string | null;
  training: string | null;
  preprocessing: string;
  backend: string | null;
  epochs_run: number;
  stop_reason: StopReason | null;
  test_accuracy: number | null;
  parameters: number;
  onnx: string;
  job_id: number | null;
  heatlab_version: string;
  created_at: string;
}

const stopWords: Record<StopReason, string> = { completed: '', 'early-stopped': 'stopped early', stopped: 'stopped by the user', diverged: 'diverged' };

export function modelFacts(r: ModelRow): EntityFacts {
  const training = json<TrainingParams>(r.training);
  const spec = json<Architecture>(r.architecture_spec);
  const preprocessing = JSON.parse(r.preprocessing) as Preprocessing;
  const imported = (JSON.parse(r.onnx) as { imported?: ImportedOnnx; opset: number }).imported;
  const stop = r.stop_reason === null ? '' : stopWords[r.stop_reason];
  const summary =
    r.source === 'trained'
      ? `${r.architecture} trained on ${r.dataset_name ?? 'a dataset no longer recorded'} · ${plural(r.epochs_run, 'epoch')}${stop ? ` (${stop})` : ''} · ${formatCount(r.parameters)} parameters`
      : `imported ONNX${imported ? ` ${imported.sourceFile} from ${imported.producer.name || 'an unnamed producer'}${imported.producer.version ? ` ${imported.producer.version}` : ''}` : ''} · ${formatCount(r.parameters)} parameters`;
  const tested = imported?.testRun?.accuracy;
  const outcome = r.test_accuracy !== null ? `test accuracy ${formatScore(r.test_accuracy)}` : tested !== undefined && tested !== null ? `test-run accuracy ${formatScore(tested)}` : null;
  const params: CatalogueFact[] = [
    ...(spec === null ? [{ key: 'Architecture', value: r.architecture }] : readableFacts(spec, 'Architecture')),
    ...readableFacts(training ?? {}, 'Training'),
    ...readableFacts({ scale: preprocessing.scale, mean: preprocessing.mean, std: preprocessing.std }, 'Preprocessing'),
    ...(imported
      ? readableFacts({ sourcePath: imported.sourcePath, sourceSha256: imported.sourceSha256, opset: imported.sourceOpset, input: imported.input, output: imported.output, layout: imported.layout, channelOrder: imported.channelOrder }, 'Imported')
      : []),
  ];
  return {
    kind: 'model',
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    summary,
    outcome,
    params,
    seed: training === null ? null : String(training.seed),
    heatlabVersion: r.heatlab_version,
    engine: r.backend === null ? null : `tfjs ${r.backend}`,
    jobId: r.job_id,
  };
}

export interface RunRow {
  id: number;
  name: string;
  model_id: number;
  model_name: string | null;
  dataset_id: number;
  method_label: string;
  params: string;
  target: string;
  selection: string;
  /** The model's class names where a target or selection names a class; else []. */
  class_names: string;
  count: number;
  per_image: number;
  seed: number;
  engine: string;
  stats: string;
  job_id: number | null;
  heatlab_version: string;
  created_at: string;
}

/** "ONNX Runtime 1.30.0, 2 threads", from what an explanation or evaluation row recorded of it. */
function ortWords(text: string): string | null {
  const e = JSON.parse(text) as { ort?: string; threads?: number };
  if (e.ort === undefined) return null;
  return `ONNX Runtime ${e.ort}${e.threads === undefined ? '' : `, ${plural(e.threads, 'thread')}`}`;
}

export function runFacts(r: RunRow): EntityFacts {
  const selection = JSON.parse(r.selection) as ImageSelection;
  const target = JSON.parse(r.target) as ExplanationTarget;
  const classNames = JSON.parse(r.class_names) as string[];
  const stats = JSON.parse(r.stats) as { min: number; max: number; allZero: number; nonFinite: number };
  const warnings = [stats.allZero > 0 ? `${plural(stats.allZero, 'map')} all zero` : '', stats.nonFinite > 0 ? `${plural(stats.nonFinite, 'value')} not finite` : ''].filter(Boolean);
  const images = describeSelection(selection, classNames, r.count);
  return {
    kind: 'run',
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    summary: `${r.method_label} of ${r.model_name ?? `model ${r.model_id}`} · ${images} · ${describeTarget(target, classNames)}${r.per_image > 1 ? ` (${r.per_image} maps per image)` : ''}`,
    outcome: `values ${stats.min.toPrecision(3)} … ${stats.max.toPrecision(3)}${warnings.length ? `; ${warnings.join(', ')}` : ''}`,
    params: [
      { key: 'Method', value: r.method_label },
      ...readableFacts(JSON.parse(r.params), 'Method'),
      { key: 'Target', value: describeTarget(target, classNames) },
      { key: 'Images', value: images },
      ...readableFacts(selection, 'Images'),
    ],
    seed: selection.pick === 'random' ? `method ${r.seed}, images ${selection.seed}` : String(r.seed),
    heatlabVersion: r.heatlab_version,
    engine: ortWords(r.engine),
    jobId: r.job_id,
  };
}

export interface EvaluationRow {
  id: number;
  name: string;
  ground_truth: string | null;
  ground_truth_label: string | null;
  count: number;
  per_image: number;
  columns: string;
  metrics: string;
  /** The first metric's best column (json_extract of the rankings), or null. */
  best: number | null;
  seed: number;
  resamples: number;
  level: number;
  engine: string;
  job_id: number | null;
  heatlab_version: string;
  created_at: string;
}

export function evaluationFacts(r: EvaluationRow): EntityFacts {
  const columns = JSON.parse(r.columns) as EvaluatedColumn[];
  const metrics = JSON.parse(r.metrics) as EvaluatedMetric[];
  const groundTruth = json<GroundTruth>(r.ground_truth);
  const methods = columns.filter((c) => !isBaseline(c));
  const truth = r.ground_truth_label ?? describeGroundTruth(groundTruth);
  const best = r.best === null ? undefined : columns[r.best];
  return {
    kind: 'evaluation',
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    summary: `${plural(methods.length, 'method')} × ${plural(metrics.length, 'metric')} · ${plural(r.count, 'image')}${r.per_image > 1 ? ` × ${r.per_image} classes` : ''} · ${truth}`,
    outcome: best === undefined || metrics[0] === undefined ? null : `best on ${metrics[0].label}: ${best.label}`,
    params: [
      { key: 'Methods', value: methods.map((c) => c.label).join(', ') || 'none' },
      { key: 'Ground truth', value: truth },
      ...metrics.flatMap((m) => {
        const facts = readableFacts(m.params, m.label);
        return facts.length === 0 ? [{ key: m.label, value: 'no parameters' }] : facts;
      }),
      { key: 'Bootstrap resamples', value: String(r.resamples) },
      { key: 'Confidence level', value: String(r.level) },
    ],
    seed: String(r.seed),
    heatlabVersion: r.heatlab_version,
    engine: ortWords(r.engine),
    jobId: r.job_id,
  };
}

export interface AnnotationSetRow {
  id: number;
  dataset_id: number;
  dataset_count: number;
  name: string;
  annotator: string;
  labels: string;
  source: 'empty' | 'generated' | 'imported';
  seed: string | null;
  annotated: number;
  created_at: string;
}

export function annotationSetFacts(r: AnnotationSetRow): EntityFacts {
  const labels = JSON.parse(r.labels) as string[];
  const seed = json<{ kind: string; mask?: string }>(r.seed);
  const start = r.source === 'imported' ? 'imported masks' : seed?.kind === 'generated' ? `starts from the generated "${seed.mask}" masks` : r.source === 'generated' ? 'starts from generated masks' : 'starts empty';
  return {
    kind: 'annotationSet',
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    summary: `by ${r.annotator} · ${labels.length === 1 ? 'label' : 'labels'} ${labels.join(', ')} · ${start}`,
    outcome: r.source === 'imported' ? `${plural(r.annotated, 'image')} edited since the import` : `${formatCount(r.annotated)} of ${plural(r.dataset_count, 'image')} annotated`,
    params: [
      { key: 'Annotator', value: r.annotator },
      { key: 'Labels', value: labels.join(', ') },
      { key: 'Starts from', value: start },
    ],
    // Annotation sets record no seed, Heatlab version or engine: drawing needs none, and the table has no such columns.
    seed: null,
    heatlabVersion: null,
    engine: null,
    jobId: null,
  };
}
