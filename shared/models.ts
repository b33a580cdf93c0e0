// Models: CNN architectures trained with TensorFlow.js, their training runs and test metrics, and
// the ONNX file every explanation method runs on.
import { z } from 'zod';
import type { TfjsBackendId } from './engine.js';

export const activations = ['relu', 'leaky-relu', 'none'] as const;
export type Activation = (typeof activations)[number];

const positive = (max: number) => z.int().min(1).max(max);

/** One layer of a model. Convolutions and dense layers carry their own activation. */
export const layerSpecSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('conv2d'),
      filters: positive(1024),
      kernel: positive(11),
      stride: positive(4).default(1),
      padding: z.enum(['same', 'valid']).default('same'),
      activation: z.enum(activations).default('relu'),
    })
    .strict(),
  z.object({ type: z.literal('dense'), units: positive(8192), activation: z.enum(activations).default('relu') }).strict(),
  z.object({ type: z.literal('maxpool'), size: positive(8).default(2), stride: positive(8).optional() }).strict(),
  z.object({ type: z.literal('avgpool'), size: positive(8).default(2), stride: positive(8).optional() }).strict(),
  z.object({ type: z.literal('global-avgpool') }).strict(),
  z.object({ type: z.literal('flatten') }).strict(),
  z.object({ type: z.literal('batchnorm') }).strict(),
  z.object({ type: z.literal('dropout'), rate: z.number().min(0).max(0.95).default(0.5) }).strict(),
  z.object({ type: z.literal('relu') }).strict(),
  z.object({ type: z.literal('leaky-relu'), alpha: z.number().min(0).max(1).default(0.2) }).strict(),
]);
export type LayerSpec = z.output<typeof layerSpecSchema>;
export type LayerType = LayerSpec['type'];

export const architecturePresets = ['tiny-cnn', 'lenet5', 'mlp', 'vgg-small'] as const;
export type ArchitecturePreset = (typeof architecturePresets)[number];

export const architectureSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('preset'),
      preset: z.enum(architecturePresets).default('tiny-cnn'),
      batchNorm: z.boolean().default(false),
      /** Dropout rate before the last dense layer; 0 for none. */
      dropout: z.number().min(0).max(0.95).default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('custom'),
      /** The layers before the classifier; Heatlab appends the final dense layer with one unit per class. */
      layers: z.array(layerSpecSchema).min(1).max(64),
    })
    .strict(),
]);
export type Architecture = z.output<typeof architectureSchema>;

export const architectureLabels: { [P in ArchitecturePreset]: { label: string; description: string } } = {
  'tiny-cnn': {
    label: 'Tiny CNN',
    description: 'conv 3×3×16 – ReLU – maxpool 2, conv 3×3×32 – ReLU – maxpool 2, conv 3×3×32 stride 2 – ReLU, flatten, dense 64 – ReLU, dense K',
  },
  lenet5: {
    label: 'LeNet-5 (Triangles & Squares study)',
    description: 'conv 5×5×10, conv 5×5×25, conv 4×4×100, each with ReLU and 2×2 max pooling, dense K; images of 32×32 and larger (Ranguelova et al. 2018)',
  },
  mlp: { label: 'MLP "short_relu"', description: 'flatten, dense 8 – ReLU, dense K (Ranguelova et al. 2018)' },
  'vgg-small': { label: 'Small VGG', description: 'two blocks of two conv 3×3 – ReLU and a 2×2 max pooling (32 then 64 filters), dense 128 – ReLU, dense K' },
};

export const trainingSchema = z
  .object({
    optimizer: z.enum(['adam', 'sgd']).default('adam'),
    /** Values above about 0.1 rarely train; large ones are allowed so divergence can be studied. */
    learningRate: z.number().gt(0).max(1e6).default(0.001),
    /** SGD only. */
    momentum: z.number().min(0).max(0.999).default(0.9),
    batchSize: z.int().min(1).max(4096).default(64),
    epochs: z.int().min(1).max(1000).default(5),
    /** 'dataset' uses the dataset's validation split; a number holds out that share of the training split. */
    validation: z.union([z.literal('dataset'), z.number().min(0.01).max(0.5)]).default('dataset'),
    earlyStopping: z
      .object({ patience: z.int().min(1).max(100).default(3), restoreBest: z.boolean().default(true) })
      .strict()
      .nullable()
      .default(null),
    seed: z.int().min(0).max(0xffffffff).default(1),
  })
  .strict();
export type TrainingParams = z.output<typeof trainingSchema>;

