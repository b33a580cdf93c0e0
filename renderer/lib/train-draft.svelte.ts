// The "Train a model" form as editable state: dataset, architecture (a preset with its options, or
// a custom layer list), hyper-parameters from the training schema's defaults, and the request
// they make, checked by the same schema main parses it with.
import { z } from 'zod';
import type { ApiRequest } from '../../shared/api.js';
import { architectureSchema, layerSpecSchema, trainingSchema, trainRequestSchema, type Architecture, type ArchitecturePreset, type LayerSpec, type LayerType, type TrainingParams } from '../../shared/models.js';
import { layerWords, trainingWords } from './model-words.js';
import { defaultsOf, fieldsOf, forParsing, issuesByField, type Field } from './schema-fields.js';

type Variant = (typeof layerSpecSchema.options)[number];
const variantType = (v: Variant): LayerType => v.shape.type.value;
const variants = new Map(layerSpecSchema.options.map((v) => [variantType(v), v] as const));
/** Layer types in the order the schema lists them. */
export const layerTypes: LayerType[] = [...variants.keys()];

const withWords = (fields: Field[], words: Record<string, object>) => fields.map((f) => ({ ...f, ...words[f.key] }) as Field);
const layerFieldCache = new Map<LayerType, { fields: Field[]; required: Set<string> }>();

/** The editable fields of a layer type, and which of them must be given. */
export function layerFields(type: LayerType): { fields: Field[]; required: Set<string> } {
  let entry = layerFieldCache.get(type);
  if (!entry) {
    const schema = variants.get(type)!;
    const required = new Set((z.toJSONSchema(schema, { io: 'input' }) as { required?: string[] }).required ?? []);
    entry = { fields: withWords(fieldsOf(schema), layerWords), required };
    layerFieldCache.set(type, entry);
  }
  return entry;
}

/** Sizes for the fields a layer must have but whose schema gives no default. */
const starting: Record<string, number> = { filters: 32, kernel: 3, units: 64 };

export interface DraftLayer {
  key: number;
  type: LayerType;
  values: Record<string, unknown>;
}

const trainingKeys = ['optimizer', 'learningRate', 'momentum', 'batchSize', 'epochs', 'seed'];
export const trainingFields: Field[] = withWords(fieldsOf(trainingSchema), trainingWords)
  .filter((f) => trainingKeys.includes(f.key))
  .map((f) => (f.key === 'learningRate' && f.kind === 'number' ? { ...f, step: 0.0001 } : f));
const stoppingDefaults = trainingSchema.parse({ earlyStopping: {} }).earlyStopping!;

const empty = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

export class TrainDraft {
  datasetId = $state<number | null>(null);
  name = $state('');
  kind = $state<'preset' | 'custom'>('preset');
  preset = $state<ArchitecturePreset>('tiny-cnn');
  batchNorm = $state(false);
  dropout = $state<number | null>(0);
  layers = $state<DraftLayer[]>([]);
  training = $state<Record<string, unknown>>(defaultsOf(trainingFields));
  validation = $state<'dataset' | 'fraction'>('dataset');
  validationFraction = $state<number | null>(0.2);
  earlyStopping = $state(false);
  patience = $state<number | null>(stoppingDefaults.patience);
  restoreBest = $state(stoppingDefaults.restoreBest);
  #nextKey = 1;
  readonly #fallbackDataset: () => number | null;

