// Import of foreign ONNX models (PyTorch, Keras/tf2onnx, DIANNA's zoo): what an inspection of the
// file finds, what the user chooses, and what is recorded with the imported model.
import { z } from 'zod';
import type { DatasetRef } from './datasets.js';
import type { LayerSummary, Preprocessing, TestMetrics } from './models.js';

export const inputLayouts = ['NCHW', 'NHWC'] as const;
export type InputLayout = (typeof inputLayouts)[number];

export const channelOrders = ['rgb', 'bgr'] as const;
export type ChannelOrder = (typeof channelOrders)[number];

/** What the chosen output holds: raw scores, or scores after a softmax. */
export const outputKinds = ['logits', 'probabilities'] as const;
export type OutputKind = (typeof outputKinds)[number];

const onnxPath = z.string().min(1);
const channelValues = z.array(z.number().finite()).min(1).max(4);

export const importPreprocessingSchema = z
  .object({
    /** x = pixel / scale: 255 maps 8-bit pixels to [0, 1], 1 keeps [0, 255]. */
    scale: z.number().positive().max(1e9).default(255),
    /** Per channel, in the order the model reads its channels (BGR for a BGR model). */
    mean: channelValues.optional(),
    std: z.array(z.number().positive().max(1e9)).min(1).max(4).optional(),
    channelOrder: z.enum(channelOrders).default('rgb'),
  })
  .strict();

/**
 * Why a list of class names cannot name a model's classes, in one sentence, or null. Each name must
 * be distinct and not empty: views, run names and annotation labels tell the classes apart by name.
 */
/**
 * A published labels file may repeat a name for two classes (ImageNet's list names "crane" for the
 * bird and the machine): each repeated name is told apart by its class number, "crane (class 134)",
 * so every class can still be named. Names typed by the user are refused instead (classNamesProblem).
 */
export function distinguishRepeatedNames(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return names.map((name, k) => (counts.get(name)! > 1 ? `${name} (class ${k})` : name));
}

export function classNamesProblem(names: readonly string[]): string | null {
  const empty = names.findIndex((n) => n.trim() === '');
  if (empty >= 0) return `Class names must not be empty; class ${empty} has none.`;
  const seen = new Map<string, number[]>();
  for (const [k, name] of names.entries()) {
    const classes = seen.get(name);
    if (classes === undefined) seen.set(name, [k]);
    else classes.push(k);
  }
  const repeated = [...seen].find(([, classes]) => classes.length > 1);
  if (repeated === undefined) return null;
  const [name, classes] = repeated;
  const times = classes.length === 2 ? 'twice' : `${classes.length} times`;
  return `Class names must be distinct; "${name}" is given ${times} (classes ${classes.slice(0, -1).join(', ')} and ${classes.at(-1)}).`;
}

export const modelImportRequestSchemas = {
  /** Reads and checks an .onnx file without importing it. */
  'models.inspectOnnx': z.object({ path: onnxPath, datasetId: z.int().min(1).optional() }).strict(),
  'models.import': z
    .object({
      path: onnxPath,
      name: z.string().trim().min(1).max(200).optional(),
      /** The image input; needed only when the model has several float inputs. */
      input: z.string().min(1).optional(),
      /** The output holding the class scores; the first output by default. */
      output: z.string().min(1).optional(),
      /** Default: the inspection's guess. */
      layout: z.enum(inputLayouts).optional(),
      /** Default: probabilities when the output comes out of a Softmax, else logits. */
      outputKind: z.enum(outputKinds).optional(),
      preprocessing: importPreprocessingSchema.prefault({}),
      /** Typed class names; or `labelsFile`; or the names in the model's metadata; or "class 0", "class 1", …. */
      classNames: z.array(z.string().trim().min(1).max(200)).min(1).max(100_000).optional(),
      /** A text file with one class name per line, or a JSON array of names. */
      labelsFile: z.string().min(1).optional(),
      /** A dataset to test-run the model on; also fixes symbolic spatial sizes. */
      testDatasetId: z.int().min(1).optional(),
      /** How many of its images (test split first). */
      testImages: z.int().min(1).max(4096).default(16),
    })
    .strict()
    .refine((r) => r.classNames === undefined || r.labelsFile === undefined, { message: 'give class names or a labels file, not both', path: ['labelsFile'] }),
} as const;
export type ModelImportRequest = z.output<(typeof modelImportRequestSchemas)['models.import']>;

