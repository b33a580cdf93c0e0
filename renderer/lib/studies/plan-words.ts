// A study's plan in words, for its page: each dataset with its generator or source and the
// parameters that differ from the defaults, each model with its architecture and training, the
// methods and metrics with their parameters, the images, ground truths and seeds.
import { describeArchitecture } from '../../../shared/architectures.js';
import type { MetricInfo } from '../../../shared/evaluations.js';
import type { ExplainMethodInfo } from '../../../shared/explanations.js';
import { formatCount, formatNumber } from '../../../shared/format.js';
import { generatorInfo, generatorSchemas, maskKindLabels } from '../../../shared/generators.js';
import { architectureLabels, trainingSchema } from '../../../shared/models.js';
import type { StudyDataset, StudyGroundTruth, StudyModel, StudyPlan, StudyPlanInput } from '../../../shared/studies.js';
import { trainingWords } from '../model-words.js';
import { paramWords } from '../param-labels.js';

export interface Worded {
  title: string;
  /** "label value" pieces; empty when everything is as the defaults. */
  facts: string[];
}

export interface DatasetWords extends Worded {
  models: Worded[];
}

function value(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v))
    return Object.entries(v)
      .map(([k, x]) => `${k} ${value(x)}`)
      .join(', ');
  return JSON.stringify(v);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The parameters that differ from `defaults`, each as "label value". */
export function changedParams(params: Record<string, unknown>, defaults: Record<string, unknown>, label: (key: string) => string = (k) => paramWords(k).label): string[] {
  return Object.entries(params)
    .filter(([k, v]) => v !== undefined && !same(v, defaults[k]))
    .map(([k, v]) => `${label(k)} ${value(v)}`);
}

function datasetWords(d: StudyDataset, index: number): Worded {
  if (d.kind === 'generate') {
    const defaults = generatorSchemas[d.generator].parse({}) as Record<string, unknown>;
    const params = { count: defaults.count, ...d.params };
    return {
      title: `datasets[${index}]: ${d.name ?? generatorInfo[d.generator].label}, generated`,
      facts: [`Images ${formatCount(Number(params.count))}`, ...changedParams({ ...d.params, count: undefined }, defaults, (k) => paramWords(k, d.generator).label), `seed ${d.seed}`],
    };
  }
  if (d.kind === 'existing') return { title: `datasets[${index}]: dataset ${d.datasetId} from the catalogue`, facts: [] };
  return { title: `datasets[${index}]: imported from ${d.path}`, facts: [d.masksPath ? `masks from ${d.masksPath}` : 'no masks', `channels ${d.channels}`, `seed ${d.seed}`] };
}

function modelWords(m: StudyModel, d: number, k: number): Worded {
  const slot = `datasets[${d}].models[${k}]`;
  if (m.kind === 'existing') return { title: `${slot}: model ${m.modelId} from the catalogue`, facts: [] };
  if (m.kind === 'onnx') return { title: `${slot}: ${m.name ?? 'ONNX model'} imported from ${m.path}`, facts: [] };
  const architecture = m.architecture.kind === 'preset' ? `${architectureLabels[m.architecture.preset].label}${describeArchitecture(m.architecture).replace(m.architecture.preset, '')}` : describeArchitecture(m.architecture);
  const defaults = trainingSchema.parse({}) as Record<string, unknown>;
  const training = m.training as Record<string, unknown>;
  return {
    title: `${slot}: ${m.name ?? architecture}, trained`,
    facts: [`${training.epochs} epoch${training.epochs === 1 ? '' : 's'}`, ...changedParams({ ...training, epochs: undefined, seed: undefined }, defaults, (key) => trainingWords[key]?.label ?? paramWords(key).label), `seed ${training.seed}`],
  };
}

export function datasetsWords(plan: Pick<StudyPlan, 'datasets'>): DatasetWords[] {
  return plan.datasets.map((d, i) => ({ ...datasetWords(d, i), models: d.models.map((m, k) => modelWords(m, i, k)) }));
}

export function entryWords(entries: readonly { id: string; params?: Record<string, unknown> }[], infos: readonly (ExplainMethodInfo | MetricInfo)[]): Worded[] {
  return entries.map((e) => {
    const info = infos.find((i) => i.id === e.id);
    return { title: info?.label ?? e.id, facts: changedParams(e.params ?? {}, info?.defaults ?? {}) };
  });
}

export function imagesWords(images: StudyPlanInput['images']): string {
  const split = images.split ?? 'test';
  const where = split === 'all' ? 'of every split' : `of the ${split} split`;
  const which = (images.pick ?? 'random') === 'random' ? `${formatCount(images.n)} random images ${where} (selection seed ${images.seed ?? 1})` : `the first ${formatCount(images.n)} images ${where}`;
  return `${which}${images.label === undefined ? '' : `, of class ${images.label} only`}, the same on every dataset.`;
}

export function groundTruthWords(gt: StudyGroundTruth): string {
  if (gt.kind === 'generated') {
    const [, what] = maskKindLabels[gt.mask].split(' — ');
    return `the generated ${gt.mask} masks${what ? ` (${what})` : ''}`;
  }
  if (gt.kind === 'imported') return 'the masks imported with the dataset';
  return `annotation set ${gt.id}${gt.label === undefined ? ', any marked region' : `, label ${gt.label}`}`;
}

export function settingsWords(plan: Pick<StudyPlan, 'target' | 'seed' | 'resamples' | 'level'>): string {
  const target = plan.target === 'predicted' ? 'the predicted class' : plan.target === 'true' ? 'the true class' : plan.target === 'all' ? 'every class' : `class ${plan.target.class}`;
  return `Explains ${target}; seed ${plan.seed} for the random methods, baseline, metrics and bootstrap; ${Math.round(plan.level * 100)} % confidence intervals from ${formatCount(plan.resamples)} resamples.`;
}

/** A template's size in a few words: images generated, epochs, images explained, methods and metrics. */
export function sizeWords(plan: StudyPlanInput): string {
  const generated = plan.datasets.map((d) => (d.kind === 'generate' && typeof d.params?.count === 'number' ? d.params.count : null)).filter((n): n is number => n !== null);
  const epochs = plan.datasets.flatMap((d) => d.models.map((m) => (m.kind === 'train' ? (m.training?.epochs ?? 5) : null))).filter((n): n is number => n !== null);
  const models = plan.datasets.reduce((n, d) => n + d.models.length, 0);
  return [
    generated.length > 0 ? `${generated.map(formatCount).join(' + ')} images generated` : `${plan.datasets.length} dataset${plan.datasets.length === 1 ? '' : 's'}`,
    epochs.length > 0 ? `${models} model${models === 1 ? '' : 's'}, ${[...new Set(epochs)].join('/')} epochs` : `${models} model${models === 1 ? '' : 's'}`,
    `${formatCount(plan.images.n)} images explained with ${plan.methods.length} method${plan.methods.length === 1 ? '' : 's'}`,
    `${plan.metrics.length} metric${plan.metrics.length === 1 ? '' : 's'}`,
  ].join(' · ');
}
