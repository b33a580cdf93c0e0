// Evaluations: heatmap-quality metrics scored on explanation runs of one model and one image set,
// against a ground truth where a metric needs one, with a random-map baseline alongside, bootstrap
// confidence intervals and paired significance tests between the methods.
import { z } from 'zod';
import { seedMaskKinds } from './annotations.js';
import { registryChoiceSchema } from './explanations.js';
import type { ArrayFile, DatasetRef } from './datasets.js';
import type { Preprocessing } from './models.js';
import type { MetricFamilyName } from './metric-families.js';
import type { EvaluationReliability } from './reliability.js';

export type { MetricFamilyName };

const id = z.int().min(1);

/** Where localisation metrics take the regions a human would look at. */
export const groundTruthSchema = z.union([
  z.object({ kind: z.literal('generated'), mask: z.enum(seedMaskKinds) }).strict().describe("A ground-truth kind the dataset's generator drew."),
  z
    .object({ kind: z.literal('set'), id, label: z.int().min(1).max(16).optional() })
    .strict()
    .describe('An annotation set (any marked region, or one label: 1 = the first). Images without a mask get no localisation score.'),
]);
export type GroundTruth = z.output<typeof groundTruthSchema>;

/** A metric by id with its parameters (parsed by the metric's own schema; defaults fill what is left out). */
export const metricChoiceSchema = registryChoiceSchema;

