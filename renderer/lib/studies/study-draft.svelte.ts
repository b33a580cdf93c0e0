// The "new study" form as editable state, built from the same schemas as the views it gathers: each
// dataset (generated with the generator's parameters, already in the catalogue, or imported from a
// folder) with its models (trained with an architecture and training parameters — the Train form's
// own draft —, already in the catalogue, or an ONNX file), the methods (the Explain form's draft),
// the images, the ground truths and the metrics (the Evaluate form's draft). `plan` turns it into a
// study file for studies.validate; `load` takes a plan (a template's) back into the form.
import { seedMaskKinds } from '../../../shared/annotations.js';
import type { MetricInfo } from '../../../shared/evaluations.js';
import type { ExplainMethodInfo } from '../../../shared/explanations.js';
import { generatorIds, generatorSchemas, type GeneratorId } from '../../../shared/generators.js';
import { architectureSchema, trainingSchema } from '../../../shared/models.js';
import type { StudyDataset, StudyGroundTruth, StudyImages, StudyModel, StudyPlan, StudyPlanInput, StudyTemplateRef } from '../../../shared/studies.js';
import type { ModelSummary } from '../../../shared/models.js';
import { EvaluateDraft } from '../evaluate/evaluate-draft.svelte.js';
import type { GroundTruthChoice } from '../evaluate/evaluate-request.js';
import { checkMetricParams } from '../evaluate/metric-params.js';
import { ExplainDraft } from '../explain/explain-draft.svelte.js';
import { checkParams, initialValues } from '../explain/method-params.js';
import { defaultsOf, fieldsOf, forParsing, issuesByField, type Field } from '../schema-fields.js';
import { TrainDraft } from '../train-draft.svelte.js';
import type { ProblemPlace } from './problem-place.js';

type SeedMaskKind = (typeof seedMaskKinds)[number];

let nextKey = 1;

/** A fresh generated dataset starts at the small templates' size, minutes rather than hours on a laptop. */
export const STARTING_IMAGES = 2000;

const generatorFields = new Map<GeneratorId, Field[]>();
export function fieldsOfGenerator(g: GeneratorId): Field[] {
  let f = generatorFields.get(g);
  if (!f) generatorFields.set(g, (f = fieldsOf(generatorSchemas[g], g)));
  return f;
}

function generatorValues(g: GeneratorId): Record<string, unknown> {
  return { ...defaultsOf(fieldsOfGenerator(g)), count: STARTING_IMAGES };
}

/** What the form cannot send yet, with where it is; or the plan's part. */
export type Part<T> = { value: T; problem?: undefined; place?: undefined } | { value?: undefined; problem: string; place: ProblemPlace };

export class ModelDraft {
  readonly key = nextKey++;
  kind = $state<'train' | 'existing' | 'onnx'>('train');
  readonly train = new TrainDraft(null, () => null);
  modelId = $state<number | null>(null);
  path = $state('');
  name = $state('');
  /** Options of a loaded ONNX import the form does not edit, sent back as they were. */
  #rest: Record<string, unknown> = {};

