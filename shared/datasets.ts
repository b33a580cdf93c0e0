// Datasets: generated benchmarks and imported image collections, as the API describes them.
import { z } from 'zod';
import { generatorSchemas, maskKinds, maskOptionsSchema, type GeneratorId, type MaskKind } from './generators.js';

export const splitNames = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof splitNames)[number];
/** Split codes as stored in splits.npy. */
export const splitCodes: { [S in SplitName]: number } = { train: 0, validation: 1, test: 2 };

export type PixelDtype = 'uint8' | 'uint16';

/** One array file of an entity, as the catalogue records it. */
export interface ArrayFile {
  role: string;
  /** Relative to the workspace folder. */
  path: string;
  dtype: string;
  shape: number[];
  sha256: string;
  bytes: number;
}

export interface DatasetSummary {
  id: number;
  name: string;
  source: 'generated' | 'imported';
  generator: GeneratorId | null;
  count: number;
  height: number;
  width: number;
  channels: number;
  dtype: PixelDtype;
  classNames: string[];
  /** Images per class, all splits together. */
  classCounts: number[];
  splitCounts: { [S in SplitName]: number };
  seed: number | null;
  createdAt: string;
}

export interface ImportReport {
  source: string;
  format: ImportFormat;
  imported: number;
  /** Files that could not be read, each with the reason; the import went on without them. */
  skipped: { file: string; reason: string }[];
  /** Files resized to the dataset's size (policy resize). */
  resized: number;
  /** Hidden files and folders passed over. */
  hidden: number;
  /** Masks matched by file name, when a mask folder was given. */
  masksMatched: number | null;
  annotationSetId: number | null;
  seconds: number;
}

export interface Dataset extends DatasetSummary {
  /** Generator parameters (generated) or import options (imported), exactly as used. */
  params: Record<string, unknown>;
  /** Names of the per-image parameter columns (generated datasets; empty for imports). */
  paramColumns: string[];
  maskKinds: MaskKind[];
  classCountsBySplit: { [S in SplitName]: number[] };
  report: ImportReport | null;
  files: ArrayFile[];
  jobId: number | null;
  heatlabVersion: string;
  seconds: number;
}

export const importFormats = ['folder', 'idx', 'npy', 'npz'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** What an import would bring in, found by a quick scan before anything is read in full. */
export interface ImportPlan {
  path: string;
  format: ImportFormat;
  classes: { name: string; count: number }[];
  /** Distinct image sizes and how many files have each (for folders, from the file headers). */
  sizes: { width: number; height: number; count: number }[];
  channels: number[];
  bitDepths: number[];
  total: number;
  hidden: number;
  /** Files with an extension Heatlab does not read. */
  ignored: number;
  /**
   * Entries of a folder source not followed or read, each with why: symbolic links to folders
   * inside the imported folder (never followed, so classes cannot merge), links to special files,
   * broken links, devices and FIFOs. The import's report lists them among its skipped files.
   */
  passedOver: { path: string; reason: string }[];
  /**
   * Files with an image extension whose header cannot be read (a text file named .png, a
   * truncated header), each with why; the import skips them. Only headers are read at plan time,
   * so a file damaged past its header is found during the import and listed in its report.
   */
  skipped: { path: string; reason: string }[];
  /** The dataset's pixels as the import would store them (channels kept), with why in one sentence; null when nothing is readable. */
  result: { dtype: PixelDtype; channels: 1 | 3; reason: string; /** Some images are converted up (8- to 16-bit, grey to RGB). */ mixed: boolean } | null;
  /** Sentences about what stands in the way, e.g. "Only one class folder was found". Empty when the import can run. */
  problems: string[];
}

const id = z.int().min(1);
const indices = z.array(z.int().min(0)).min(1).max(4096);
const name = z.string().trim().min(1).max(200);

/** One request variant per generator, so that errors name `params.<field>` and defaults fill in. */
function generatorUnion<E extends z.ZodRawShape>(extra: E) {
  const s = generatorSchemas;
  return z.discriminatedUnion('generator', [
    z.object({ generator: z.literal('triangles-squares'), params: s['triangles-squares'].prefault({}), ...extra }).strict(),
    z.object({ generator: z.literal('triangles-squares-scaled'), params: s['triangles-squares-scaled'].prefault({}), ...extra }).strict(),
    z.object({ generator: z.literal('counting-circles'), params: s['counting-circles'].prefault({}), ...extra }).strict(),
    z.object({ generator: z.literal('circles-triangles'), params: s['circles-triangles'].prefault({}), ...extra }).strict(),
  ]);
}

export const generateRequestSchema = generatorUnion({ name: name.optional() });
export type GenerateRequest = z.output<typeof generateRequestSchema>;

export const previewRequestSchema = generatorUnion({ count: z.int().min(1).max(64).default(16) });
export type PreviewRequest = z.output<typeof previewRequestSchema>;

export const sizePolicySchema = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('require-equal') }).strict(),
  z
    .object({
      policy: z.literal('resize'),
      width: z.int().min(4).max(4096),
      height: z.int().min(4).max(4096),
      mode: z.enum(['stretch', 'pad', 'crop']).default('stretch'),
    })
    .strict(),
]);
export type SizePolicy = z.output<typeof sizePolicySchema>;