export const modelRequestSchemas = {
  'models.list': z.object({}).strict(),
  'models.get': z.object({ id: z.int().min(1) }).strict(),
  'models.rename': z.object({ id: z.int().min(1), name: z.string().trim().min(1).max(200) }).strict(),
  'models.delete': z.object({ id: z.int().min(1) }).strict(),
  /** Copies the .onnx file into a folder the user picked. */
  'models.export': z.object({ id: z.int().min(1), folder: z.string().min(1) }).strict(),
  'models.misclassified': z.object({ id: z.int().min(1) }).strict(),
} as const;

export const trainRequestSchema = z
  .object({
    datasetId: z.int().min(1),
    name: z.string().trim().min(1).max(200).optional(),
    architecture: architectureSchema.prefault({ kind: 'preset' }),
    training: trainingSchema.prefault({}),
  })
  .strict();
export type TrainRequest = z.output<typeof trainRequestSchema>;

/** How pixels become the model's input; written down with the model and in its ONNX metadata. */
export interface Preprocessing {
  /** Input layout of the ONNX model. */
  layout: 'NCHW';
  /** x = pixel / scale (255 for uint8 sources, 65535 for uint16), then (x − mean) / std per channel. */
  scale: number;
  mean: number[];
  std: number[];
  channels: number;
  height: number;
  width: number;
}

export interface LayerSummary {
  name: string;
  type: string;
  /** Output shape without the batch dimension (NHWC as tfjs has it; imported models: as the ONNX graph has it, [] when unknown). */
  outputShape: number[];
  parameters: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
  imagesPerSecond: number;
}

/** Throttled per-batch training numbers, carried in job progress events. */
export interface BatchRecord {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
}

export interface TestMetrics {
  accuracy: number;
  loss: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  precision: number[];
  recall: number[];
  count: number;
  misclassified: number;
}

export interface ModelSummary {
  id: number;
  name: string;
  datasetId: number | null;
  datasetName: string | null;
  source: 'trained' | 'imported';
  architecture: string;
  backend: TfjsBackendId | null;
  testAccuracy: number | null;
  parameters: number;
  classNames: string[];
  createdAt: string;
}

export interface Model extends ModelSummary {
  architectureSpec: Architecture | null;
  layers: LayerSummary[];
  training: TrainingParams | null;
  preprocessing: Preprocessing;
  epochs: EpochRecord[];
  /** Why training ended (null for imported models). */
  stopReason: StopReason | null;
  /** One sentence when training ended other than as planned. */
  stopNote: string | null;
  test: TestMetrics | null;
  /**
   * `path` is relative to the workspace. `maxAbsDifference`: trained models, ONNX vs tfjs;
   * imported models, the stored (normalised) file vs the source file. `imported`: imported models only.
   */
  onnx: { path: string; opset: number; sha256: string; bytes: number; maxAbsDifference: number | null; imported?: import('./model-import.js').ImportedOnnx };
  /** tfjs artifacts (trained models), relative to the workspace. */
  tfjs: { modelJson: string; weights: string } | null;
  jobId: number | null;
  heatlabVersion: string;
  seconds: number;
}

/** Misclassified test images: dataset indices, true and predicted class, and every class's probability. */
export interface Misclassified {
  indices: Int32Array;
  trueLabels: Int32Array;
  predicted: Int32Array;
  /** [k, classes] row-major. */
  probabilities: Float32Array;
}

export type StopReason = 'completed' | 'early-stopped' | 'stopped' | 'diverged';

/** The live numbers of a training run, in every progress report's `detail`. */
export interface TrainingDetail {
  epochs: EpochRecord[];
  batch: BatchRecord | null;
}

/** What the compute host hands main after training: everything to record the model. */
export interface StagedModel {
  /** Relative to the workspace. */
  stagingDir: string;
  name: string;
  datasetId: number;
  datasetName: string;
  architecture: string;
  architectureSpec: Architecture;
  layers: LayerSummary[];
  parameters: number;
  classNames: string[];
  training: TrainingParams;
  preprocessing: Preprocessing;
  backend: TfjsBackendId;
  epochs: EpochRecord[];
  stopReason: StopReason;
  /** One sentence when training ended other than as planned (stopped by the user, a NaN loss). */
  stopNote: string | null;
  test: TestMetrics;
  /** Arrays (misclassified images) with paths relative to the staging folder. */
  files: import('./datasets.js').ArrayFile[];
  /** tfjs artifacts and the ONNX file, relative to the staging folder. */
  tfjs: { modelJson: string; weights: string };
  onnx: { path: string; opset: number; sha256: string; bytes: number; maxAbsDifference: number };
  seconds: number;
}
