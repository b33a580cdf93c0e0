// Explanation runs: one model × a selection of dataset images × one attribution method with its
// parameters × a target. Heatmaps are stored raw (signed float32) with the model's logits.
import { z } from 'zod';
import { splitNames, type DatasetRef, type SplitName } from './datasets.js';
import type { ArrayFile, ImageBatch } from './datasets.js';
import type { Preprocessing } from './models.js';

const id = z.int().min(1);

/** Which class a heatmap explains. */
export const targetSchema = z.union([
  z.literal('predicted').describe("The model's predicted class (default)."),
  z.literal('true').describe("The image's label in the dataset."),
  z.literal('all').describe('Every class: one heatmap per class and image.'),
  z.object({ class: z.int().min(0) }).strict().describe('One chosen class for every image.'),
]);
export type ExplanationTarget = z.output<typeof targetSchema>;

/**
 * Which images: a split (or all), narrowed to one true class and to what the model predicts (right
 * or wrong, and how confident), then the first n, a seeded random n, or given dataset indices.
 */
export const imageSelectionSchema = z
  .object({
    split: z.enum([...splitNames, 'all']).default('test'),
    pick: z.enum(['first', 'random', 'indices']).default('first'),
    /** Only images of this true class (for `first` and `random`). */
    label: z.int().min(0).optional(),
    /** Only images the model classifies correctly, or wrongly (for `first` and `random`); the explanation job's own forward pass decides. */
    outcome: z.enum(['correct', 'incorrect']).optional(),
    /** Only images whose predicted class has a softmax probability in [min, max] (for `first` and `random`). */
    confidence: z
      .object({ min: z.number().min(0).max(1), max: z.number().min(0).max(1) })
      .strict()
      .refine((c) => c.min <= c.max, 'The lowest confidence must not exceed the highest.')
      .optional(),
    /** How many images for `first` and `random` (all that qualify when left out). */
    n: z.int().min(1).max(1_000_000).optional(),
    /** Dataset indices for `indices` (in the given order; the split is not applied). */
    indices: z.array(z.int().min(0)).min(1).max(1_000_000).optional(),
    seed: z.int().min(0).max(0xffffffff).default(1),
  })
  .strict();
export type ImageSelection = z.output<typeof imageSelectionSchema>;