export const evaluateRequestSchema = z
  .object({
    /** Explanation runs of one model on the same images and targets: one column each. */
    runIds: z.array(id).min(1).max(32),
    metrics: z.array(metricChoiceSchema).min(1).max(32),
    groundTruth: groundTruthSchema.optional(),
    /** Seeds the random baseline maps, the metrics' noise and the bootstrap; stored with the result. */
    seed: z.int().min(0).max(0xffffffff).default(1),
    /** Bootstrap resamples for the confidence intervals. */
    resamples: z.int().min(100).max(100_000).default(2000),
    /** Coverage of the confidence intervals. */
    level: z.number().gt(0.5).lt(1).default(0.95),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type EvaluateRequest = z.output<typeof evaluateRequestSchema>;

export const evaluationRequestSchemas = {
  /** The metrics Heatlab offers, with the JSON Schema of their parameters. */
  'evaluate.metrics': z.object({}).strict(),
  /** Starts an evaluation job. */
  'evaluate.start': evaluateRequestSchema,
  'evaluations.list': z.object({ modelId: id.optional(), datasetId: id.optional(), runId: id.optional() }).strict(),
  'evaluations.get': z.object({ id }).strict(),
  /** Per-heatmap scores of every column and metric, with what each row is. */
  'evaluations.scores': z.object({ id }).strict(),
  /** The per-image curves of one curve metric (region perturbation, pixel flipping, deletion…). */
  'evaluations.curves': z.object({ id, metric: z.string().min(1) }).strict(),
  'evaluations.rename': z.object({ id, name: z.string().trim().min(1).max(200) }).strict(),
  'evaluations.delete': z.object({ id }).strict(),
} as const;


export interface MetricInfo {
  id: string;
  label: string;
  family: MetricFamilyName;
  citation: string;
  higherIsBetter: boolean;
  needs: { mask?: boolean; model?: boolean; explainer?: boolean };
  /** Whether the metric also yields a per-image curve (evaluations.curves). */
  curve: boolean;
  /** JSON Schema (draft 2020-12) of the parameters, with defaults, ranges and descriptions. */
  params: Record<string, unknown>;
  defaults: Record<string, unknown>;
}

/** A column of the result: one explanation run, or the random-map baseline. */
export interface EvaluatedColumn {
  /** The run; null for the built-in random-map baseline. */
  runId: number | null;
  method: string;
  label: string;
  /** The random-map baseline: built in, or a Random map run the user chose (then it stands in for the built-in one). Absent in evaluations made before Heatlab 0.1.0's issue 13: there the baseline is the column without a run. */
  baseline?: boolean;
}

/** Whether a column is the evaluation's random-map baseline. */
export const isBaseline = (column: EvaluatedColumn): boolean => column.baseline ?? column.runId === null;

/** How a method compares with the random-map baseline on one metric (paired Wilcoxon, Holm over the methods). */
export interface ChanceVerdict {
  column: number;
  /** better / worse: significantly, in the metric's direction; indistinguishable: not significantly different; undefined: no pair to compare. */
  verdict: 'better' | 'worse' | 'indistinguishable' | 'undefined';
  /** Mean of column − baseline over the pairs where both are finite. */
  meanDifference: number;
  statistic: number;
  n: number;
  p: number;
  /** Holm-adjusted over this metric's comparisons with the baseline. */
  pHolm: number;
}

/** One metric as scored: its parameters as run, defaults filled in. */
export interface EvaluatedMetric {
  id: string;
  label: string;
  family: MetricFamilyName;
  higherIsBetter: boolean;
  citation: string;
  params: Record<string, unknown>;
  /** The axes of the metric's per-image curves, when it has them (evaluations.curves). */
  curve: { x: string; y: string } | null;
}

/** Mean ± CI of one column on one metric. */
export interface ScoreSummary {
  mean: number;
  low: number;
  high: number;
  /** Finite scores (heatmaps where the metric is defined). */
  n: number;
  median: number;
  std: number;
}

/** A paired Wilcoxon signed-rank test between two columns on one metric. */
export interface PairedTest {
  /** Column indices a and b. */
  a: number;
  b: number;
  /** Mean of a − b over the pairs where both are finite. */
  meanDifference: number;
  statistic: number;
  /** Non-zero differences used. */
  n: number;
  p: number;
  /** Holm-adjusted over every pair of columns of this metric. */
  pHolm: number;
}

/** How one metric ranks the columns. */
export interface MetricRanking {
  metric: string;
  /** Column indices from best to worst by mean (NaN means last). */
  order: number[];
  /** The best column, or null when no column has a score. */
  best: number | null;
  /** Every pair of columns, Holm-corrected. */
  tests: PairedTest[];
  /** Each method against the random-map baseline (absent in evaluations made before these verdicts existed). */
  chance?: ChanceVerdict[];
}

export interface EvaluationSummary {
  id: number;
  name: string;
  modelId: number;
  modelName: string | null;
  datasetId: number;
  datasetName: string | null;
  runIds: number[];
  /** Labels of the evaluated runs' methods, in column order (without the baseline). */
  methods: string[];
  metrics: string[];
  groundTruth: GroundTruth | null;
  /** Images evaluated, and heatmaps per image (1, or the number of classes). */
  count: number;
  perImage: number;
  seconds: number;
  createdAt: string;
}

export interface Evaluation extends EvaluationSummary {
  columns: EvaluatedColumn[];
  metricDetails: EvaluatedMetric[];
  /** [metric][column] summaries. */
  table: ScoreSummary[][];
  rankings: MetricRanking[];
  seed: number;
  resamples: number;
  level: number;
  /** What the ground truth was, in words (e.g. 'annotation set "corners" by Ada, label corners'). */
  groundTruthLabel: string | null;
  jobId: number | null;
  heatlabVersion: string;
  engine: { ort: string; threads: number };
  /** Workspace-relative array files (scores, per-image curves, indices). */
  files: ArrayFile[];
  /** The evidence that the verdicts hold; null for evaluations recorded before it was measured. */
  evidence: EvaluationEvidence | null;
}

/** What says whether an evaluation's verdicts can be believed. */
export interface EvaluationEvidence {
  /** One removal check per distinct perturbation of the faithfulness metrics. */
  validity: PerturbationValidity[];
  /** How far images and metrics agree on the rankings (Tomsett et al. 2020). */
  reliability: EvaluationReliability;
}

/**
 * Whether a faithfulness metric's perturbation behaves as removal for the model (metrics.md, "Is
 * the perturbation a removal?"): probed on a seeded sample of the evaluated images before scoring.
 * Shares are in [0, 1]; null where nothing was measured. Δ = f(perturbed) − f(original).
 */
export interface PerturbationValidity {
  /** The metrics (ids) that perturb this way. */
  metrics: string[];
  /** The perturbation in words, e.g. "uniform noise in 9×9-px grid regions". */
  perturbation: string;
  output: 'logit' | 'probability';
  /** Images (heatmap rows) sampled, and single random regions perturbed in each. */
  images: number;
  regionsPerImage: number;
  /** Single random regions of the metric's step size, each on a fresh copy: share with Δ > 0. */
  raiseShare: number | null;
  /** Share of single regions whose |Δ| is material: above 1 % of the image's drop with everything perturbed. */
  materialShare: number | null;
  /** Share of those material changes that raise the score. */
  materialRaiseShare: number | null;
  /** Images whose material changes lean one way (mostly falls or mostly rises): the sign test's n. */
  testedImages: number;
  /** One-sided exact sign test that images lean towards falls: P(at least that many of testedImages under a fair coin); null when no image leans. */
  raiseP: number | null;
  meanAbsDelta: number | null;
  meanDelta: number | null;
  /** The curve's L regions in a random order (a random map's curve end): regions perturbed (fewest over the images), share raised, mean Δ. */
  budgetRegions: number;
  budgetRaiseShare: number | null;
  budgetMeanDelta: number | null;
  /** The fully perturbed image. */
  full: {
    /** How many sampled images the model assigns to each class. */
    predicted: number[];
    dominantClass: number;
    dominantShare: number | null;
    /** Mean probability of the dominant class where it is predicted. */
    dominantProbability: number | null;
    /** Mean probability of the predicted class on the fully perturbed and on the original images. */
    confidence: number | null;
    originalConfidence: number | null;
    /** (confidence − 1/K) / (originalConfidence − 1/K): the share of the model's certainty above chance that survives removing everything. */
    confidenceRetained: number | null;
    /** Mean f(original) − f(fully perturbed). */
    meanDrop: number | null;
    /** Share of images whose explained output is not lowered. */
    notLoweredShare: number | null;
  };
  /** true: behaves as removal; false: a threshold is crossed; null: no threshold crossed, but too few images changed materially to test the single regions. */
  removal: boolean | null;
  /** Plain sentences for each threshold crossed. */
  warnings: string[];
  /** Plain sentences about what does not invalidate the curves (e.g. a collapse onto one class). */
  notes: string[];
}

/** Every heatmap's score: [columns, metrics, rows], rows = images × perImage in run order. */
export interface EvaluationScores {
  evaluationId: number;
  columns: number;
  metrics: string[];
  rows: number;
  scores: Float64Array;
  /** Dataset index of each row. */
  indices: Int32Array;
  /** The explained class of each row. */
  targets: Int32Array;
  /** The image's label in the dataset, per row. */
  labels: Int32Array;
  /** The model's predicted class, per row. */
  predicted: Int32Array;
}

/** The per-image curves of one metric for every column. */
export interface EvaluationCurves {
  evaluationId: number;
  metric: string;
  columns: number;
  rows: number;
  x: Float64Array;
  xLabel: string;
  yLabel: string;
  /** [columns, rows, x.length] per image. */
  curves: Float32Array;
  /** [columns, x.length] mean over rows, and the bootstrap CI band of the mean at each x. */
  mean: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

/** What main hands the compute host for an evaluation job (resolved from the catalogue). */
export interface EvaluateJobParams extends EvaluateRequest {
  model: {
    id: number;
    name: string;
    onnx: string;
    sha256: string;
    preprocessing: Preprocessing;
    scores: 'logits' | 'probabilities';
  };
  dataset: DatasetRef;
  /** The runs in column order, with what it takes to re-run their method (sanity and robustness metrics). */
  runs: { id: number; method: string; methodLabel: string; params: Record<string, unknown>; seed: number; heatmaps: string; relevance: 'signed' | 'absolute'; baseline: boolean }[];
  /** The runs' shared dataset indices and targets files (workspace-relative .npy). */
  indices: string;
  targets: string;
  logits: string;
  count: number;
  perImage: number;
  /** Ground-truth masks [count, H, W] uint8 written by main (workspace-relative .npy), when a metric needs them. */
  masks: string | null;
  groundTruthLabel: string | null;
}

/** The evaluation a job staged in `stagingDir` (workspace-relative). */
export interface StagedEvaluation {
  request: EvaluateJobParams;
  columns: EvaluatedColumn[];
  metricDetails: EvaluatedMetric[];
  table: ScoreSummary[][];
  rankings: MetricRanking[];
  evidence: EvaluationEvidence;
  engine: { ort: string; threads: number };
  seconds: number;
  stagingDir: string;
  files: ArrayFile[];
}

export const evaluationRoles = { scores: 'scores', indices: 'indices', targets: 'targets', curve: (metric: string) => `curve:${metric}`, curveX: (metric: string) => `curve-x:${metric}` } as const;

export function describeGroundTruth(gt: GroundTruth | null): string {
  if (gt === null) return 'no ground truth';
  return gt.kind === 'generated' ? `generated "${gt.mask}" masks` : `annotation set ${gt.id}${gt.label === undefined ? '' : `, label ${gt.label}`}`;
}