export interface OnnxValueSummary {
  name: string;
  elemType: string;
  /** Symbolic dimensions are their names (e.g. 'batch_size'); null when the file declares none. */
  shape: (number | string)[] | null;
}

/** Whether a dataset's images fit the model's input, in one sentence when they do not. */
export interface DatasetFit {
  datasetId: number;
  datasetName: string;
  fits: boolean;
  reason: string | null;
}

export interface OnnxInspection {
  path: string;
  fileName: string;
  bytes: number;
  producer: { name: string; version: string };
  opset: number;
  irVersion: number;
  inputs: OnnxValueSummary[];
  outputs: OnnxValueSummary[];
  /** The image input when there is exactly one float rank-4 input, else null (pick from `imageInputs`). */
  imageInput: string | null;
  imageInputs: string[];
  /** Guessed from the image input's shape: NCHW when dim 1 is 1 or 3, NHWC when the last is. */
  layout: InputLayout | null;
  /** [channels, height, width] under the guessed layout; spatial sizes may be symbolic. */
  image: { channels: number | string; height: number | string; width: number | string } | null;
  outputKind: OutputKind;
  /**
   * What the first output holds, from the op that ends the graph there: probabilities after a
   * Softmax, log-probabilities after a LogSoftmax (the import takes either off for the logits),
   * logits otherwise.
   */
  outputHolds: 'logits' | 'probabilities' | 'log-probabilities';
  /** The number of classes when the output's last dimension is fixed. */
  classes: number | null;
  /** Ops the explanation compiler cannot handle: graph methods refuse them, forward-only methods still work. */
  unsupportedOps: string[];
  /** Class names found in the file's metadata. */
  classNames: string[] | null;
  /** Preprocessing found in the metadata of a Heatlab export. */
  preprocessing: Preprocessing | null;
  /** One per dataset in the workspace (or the one asked about). */
  datasets: DatasetFit[];
  /** Reasons the import cannot go ahead as the file stands, one sentence each. */
  problems: string[];
}

/** The first images of the test dataset run through the imported model. */
export interface ImportTestRun {
  datasetId: number;
  datasetName: string;
  /** Dataset indices of the images run. */
  indices: number[];
  predicted: number[];
  /** The predicted class's probability for each image. */
  confidence: number[];
  /** The dataset's labels for the images. */
  labels: number[];
  allFinite: boolean;
  /** Whether the model's class names are the dataset's (case-insensitive); accuracy needs it. */
  classNamesMatch: boolean;
  accuracy: number | null;
}

/** How an imported model came in; kept with its ONNX record. */
export interface ImportedOnnx {
  /** The source file as it was picked, its name, size and hash. */
  sourcePath: string;
  sourceFile: string;
  sourceBytes: number;
  sourceSha256: string;
  producer: { name: string; version: string };
  /** Opset of the source file (the stored file keeps it). */
  sourceOpset: number;
  input: string;
  output: string;
  layout: InputLayout;
  channelOrder: ChannelOrder;
  /** What the source's chosen output holds. */
  outputKind: OutputKind;
  /**
   * What the stored file's first output holds: logits when the source gave them or ended in a
   * (Log)Softmax that could be taken off; probabilities otherwise.
   */
  scores: OutputKind;
  unsupportedOps: string[];
  testRun: ImportTestRun | null;
}

/** What the compute host hands main after an import: the staged .onnx and everything to record. */
export interface StagedImport {
  stagingDir: string;
  name: string;
  dataset: { id: number; name: string } | null;
  architecture: string;
  layers: LayerSummary[];
  parameters: number;
  classNames: string[];
  preprocessing: Preprocessing;
  test: TestMetrics | null;
  onnx: { path: string; opset: number; sha256: string; bytes: number; maxAbsDifference: number; imported: ImportedOnnx };
  seconds: number;
}

/** The import job's parameters: the request with its labels resolved and the dataset looked up by main. */
export type ModelImportParams = Omit<ModelImportRequest, 'labelsFile'> & { dataset: DatasetRef | null };