/** An entry of a registry (an explanation method, a metric) by id, with its parameters: parsed by the entry's own schema, defaults filling what is left out. */
export const registryChoiceSchema = z
  .object({
    id: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const methodChoiceSchema = registryChoiceSchema;

export const explainRequestSchema = z
  .object({
    modelId: id,
    datasetId: id,
    images: imageSelectionSchema.prefault({}),
    methods: z.array(methodChoiceSchema).min(1).max(64),
    target: targetSchema.default('predicted'),
    /** Seeds every random method (SmoothGrad noise, RISE masks, LIME samples…); stored with each run. */
    seed: z.int().min(0).max(0xffffffff).default(1),
  })
  .strict();
export type ExplainRequest = z.output<typeof explainRequestSchema>;

/** The largest number of models explained side by side in one go (one job each). */
export const MAX_EXPLAINED_MODELS = 8;

/** Several models explained on the very same images with the same methods: one job per model. */
export const explainModelsRequestSchema = explainRequestSchema
  .omit({ modelId: true })
  .extend({ modelIds: z.array(id).min(2).max(MAX_EXPLAINED_MODELS) })
  .strict();
export type ExplainModelsRequest = z.output<typeof explainModelsRequestSchema>;

export const explanationRequestSchemas = {
  /** The methods Heatlab offers, with the JSON Schema of their parameters. */
  'explain.methods': z.object({}).strict(),
  /** Starts an explanation job: one run per method. */
  'explain.start': explainRequestSchema,
  /** Starts one explanation job per model, each on the same images with the same methods, target and seed. */
  'explain.compare': explainModelsRequestSchema,
  'explanations.list': z.object({ modelId: id.optional(), datasetId: id.optional() }).strict(),
  'explanations.get': z.object({ id }).strict(),
  /** Heatmaps of some rows of a run (row = position in the run, not the dataset index). */
  'explanations.heatmaps': z.object({ id, rows: z.array(z.int().min(0)).min(1).max(4096) }).strict(),
  /**
   * Every row of the viewer's grid of these runs (the first run's images, predictions and true
   * classes), after checking that every run explains the very same images with the same model.
   */
  'explanations.gridIndex': z.object({ ids: z.array(id).min(1).max(64) }).strict(),
  /**
   * What the viewer's grid shows of some rows, in one call: the same rows of several runs, with the
   * images and true labels of the first run's rows. Rows past a run's last image are left out of its
   * batch: its `rows` says which came.
   */
  'explanations.gridRows': z.object({ ids: z.array(id).min(1).max(64), rows: z.array(z.int().min(0)).min(1).max(4096) }).strict(),
  'explanations.rename': z.object({ id, name: z.string().trim().min(1).max(200) }).strict(),
  'explanations.delete': z.object({ id }).strict(),
} as const;

/**
 * How heatmap-quality metrics rank a method's maps by default: by value (signed: the sign is
 * evidence for or against the class) or by magnitude (absolute: the sign carries no evidence).
 * For a map that is never negative the two agree. main/explain/methods.md gives each method's reason.
 */
export type RelevanceSign = 'signed' | 'absolute';

export interface ExplainMethodInfo {
  id: string;
  label: string;
  /** graph = compiled backward pass (needs every op supported); perturbation = forward passes only. */
  kind: 'graph' | 'perturbation';
  /** JSON Schema (draft 2020-12) of the parameters, with defaults, ranges and descriptions. */
  params: Record<string, unknown>;
  /** The parameters' default values. */
  defaults: Record<string, unknown>;
  /** Whether the method draws random numbers (its run's seed matters). */
  random: boolean;
  /** How metrics should rank its maps by default. */
  relevance: RelevanceSign;
}

export interface ExplanationRunSummary {
  id: number;
  name: string;
  modelId: number;
  modelName: string | null;
  datasetId: number;
  datasetName: string | null;
  method: string;
  methodLabel: string;
  kind: 'graph' | 'perturbation';
  target: ExplanationTarget;
  /** Images explained. */
  count: number;
  /** Heatmaps per image: 1, or the number of classes for target `all`. */
  perImage: number;
  height: number;
  width: number;
  seconds: number;
  createdAt: string;
}

export interface ExplanationRun extends ExplanationRunSummary {
  /** The method's parameters as run, defaults filled in. */
  params: Record<string, unknown>;
  selection: ImageSelection;
  classNames: string[];
  seed: number;
  /** ONNX Runtime version and threads, the explained output, and what else decides the numbers. */
  engine: ExplanationEngine;
  stats: HeatmapStats;
  jobId: number | null;
  heatlabVersion: string;
  imagesPerSecond: number;
  /** Workspace-relative array files (heatmaps, logits, indices, targets). */
  files: ArrayFile[];
}

export interface ExplanationEngine {
  ort: string;
  threads: number;
  /**
   * What the explained scores are: 'logits' (pre-softmax, a trailing Softmax stripped), 'probabilities'
   * (an imported model whose file holds only softmax outputs), or 'output' (a model the compiler
   * cannot read, explained on its stored output as it is).
   */
  explains: 'logits' | 'probabilities' | 'output';
  batchSize: number;
}

/** Summary numbers of all heatmaps of a run, for colour scales and sanity checks. */
export interface HeatmapStats {
  min: number;
  max: number;
  meanAbs: number;
  /** Heatmaps that are zero everywhere. */
  allZero: number;
  /** Values that are NaN or infinite (0 for a healthy run). */
  nonFinite: number;
}

export interface HeatmapBatch {
  runId: number;
  rows: number[];
  /** [rows, perImage, H, W] float32, signed and raw. */
  heatmaps: Float32Array;
  perImage: number;
  height: number;
  width: number;
  /** [rows, classes] of the model's logits. */
  logits: Float32Array;
  /** Dataset index of each row. */
  indices: Int32Array;
  /** The explained class of each heatmap [rows, perImage]. */
  targets: Int32Array;
}

/** Every row of the viewer's grid: small enough for 100,000 images, so filters see them all. */
export interface GridIndex {
  /** Dataset index of each row, in the runs' order. */
  indices: Int32Array;
  /** Their true classes. */
  labels: Int32Array;
  /** [rows, classes] of the model's logits (or an imported model's probabilities). */
  logits: Float32Array;
}

/** Rows of the viewer's grid: one batch per run, in the order asked, and the first run's images. */
export interface GridRows {
  batches: HeatmapBatch[];
  /** The dataset images of the first batch's rows, in its order. */
  images: ImageBatch;
  /** Their true classes. */
  labels: Int32Array;
}

/** What main hands the compute host for an explanation job (resolved from the catalogue). */
export interface ExplainJobParams extends ExplainRequest {
  model: {
    id: number;
    name: string;
    /** Workspace-relative .onnx path and its checksum (the session cache key). */
    onnx: string;
    sha256: string;
    preprocessing: Preprocessing;
    classNames: string[];
    /** What the stored file's scores are (imported models may hold only probabilities). */
    scores: 'logits' | 'probabilities';
  };
  dataset: DatasetRef;
}

/** One method's finished run, staged in `stagingDir` (workspace-relative). */
export interface StagedExplanation {
  method: string;
  methodLabel: string;
  kind: 'graph' | 'perturbation';
  params: Record<string, unknown>;
  count: number;
  perImage: number;
  height: number;
  width: number;
  stats: HeatmapStats;
  engine: ExplanationEngine;
  seconds: number;
  stagingDir: string;
  /** Paths relative to stagingDir. */
  files: ArrayFile[];
}

export interface StagedExplanations {
  request: ExplainJobParams;
  runs: StagedExplanation[];
}

/** Progress detail of an explanation job as the compute host reports it: every run finished so far. */
export interface ExplainHostDetail {
  method: string;
  /** Index of the method being run, of `runs`. */
  run: number;
  runs: number;
  finished: StagedExplanation[];
}

/** Progress detail of an explanation job as main passes it on: the runs already recorded, in method order. */
export interface ExplainProgressDetail {
  method: string;
  run: number;
  runs: number;
  runIds: number[];
}

export const explanationRoles = { heatmaps: 'heatmaps', logits: 'logits', indices: 'indices', targets: 'targets' } as const;

export { describeSelection, describeTarget, selectionShortfall, selectsByPrediction } from './explanation-words.js';