  /** `fallbackDataset` answers which dataset to train on until the user picks one. */
  constructor(datasetId: number | null, fallbackDataset: () => number | null) {
    this.datasetId = datasetId;
    this.#fallbackDataset = fallbackDataset;
    // A custom list starts as tiny-cnn without its classifier, ready to edit.
    const start: [LayerType, Record<string, unknown>][] = [
      ['conv2d', { filters: 16 }],
      ['maxpool', {}],
      ['conv2d', { filters: 32 }],
      ['maxpool', {}],
      ['conv2d', { filters: 32, stride: 2 }],
      ['flatten', {}],
      ['dense', { units: 64 }],
    ];
    this.layers = start.map(([type, values]) => this.#layer(type, values));
  }

  #layer(type: LayerType, values: Record<string, unknown> = {}): DraftLayer {
    const { fields } = layerFields(type);
    const base = Object.fromEntries(fields.map((f) => [f.key, f.default ?? starting[f.key]]));
    return { key: this.#nextKey++, type, values: { ...base, ...values } };
  }

  addLayer(type: LayerType, at = this.layers.length): DraftLayer {
    const layer = this.#layer(type);
    this.layers.splice(at, 0, layer);
    return layer;
  }

  removeLayer(key: number): void {
    this.layers = this.layers.filter((l) => l.key !== key);
  }

  moveLayer(key: number, by: -1 | 1): void {
    const i = this.layers.findIndex((l) => l.key === key);
    const j = i + by;
    if (i < 0 || j < 0 || j >= this.layers.length) return;
    const next = [...this.layers];
    [next[i], next[j]] = [next[j]!, next[i]!];
    this.layers = next;
  }

  setLayerType(key: number, type: LayerType): void {
    this.layers = this.layers.map((l) => (l.key === key ? { ...this.#layer(type), key } : l));
  }

  /** Takes a model a study plan describes: its architecture and training, every default filled in. */
  load(architecture: Architecture, training: TrainingParams): void {
    if (architecture.kind === 'preset') {
      [this.kind, this.preset, this.batchNorm, this.dropout] = ['preset', architecture.preset, architecture.batchNorm, architecture.dropout];
    } else {
      this.kind = 'custom';
      this.layers = architecture.layers.map(({ type, ...values }) => this.#layer(type, values));
    }
    this.training = Object.fromEntries(trainingFields.map((f) => [f.key, (training as Record<string, unknown>)[f.key]]));
    this.validation = training.validation === 'dataset' ? 'dataset' : 'fraction';
    if (training.validation !== 'dataset') this.validationFraction = training.validation;
    this.earlyStopping = training.earlyStopping !== null;
    if (training.earlyStopping !== null) [this.patience, this.restoreBest] = [training.earlyStopping.patience, training.earlyStopping.restoreBest];
  }

  resetTraining(): void {
    this.training = defaultsOf(trainingFields);
  }

  /** A layer as the schema reads it: empty optional fields left out, empty required ones invalid. */
  static specInput(layer: DraftLayer): Record<string, unknown> {
    const { fields, required } = layerFields(layer.type);
    const out: Record<string, unknown> = { type: layer.type };
    for (const f of fields) {
      const v = layer.values[f.key];
      if (!empty(v)) out[f.key] = v;
      else if (required.has(f.key) || f.default !== undefined) out[f.key] = Number.NaN;
    }
    return out;
  }

  /** Each layer's first problem per field, keyed by layer key then field. */
  readonly layerErrors = $derived(
    new Map(
      this.layers.map((l) => {
        const parsed = variants.get(l.type)!.safeParse(TrainDraft.specInput(l));
        return [l.key, issuesByField(parsed.success ? undefined : parsed.error, layerFields(l.type).fields)] as const;
      }),
    ),
  );

  /** The custom layers with their defaults, once every one of them is valid; else null. */
  readonly customSpecs = $derived.by((): LayerSpec[] | null => {
    const specs: LayerSpec[] = [];
    for (const l of this.layers) {
      const parsed = variants.get(l.type)!.safeParse(TrainDraft.specInput(l));
      if (!parsed.success) return null;
      specs.push(parsed.data);
    }
    return specs;
  });

  get chosenDatasetId(): number | null {
    return this.datasetId ?? this.#fallbackDataset();
  }

  /** The architecture as the form now describes it, once valid. */
  readonly architecture = $derived.by((): Architecture | null => {
    if (this.kind === 'custom') return this.customSpecs ? { kind: 'custom', layers: this.customSpecs } : null;
    const parsed = architectureSchema.safeParse(this.request.architecture);
    return parsed.success ? parsed.data : null;
  });

  readonly request = $derived({
    datasetId: this.chosenDatasetId ?? Number.NaN,
    ...(this.name.trim() ? { name: this.name.trim() } : {}),
    architecture:
      this.kind === 'preset'
        ? { kind: 'preset' as const, preset: this.preset, batchNorm: this.batchNorm, dropout: this.dropout ?? Number.NaN }
        : { kind: 'custom' as const, layers: this.layers.map((l) => TrainDraft.specInput(l)) },
    training: {
      ...forParsing(this.training),
      validation: this.validation === 'dataset' ? ('dataset' as const) : (this.validationFraction ?? Number.NaN),
      earlyStopping: this.earlyStopping ? { patience: this.patience ?? Number.NaN, restoreBest: this.restoreBest } : null,
    },
  });

  readonly parsed = $derived(trainRequestSchema.safeParse(this.request));

  /** First problem per field: "training.epochs", "training.validation", "architecture.dropout", … */
  readonly errors = $derived(issuesByField(this.parsed.success ? undefined : this.parsed.error, trainingFields, 2));

  /** The request to send (defaults filled in), once the schema accepts it. */
  get valid(): ApiRequest<'models.train'> | null {
    return this.parsed.success ? this.parsed.data : null;
  }
}
