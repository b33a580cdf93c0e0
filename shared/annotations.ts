// Annotation sets: the regions a human would look at, drawn on (or imported for) a dataset.
import { z } from 'zod';
import { maskKinds, type MaskKind } from './generators.js';

export interface AnnotationSetSummary {
  id: number;
  datasetId: number;
  name: string;
  annotator: string;
  /** Region labels, e.g. "corners", "object"; a mask pixel holds 0 (none) or label index + 1. */
  labels: string[];
  source: 'empty' | 'generated' | 'imported';
  createdAt: string;
}

/** An annotation set with how far its annotator has come. */
export interface AnnotationSet extends AnnotationSetSummary {
  /** Where images nobody has drawn on take their mask from: nothing, a generated kind, or imported files. */
  seed: AnnotationSeed;
  /** Images whose mask someone saved (drawn, edited or cleared), in index order. */
  annotated: Int32Array;
  /** Images in the dataset. */
  total: number;
}

export type AnnotationSeed = { kind: 'empty' } | { kind: 'generated'; mask: MaskKind } | { kind: 'imported' };

/** Generated kinds a set can start from: region masks (instance ids are not region labels). */
export const seedMaskKinds = maskKinds.filter((k) => k !== 'instances') as Exclude<MaskKind, 'instances'>[];

/** Colour of label value k at index k − 1 (Okabe–Ito, readable by colour-blind annotators): the editor and exported PNG palettes. */
export const labelColours = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#ffffff'] as const;

/** What an export writes: one palette PNG per image (pixel index = label value) and/or one .npy of all masks. */
export const exportFormats = ['png', 'npy'] as const;

const id = z.int().min(1);
const label = z.string().trim().min(1).max(60);

export const annotationRequestSchemas = {
  'annotations.list': z.object({ datasetId: id }).strict(),
  'annotations.get': z.object({ id }).strict(),
  'annotations.masks': z.object({ id, indices: z.array(z.int().min(0)).min(1).max(4096) }).strict(),
  'annotations.create': z
    .object({
      datasetId: id,
      name: z.string().trim().min(1).max(200),
      annotator: z.string().trim().min(1).max(100),
      labels: z.array(label).min(1).max(16),
      /** Start empty, or from a generated ground-truth kind of the dataset (it then holds one label). */
      seed: z.union([z.object({ kind: z.literal('empty') }).strict(), z.object({ kind: z.literal('generated'), mask: z.enum(seedMaskKinds) }).strict()]).default({ kind: 'empty' }),
    })
    .strict(),
  /** Saves one image's whole mask [H, W] (values 0 … labels); written before the call returns. */
  'annotations.save': z.object({ id, index: z.int().min(0), mask: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be the mask as bytes (a Uint8Array)') }).strict(),
  /** Forgets an image's saved mask, so it shows its seed again. */
  'annotations.revert': z.object({ id, index: z.int().min(0) }).strict(),
  /** Agreement of a set with another set (on the images both annotated) or with a generated ground truth (on the set's annotated images). */
  'annotations.agreement': z
    .object({
      id,
      with: z.union([z.object({ kind: z.literal('set'), id }).strict(), z.object({ kind: z.literal('generated'), mask: z.enum(seedMaskKinds) }).strict()]),
      /** Compare one label value (1 = the first label); any marked region by default. */
      label: z.int().min(1).max(16).optional(),
    })
    .strict(),
  /** Writes the set's masks into a new folder inside `folder` (absolute, one the user picked). */
  'annotations.export': z
    .object({
      id,
      folder: z.string().min(1),
      formats: z.array(z.enum(exportFormats)).min(1).default(['png', 'npy']),
      /** The images someone saved a mask for, or every image of the dataset (unsaved ones as their seed). */
      images: z.enum(['annotated', 'all']).default('annotated'),
    })
    .strict(),
  /** Saves PNG masks named after dataset indices (e.g. 00012.png) from a folder as the set's masks for those images. */
  'annotations.importMasks': z.object({ id, folder: z.string().min(1) }).strict(),
  'annotations.rename': z.object({ id, name: z.string().trim().min(1).max(200) }).strict(),
  'annotations.delete': z.object({ id }).strict(),
} as const;

export interface AnnotationAgreement {
  /** The images compared (annotated in both sets, or in the set for a generated ground truth). */
  indices: Int32Array;
  /** Per image; NaN where neither side marks anything. */
  iou: Float64Array;
  dice: Float64Array;
  /** Pooled over all pixels of all compared images. */
  overall: { iou: number; dice: number };
}

export interface SavedMask {
  setId: number;
  index: number;
  /** How many images have a saved mask now. */
  annotated: number;
  savedAt: string;
}

export interface AnnotationExport {
  /** The folder made for this export. */
  folder: string;
  /** Images exported. */
  images: number;
  /** Files written, by name. */
  files: string[];
}

export interface MaskImport {
  /** Images whose mask was saved from a file. */
  imported: number;
  /** Images with a saved mask now. */
  annotated: number;
  /** PNG files passed over, each with why. */
  skipped: { file: string; reason: string }[];
}
