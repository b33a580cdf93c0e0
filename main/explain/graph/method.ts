// The one signature every gradient-family method has (CONVENTIONS.md, "One signature for every
// method"): a registry entry with a zod parameter schema the UI builds its form from, and a run
// that turns a batch of NCHW images and their target classes into signed [n, H, W] heatmaps.
import { z } from 'zod';
import type { RelevanceSign } from '../../../shared/explanations.js';
import { Random } from '../../numeric/random.js';
import type { BackwardRules } from '../../onnx/backward/types.js';

/** A batch of images in the model's layout, NCHW, with the class each heatmap explains. */
export interface GraphInput {
  images: Float32Array;
  n: number;
  /** [C, H, W] of one image. */
  shape: readonly [number, number, number];
  targets: Int32Array;
}

/** Per input channel bounds l ≤ x ≤ h: for x = (pixel/scale − mean)/std, l = −mean/std and h = (1 − mean)/std. */
export interface InputBounds {
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** What a method may read of the explained dataset before a run (the explanation job supplies it). */
export interface DatasetPixels {
  /** Per channel, the mean pixel over every image of the dataset, as a fraction of the brightest pixel value. */
  meanPixel(): number[];
}

/** One compiled pass: its backward rules and the forward values whose activation and gradient it also returns. */
export interface GraphPass {
  rules: BackwardRules;
  taps?: readonly string[];
  /** false: stop the backward pass at the taps (the result's gradient is then empty). */
  inputGradient?: boolean;
}

export interface TappedValue {
  activation: Float32Array;
  gradient: Float32Array;
  /** [n, …] as ONNX Runtime returned it. */
  dims: number[];
}

export interface GraphResult {
  logits: Float32Array;
  /** ∂(seed · logits)/∂input under the pass's rules, NCHW; empty when the pass stops at its taps. */
  gradient: Float32Array;
  taps: Map<string, TappedValue>;
}

/** What a method sees of a model: its compiled explanation graphs (runner.ts). */
export interface GraphSession {
  /** [C, H, W] of one image. */
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  /** Images per ONNX Runtime call: methods that multiply images (SmoothGrad, IG) fill batches of this size. */
  readonly batchSize: number;
  /** Rank-4 feature maps Grad-CAM may use, from the input onwards (feature-maps.ts). */
  readonly featureMaps: readonly string[];
  /** Grad-CAM's default: the rectified map after the last convolution (feature-maps.ts). */
  readonly defaultFeatureMap: string | undefined;
  /** The last convolution layer's output, a rectifier that reads it directly included (feature-maps.ts). */
  readonly lastConvolutionLayer: string | undefined;
  /** Per input channel, the lowest and highest value preprocessing can give (LRP zᴮ's box); default [0, 1]. */
  readonly inputBounds: InputBounds;
  /** Runs the pass on n images with the given seeds [n, classes] (any n: batched inside). */
  run(pass: GraphPass, images: Float32Array, n: number, seed: Float32Array): Promise<GraphResult>;
}

/**
 * Where a method's randomness comes from: one generator every image of the call draws from in turn
 * (a one-off call, a test), or each image's own stream. Explanation jobs give each image its own,
 * so a heatmap does not depend on which images share its batch, chunk or cluster shard.
 */
export type Randomness = Random | ((image: number) => Random);

/** Image i's stream: the shared generator, or the image's own. */
export const streamOf = (randomness: Randomness, image: number): Random => (randomness instanceof Random ? randomness : randomness(image));

/** Each image's own stream, made once per call: image i draws from new Random(seedOf(i)). */
export function perImageRandom(seedOf: (image: number) => number): (image: number) => Random {
  const made = new Map<number, Random>();
  return (image) => {
    let stream = made.get(image);
    if (stream === undefined) made.set(image, (stream = new Random(seedOf(image))));
    return stream;
  };
}

/** How an [n, C, H, W] attribution becomes an [n, H, W] heatmap. */
export const channelReductions = ['sum', 'abs-sum', 'max-abs'] as const;
export type ChannelReduction = (typeof channelReductions)[number];

export const reductionParam = z
  .enum(channelReductions)
  .default('sum')
  .describe('Channel reduction: sum keeps the sign (default); abs-sum sums magnitudes; max-abs takes the largest magnitude (Simonyan et al. 2013, §3.1).');

export interface GraphMethod<P extends z.ZodType = z.ZodType> {
  id: string;
  label: string;
  kind: 'graph';
  /** How metrics rank its maps by default (methods.md says why, per method). */
  relevance: RelevanceSign;
  params: P;
  /**
   * Values of parameters added after runs were first stored: a stored run without such a key was
   * made with this value, so re-running it (main/evaluate/explainer.ts) means what it meant then.
   */
  legacyParams?: Record<string, unknown>;
  /**
   * Fills parameters that depend on the explained dataset before the run is stored, so the stored
   * parameters say what was used and a re-run needs no dataset.
   */
  completeParams?(params: z.output<P>, dataset: DatasetPixels): z.output<P>;
  run(session: GraphSession, input: GraphInput, params: z.output<P>, randomness: Randomness): Promise<Float32Array>;
}

/** Declares a method with its parameter type inferred from its schema. */
export const graphMethod = <P extends z.ZodType>(method: GraphMethod<P>): GraphMethod<P> => method;