/** How flat rows (N, H·W) or (N, H·W·3) of an array are cut into images, channels last. */
export const imageShapeSchema = z.object({ height: z.int().min(1).max(4096), width: z.int().min(1).max(4096) }).strict();
export type ImageShape = z.output<typeof imageShapeSchema>;

export const importOptionsSchema = z
  .object({
    path: z.string().min(1),
    /** Arrays of flat rows only: the image height and width; inferred when the row length is a square. */
    shape: imageShapeSchema.optional(),
    name: name.optional(),
    /** keep: what the images share (grey if all are grey); grey: force one channel. */
    channels: z.enum(['keep', 'grey']).default('keep'),
    size: sizePolicySchema.default({ policy: 'require-equal' }),
    /** A folder of PNG masks matched to the images by file name; becomes an annotation set. */
    masksPath: z.string().min(1).optional(),
    /** Used when the source has no split of its own. */
    split: z
      .object({ train: z.number().min(0).max(1), validation: z.number().min(0).max(1), test: z.number().min(0).max(1) })
      .strict()
      .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, { message: 'the split fractions must add up to 1' })
      .default({ train: 0.7, validation: 0.15, test: 0.15 }),
    seed: z.int().min(0).max(0xffffffff).default(1),
  })
  .strict();
export type ImportOptions = z.output<typeof importOptionsSchema>;

export const datasetRequestSchemas = {
  'datasets.list': z.object({}).strict(),
  'datasets.get': z.object({ id }).strict(),
  'datasets.generate': generateRequestSchema,
  'datasets.preview': previewRequestSchema,
  'datasets.inspect': z.object({ path: z.string().min(1), shape: imageShapeSchema.optional() }).strict(),
  'datasets.import': importOptionsSchema,
  'datasets.rename': z.object({ id, name }).strict(),
  'datasets.delete': z.object({ id }).strict(),
  'datasets.index': z.object({ id }).strict(),
  'datasets.images': z.object({ id, indices }).strict(),
  'datasets.masks': z.object({ id, indices, kind: z.enum(maskKinds), options: maskOptionsSchema.prefault({}) }).strict(),
  'datasets.items': z.object({ id, indices }).strict(),
} as const;

/** Pixels of some images: [k, H, W, C] row-major. */
export interface ImageBatch {
  shape: [number, number, number, number];
  dtype: PixelDtype;
  data: Uint8Array | Uint16Array;
}

export interface MaskBatch {
  kind: MaskKind;
  /** [k, H, W]; 0/1, or instance ids for `instances`. */
  shape: [number, number, number];
  data: Uint8Array;
}

export interface DatasetIndex {
  labels: Int32Array;
  /** splitCodes per image. */
  splits: Uint8Array;
}

export interface DatasetItems {
  columns: string[];
  /** [k, columns.length] row-major; NaN where a value does not apply. */
  rows: Float64Array;
  labels: Int32Array;
  splits: Uint8Array;
  /** Source file of each image (imports), else null. */
  files: (string | null)[];
}

export interface Preview {
  generator: GeneratorId;
  params: Record<string, unknown>;
  classNames: string[];
  images: ImageBatch;
  labels: Int32Array;
  masks: { [K in MaskKind]?: Uint8Array };
  columns: string[];
  rows: Float64Array;
}

/**
 * What the compute host hands main after writing a dataset's files into a staging folder; main
 * then records it in the catalogue and moves the folder into place in one step.
 */
export interface StagedDataset {
  /** Relative to the workspace. */
  stagingDir: string;
  name: string;
  source: 'generated' | 'imported';
  generator: GeneratorId | null;
  params: Record<string, unknown>;
  seed: number | null;
  count: number;
  height: number;
  width: number;
  channels: number;
  dtype: PixelDtype;
  classNames: string[];
  classCountsBySplit: { [S in SplitName]: number[] };
  paramColumns: string[];
  maskKinds: MaskKind[];
  report: ImportReport | null;
  /** Paths relative to the staging folder. */
  files: ArrayFile[];
  /** Masks imported with the images, to become an annotation set. */
  annotation: { name: string; file: ArrayFile; matched: number } | null;
  seconds: number;
}

/** What the compute host needs to know of a dataset to read it (training, explaining). */
export type DatasetRef = Pick<DatasetSummary, 'id' | 'name' | 'count' | 'height' | 'width' | 'channels' | 'dtype' | 'classNames'> & {
  /** Workspace-relative paths of images.npy, labels.npy and splits.npy. */
  files: { images: string; labels: string; splits: string };
};
