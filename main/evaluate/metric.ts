// The one shape every heatmap-quality metric has (CONVENTIONS.md: "a metric is { id, label,
// higherIsBetter, params schema, score }"), and what a metric sees of a batch: the stored raw
// heatmaps, and — for the metrics that need them — ground-truth masks, the model's inputs and
// its forward pass on ONNX Runtime.
import type { z } from 'zod';
import type { Forward } from '../explain/forward.js';
import type { Random } from '../numeric/random.js';

export type MetricFamily = 'faithfulness' | 'localisation' | 'complexity' | 'robustness';

/** A batch of n heatmaps [n, H, W] (raw, signed) of n images, with what the metrics may need. */
export interface MetricBatch {
  n: number;
  height: number;
  width: number;
  heatmaps: Float32Array;
  /** The explained class of each heatmap. */
  targets: Int32Array;
  /** Ground-truth masks [n, H, W], non-zero = inside; present for localisation metrics. */
  masks?: Uint8Array;
  /** The model's inputs [n, C, H, W], preprocessed; present for metrics that run the model. */
  images?: Float32Array;
  channels?: number;
  /** Logits [n', K] of n' images [n', C, H, W]; present for metrics that run the model. */
  forward?: Forward;
  /** What forward returns: logits (the default), or — for an imported model that holds nothing else — probabilities. */
  scores?: 'logits' | 'probabilities';
  classes?: number;
  /** The model's input range per channel (pixels 0 … max through its preprocessing): where uniform noise is drawn. */
  inputBounds?: { low: number[]; high: number[] };
  /** Re-explains with the heatmaps' own method and parameters; present for sanity and robustness metrics (not for the random baseline). */
  explainer?: Explainer;
  /** How the heatmaps' method ranks its maps by default: signed (the sign is evidence) or by magnitude; signed when not given. */
  relevance?: 'signed' | 'absolute';
}

/** What a perturbation metric removes and how, so that removal can be checked apart from any heatmap (faithfulness/validity.ts). */
export interface PerturbationProbe {
  /** Metrics with the same key perturb alike and share one check. */
  key: string;
  /** The perturbation in words, e.g. "uniform noise in 9×9-px grid regions". */
  label: string;
  output: 'logit' | 'probability';
  /** A fresh perturber for a copy of image i of the batch: writes the perturbed values of the given pixels. */
  perturber(batch: MetricBatch, i: number, rng: Random): (image: Float32Array, pixels: Int32Array) => void;
  /** The metric's pixel groups in a uniformly random order. */
  randomGroups(rng: Random): Int32Array[];
  /** Groups one curve perturbs (L). */
  steps: number;
}

/** The image geometry a metric's size-dependent defaults follow. */
export interface ImageGeometry {
  height: number;
  width: number;
}

/** The method that made a batch's heatmaps, runnable again on other inputs or a randomised model. */
export interface Explainer {
  /** Heatmaps [n, H, W] of images [n, C, H, W] (preprocessed) for the given classes. */
  explain(images: Float32Array, n: number, targets: Int32Array): Promise<Float32Array>;
  /** The model's layers that carry weights, from the output back to the input (Adebayo et al.'s cascading order). */
  readonly layers: readonly string[];
  /** The same method on a copy of the model whose given layers have re-initialised weights (seeded). */
  randomised(layers: readonly string[], seed: number): Explainer;
}

export interface MetricResult {
  /** One score per heatmap (NaN where the metric is undefined for it, e.g. an empty mask). */
  scores: Float64Array;
  /** Per-image curves [n, x.length] for perturbation metrics (the score summarises each). */
  curves?: { x: Float64Array; y: Float32Array; xLabel: string; yLabel: string };
}

/** Reports units of work done out of the total (forward passes, heatmaps). */
export type MetricProgress = (done: number, total: number) => void;

export interface Metric<P extends z.ZodType = z.ZodType> {
  id: string;
  label: string;
  family: MetricFamily;
  /** The paper the definition follows, e.g. "Samek et al. 2017, eq. 12". */
  citation: string;
  higherIsBetter: boolean;
  /** What the batch must carry besides heatmaps. */
  needs: { mask?: boolean; model?: boolean; explainer?: boolean };
  /** Whether score() also returns a per-image curve (MetricResult.curves). */
  curve?: boolean;
  params: P;
  /** Fills the defaults that depend on the image size (e.g. region size and steps), so the parameters as run say what was done. */
  fit?(params: z.output<P>, geometry: ImageGeometry): z.output<P>;
  /** For metrics that perturb images: their perturbation, checked for removal before scoring. */
  probe?(params: z.output<P>, geometry: ImageGeometry): PerturbationProbe;
  score(batch: MetricBatch, params: z.output<P>, rng: Random, onProgress?: MetricProgress): Promise<MetricResult>;
}

/** Declares a metric with its parameter type inferred from its schema. */
export const defineMetric = <P extends z.ZodType>(metric: Metric<P>): Metric<P> => metric;

/** Heatmap i of the batch, [H, W]. */
export function heatmapOf(batch: Pick<MetricBatch, 'heatmaps' | 'height' | 'width'>, i: number): Float32Array {
  const plane = batch.height * batch.width;
  return batch.heatmaps.subarray(i * plane, (i + 1) * plane);
}