  load(model: StudyModel): void {
    this.kind = model.kind;
    if (model.kind === 'train') {
      this.train.load(model.architecture, model.training);
      this.train.name = model.name ?? '';
    } else if (model.kind === 'existing') {
      this.modelId = model.modelId;
    } else {
      const { kind: _kind, path, name, ...rest } = model;
      [this.path, this.name, this.#rest] = [path, name ?? '', rest];
    }
  }

  entry(d: number, m: number): Part<Record<string, unknown>> {
    const place: ProblemPlace = { section: 'datasets', dataset: d, model: m };
    const slot = `datasets[${d}].models[${m}]`;
    if (this.kind === 'existing') return this.modelId === null ? { problem: `Choose the model of ${slot}.`, place } : { value: { kind: 'existing', modelId: this.modelId } };
    if (this.kind === 'onnx') {
      if (this.path.trim() === '') return { problem: `Choose the ONNX file of ${slot}.`, place };
      return { value: { kind: 'onnx', path: this.path.trim(), ...(this.name.trim() ? { name: this.name.trim() } : {}), ...this.#rest } };
    }
    const request = this.train.request;
    const architecture = this.train.kind === 'custom' ? (this.train.customSpecs ? { kind: 'custom', layers: this.train.customSpecs } : null) : architectureSchema.safeParse(request.architecture).data;
    const training = trainingSchema.safeParse(request.training);
    if (!architecture) return { problem: `Correct the layers of ${slot}.`, place };
    if (!training.success) return { problem: `Correct the training parameters of ${slot}.`, place };
    const name = this.train.name.trim();
    return { value: { kind: 'train', ...(name ? { name } : {}), architecture, training: training.data } };
  }
}

export class DatasetDraft {
  readonly key = nextKey++;
  kind = $state<'generate' | 'existing' | 'import'>('generate');
  generator = $state<GeneratorId>('triangles-squares');
  /** One set of values per generator, so switching to look at another keeps the edits. */
  values = $state(Object.fromEntries(generatorIds.map((g) => [g, generatorValues(g)])) as Record<GeneratorId, Record<string, unknown>>);
  name = $state('');
  datasetId = $state<number | null>(null);
  path = $state('');
  masksPath = $state('');
  models = $state<ModelDraft[]>([new ModelDraft()]);
  /** Options of a loaded import the form does not edit (size policy, split, seed…), sent back as they were. */
  #rest: Record<string, unknown> = {};

  readonly fields = $derived(fieldsOfGenerator(this.generator));
  readonly parsed = $derived(generatorSchemas[this.generator].safeParse(forParsing(this.values[this.generator]!)));
  readonly errors = $derived(issuesByField(this.parsed.success ? undefined : this.parsed.error, this.fields));

  addModel(): void {
    this.models = [...this.models, new ModelDraft()];
  }

  removeModel(key: number): void {
    this.models = this.models.filter((m) => m.key !== key);
  }

  load(dataset: StudyDataset): void {
    this.kind = dataset.kind;
    if (dataset.kind === 'generate') {
      this.generator = dataset.generator;
      this.values[dataset.generator] = { ...defaultsOf(fieldsOfGenerator(dataset.generator)), ...dataset.params, seed: dataset.seed };
      this.name = dataset.name ?? '';
    } else if (dataset.kind === 'existing') {
      this.datasetId = dataset.datasetId;
    } else {
      const { kind: _kind, models: _models, path, masksPath, name, ...rest } = dataset;
      [this.path, this.masksPath, this.name, this.#rest] = [path, masksPath ?? '', name ?? '', rest];
    }
    this.models = dataset.models.map((m) => {
      const draft = new ModelDraft();
      draft.load(m);
      return draft;
    });
  }

  entry(d: number): Part<Record<string, unknown>> {
    const place: ProblemPlace = { section: 'datasets', dataset: d };
    let base: Record<string, unknown>;
    if (this.kind === 'generate') {
      if (!this.parsed.success) return { problem: `Correct the generator parameters of datasets[${d}].`, place };
      const { seed, ...params } = this.parsed.data as Record<string, unknown>;
      base = { kind: 'generate', generator: this.generator, params, seed, ...(this.name.trim() ? { name: this.name.trim() } : {}) };
    } else if (this.kind === 'existing') {
      if (this.datasetId === null) return { problem: `Choose the dataset of datasets[${d}].`, place };
      base = { kind: 'existing', datasetId: this.datasetId };
    } else {
      if (this.path.trim() === '') return { problem: `Choose the folder datasets[${d}] imports.`, place };
      base = { kind: 'import', path: this.path.trim(), ...(this.masksPath.trim() ? { masksPath: this.masksPath.trim() } : {}), ...(this.name.trim() ? { name: this.name.trim() } : {}), ...this.#rest };
    }
    if (this.models.length === 0) return { problem: `Add a model to datasets[${d}].`, place };
    const models: Record<string, unknown>[] = [];
    for (const [m, model] of this.models.entries()) {
      const part = model.entry(d, m);
      if (part.problem !== undefined) return part;
      models.push(part.value);
    }
    return { value: { ...base, models } };
  }
}

export class GroundTruthDraft {
  readonly key = nextKey++;
  kind = $state<StudyGroundTruth['kind']>('generated');
  mask = $state<SeedMaskKind>('object');
  setId = $state<number | null>(null);
  /** 1 = the set's first label; null = any marked region. */
  label = $state<number | null>(null);

  constructor(from?: StudyGroundTruth) {
    if (from === undefined) return;
    this.kind = from.kind;
    if (from.kind === 'generated') this.mask = from.mask;
    if (from.kind === 'set') [this.setId, this.label] = [from.id, from.label ?? null];
  }

  entry(g: number): Part<StudyGroundTruth> {
    if (this.kind === 'generated') return { value: { kind: 'generated', mask: this.mask } };
    if (this.kind === 'imported') return { value: { kind: 'imported' } };
    if (this.setId === null) return { problem: `Choose the annotation set of groundTruths[${g}].`, place: { section: 'groundTruths', index: g } };
    return { value: { kind: 'set', id: this.setId, ...(this.label === null ? {} : { label: this.label }) } };
  }
}

/** The Evaluate form's metric draft, told whether the study has any ground truth (which mask metrics need). */
export class StudyMetricsDraft extends EvaluateDraft {
  hasGroundTruth = $state(false);

  override get groundTruth(): GroundTruthChoice {
    // Any ground truth makes the mask metrics available; which one each evaluation uses is the study's.
    return this.hasGroundTruth ? { kind: 'generated', mask: 'object' } : { kind: 'none' };
  }
}

export class StudyDraft {
  name = $state('');
  question = $state('');
  datasets = $state<DatasetDraft[]>([new DatasetDraft()]);
  /** The Explain form's draft: its chosen methods with their parameters, and the images (split, pick, n, seed, class). */
  readonly explain = new ExplainDraft();
  readonly metrics = new StudyMetricsDraft();
  groundTruths = $state<GroundTruthDraft[]>([]);
  target = $state<'predicted' | 'true'>('predicted');
  seed = $state<number | null>(1);
  resamples = $state<number | null>(2000);
  level = $state<number | null>(0.95);
  /** The template the plan started from: its citation and differences go with the study. */
  template = $state.raw<StudyTemplateRef | null>(null);

  constructor() {
    this.explain.n = 100;
    this.explain.pick = 'random';
  }

  addDataset(): void {
    this.datasets = [...this.datasets, new DatasetDraft()];
  }

  removeDataset(key: number): void {
    this.datasets = this.datasets.filter((d) => d.key !== key);
  }

  addGroundTruth(): void {
    this.groundTruths = [...this.groundTruths, new GroundTruthDraft()];
    this.metrics.hasGroundTruth = true;
  }

  removeGroundTruth(key: number): void {
    this.groundTruths = this.groundTruths.filter((g) => g.key !== key);
    this.metrics.hasGroundTruth = this.groundTruths.length > 0;
  }

  /** Existing models, grouped under their datasets (in the order first ticked). A model without a dataset gets a dataset to choose. */
  preselect(ids: readonly number[], models: readonly ModelSummary[]): void {
    const groups = new Map<number | null, number[]>();
    for (const id of ids) {
      const model = models.find((m) => m.id === id);
      if (model === undefined) continue;
      const key = model.datasetId;
      groups.set(key, [...(groups.get(key) ?? []), id]);
    }
    this.datasets = [...groups].map(([datasetId, modelIds]) => {
      const d = new DatasetDraft();
      d.kind = 'existing';
      d.datasetId = datasetId;
      d.models = modelIds.map((modelId) => {
        const m = new ModelDraft();
        [m.kind, m.modelId] = ['existing', modelId];
        return m;
      });
      return d;
    });
    if (this.datasets.length === 0) this.datasets = [new DatasetDraft()];
  }

  /** Takes a plan (a template's) into the form; the method and metric lists give their parameter forms. */
  load(input: StudyPlanInput, methods: readonly ExplainMethodInfo[], metrics: readonly MetricInfo[]): void {
    const plan = input as StudyPlan;
    this.name = plan.name;
    this.question = plan.question ?? '';
    this.template = plan.template ?? null;
    this.datasets = plan.datasets.map((d) => {
      const draft = new DatasetDraft();
      draft.load({ ...d, models: d.models.map((m) => (m.kind === 'train' ? { ...m, architecture: architectureSchema.parse(m.architecture ?? { kind: 'preset' }), training: trainingSchema.parse(m.training ?? {}) } : m)) } as StudyDataset);
      return draft;
    });
    this.explain.choose(plan.methods.map((m) => m.id), methods);
    for (const m of plan.methods) {
      const info = methods.find((x) => x.id === m.id);
      if (info) this.explain.values[m.id] = { ...initialValues(this.explain.fields(info)), ...m.params };
    }
    const images = plan.images as Partial<StudyImages> & { n: number };
    this.explain.split = images.split ?? 'test';
    this.explain.pick = images.label !== undefined ? 'class' : (images.pick ?? 'random');
    this.explain.classId = images.label ?? 0;
    this.explain.n = images.n;
    this.explain.imageSeed = images.seed ?? 1;
    this.groundTruths = (plan.groundTruths ?? []).map((g) => new GroundTruthDraft(g));
    this.metrics.hasGroundTruth = this.groundTruths.length > 0;
    this.metrics.choose(plan.metrics.map((m) => m.id), metrics);
    for (const m of plan.metrics) {
      const info = metrics.find((x) => x.id === m.id);
      if (info) this.metrics.values[m.id] = { ...initialValues(this.metrics.fields(info)), ...m.params };
    }
    this.target = plan.target === 'true' ? 'true' : 'predicted';
    this.seed = plan.seed ?? 1;
    this.resamples = plan.resamples ?? 2000;
    this.level = plan.level ?? 0.95;
  }

  /** The study file the form describes, or what the form itself must have first and where. */
  plan(methods: readonly ExplainMethodInfo[], metrics: readonly MetricInfo[]): Part<Record<string, unknown>> {
    if (this.name.trim() === '') return { problem: 'Give the study a name.', place: { section: 'about' } };
    if (this.datasets.length === 0) return { problem: 'Add a dataset.', place: { section: 'datasets' } };
    const datasets: Record<string, unknown>[] = [];
    for (const [d, dataset] of this.datasets.entries()) {
      const part = dataset.entry(d);
      if (part.problem !== undefined) return part;
      datasets.push(part.value);
    }
    if (this.explain.chosen.length === 0) return { problem: 'Choose at least one method.', place: { section: 'methods' } };
    const chosenMethods: Record<string, unknown>[] = [];
    for (const id of this.explain.chosen) {
      const info = methods.find((m) => m.id === id);
      if (!info) continue;
      const params = checkParams(this.explain.fields(info), this.explain.values[id] ?? {}).params;
      if (params === null) return { problem: `Correct the parameters of ${info.label}.`, place: { section: 'methods' } };
      chosenMethods.push({ id, params });
    }
    const e = this.explain;
    const whole = (v: number | null, min: number) => v !== null && Number.isInteger(v) && v >= min;
    if (!whole(e.n, 1)) return { problem: 'Enter how many images to explain (a whole number from 1).', place: { section: 'images' } };
    if (!whole(e.imageSeed, 0)) return { problem: 'Enter a selection seed (a whole number from 0).', place: { section: 'images' } };
    const images = { split: e.split, pick: e.pick === 'first' ? 'first' : 'random', n: e.n, seed: e.imageSeed, ...(e.pick === 'class' ? { label: e.classId } : {}) };
    const groundTruths: StudyGroundTruth[] = [];
    for (const [g, gt] of this.groundTruths.entries()) {
      const part = gt.entry(g);
      if (part.problem !== undefined) return part;
      groundTruths.push(part.value);
    }
    if (this.metrics.metrics.length === 0) return { problem: 'Choose at least one metric.', place: { section: 'metrics' } };
    const chosenMetrics: Record<string, unknown>[] = [];
    for (const id of this.metrics.metrics) {
      const info = metrics.find((m) => m.id === id);
      if (!info) continue;
      const params = checkMetricParams(this.metrics.fields(info), this.metrics.values[id] ?? {}).params;
      if (params === null) return { problem: `Correct the parameters of ${info.label}.`, place: { section: 'metrics' } };
      chosenMetrics.push({ id, params });
    }
    if (!whole(this.seed, 0)) return { problem: 'Enter a seed (a whole number from 0).', place: { section: 'settings' } };
    if (!whole(this.resamples, 100)) return { problem: 'Enter the bootstrap resamples (a whole number from 100).', place: { section: 'settings' } };
    if (this.level === null || !(this.level > 0.5 && this.level < 1)) return { problem: 'Enter a confidence level between 0.5 and 1, such as 0.95.', place: { section: 'settings' } };
    return {
      value: {
        name: this.name.trim(),
        question: this.question.trim(),
        ...(this.template ? { template: this.template } : {}),
        datasets,
        methods: chosenMethods,
        target: this.target,
        images,
        groundTruths,
        metrics: chosenMetrics,
        seed: this.seed,
        resamples: this.resamples,
        level: this.level,
      },
    };
  }
}
