// The catalogue as the lab notebook: every entity Heatlab made, with its provenance (what it was made
// from and what was made from it), its recorded parameters, seeds, Heatlab and engine versions, and
// its disk use. Entity kinds are one union, so a later kind (studies) is one more member.
import { z } from 'zod';

/** Every kind of entity the catalogue lists, in the order work flows. */
export const catalogueKinds = ['dataset', 'model', 'run', 'annotationSet', 'evaluation'] as const;
export type CatalogueKind = (typeof catalogueKinds)[number];

export interface CatalogueRef {
  kind: CatalogueKind;
  id: number;
}

/** Another entity, as a provenance link names it. */
export interface CatalogueLink extends CatalogueRef {
  name: string;
  /** The relation, read from the entity made to what it was made from: "trained on", "explains", "images of", "scores", "ground truth". */
  role: string;
}

/** One recorded parameter, readable: "Training › Learning rate: 0.001". */
export interface CatalogueFact {
  key: string;
  value: string;
}

export interface CatalogueEntity {
  kind: CatalogueKind;
  id: number;
  name: string;
  createdAt: string;
  /** What it is, in a few words: "generated · Triangles & Squares · 300 images 32×32 · 2 classes". */
  summary: string;
  /** What came of it when the row records that ("test accuracy 97.3 %"); null otherwise. */
  outcome: string | null;
  /** Its recorded parameters, flattened to readable key: value pairs. */
  params: CatalogueFact[];
  /** The seeds that decided it, in words ("5", "training 1"); null when none applies or none was recorded. */
  seed: string | null;
  /** The Heatlab version that made it; null when the row does not record it. */
  heatlabVersion: string | null;
  /** The engine that computed it ("tfjs wasm", "ONNX Runtime 1.30.0, 2 threads"); null when none was recorded. */
  engine: string | null;
  /** The job that made it, while the job row exists. */
  jobId: number | null;
  /** What it was made from. */
  parents: CatalogueLink[];
  /** What was made from it, or uses it. */
  children: CatalogueLink[];
  /** Nothing else references it: it can go without taking anything with it. */
  unreferenced: boolean;
}

/** Bytes and files on disk. */
export interface Usage {
  bytes: number;
  files: number;
}

export interface EntityUsage extends CatalogueRef, Usage {
  /** Bytes of the entity's rows kept inside the catalogue database (an annotation set's saved masks). */
  inCatalogue: number;
}

/** A folder or file under data/ that belongs to no entity. */
export interface StrayPath extends Usage {
  /** Workspace-relative. */
  path: string;
  /** left-over: no row and no job (what a sweep removes); in-progress: a queued or running job's work; other: not Heatlab's, left alone. */
  state: 'left-over' | 'in-progress' | 'other';
}

export interface CatalogueDiskUse {
  entities: EntityUsage[];
  /** Per kind: how many entities and their files. */
  kinds: ({ kind: CatalogueKind; count: number } & Usage)[];
  /** catalogue.sqlite with its -wal and -shm files. */
  catalogue: Usage;
  stray: StrayPath[];
  /** Every file in the workspace folder. */
  total: Usage;
  computedAt: string;
}

export interface CleanUpResult {
  deleted: (CatalogueRef & { name: string; bytes: number })[];
  /** Entities asked for that were not deleted, each with the sentence why. */
  kept: (CatalogueRef & { name: string; reason: string })[];
  /** Bytes of the deleted entities' files. */
  bytes: number;
}

export interface SweepResult {
  removed: StrayPath[];
  bytes: number;
}

const ref = z.object({ kind: z.enum(catalogueKinds), id: z.int().min(1) }).strict();

export const catalogueRequestSchemas = {
  /** Every entity with its provenance, newest first; narrowed by kind, free text and whether anything references it. */
  'catalogue.entities': z
    .object({
      kinds: z.array(z.enum(catalogueKinds)).min(1).optional(),
      /** Words that must all occur in the name, kind, summary, parameters, seed, versions or engine (any case). */
      search: z.string().max(500).optional(),
      /** Only entities nothing else references. */
      unreferenced: z.boolean().default(false),
    })
    .strict(),
  /** Disk use per entity, per kind, of the catalogue database, of stray folders, and in total; cached between calls. */
  'catalogue.diskUse': z.object({}).strict(),
  /**
   * Deletes entities nothing references, each through its own delete (which refuses while a job
   * uses it); one that something references by now is kept, with the sentence why.
   */
  'catalogue.clean': z.object({ entities: z.array(ref).min(1).max(100_000) }).strict(),
  /** Removes left-over folders under data/: entity folders without a row, and staging of jobs that ended. */
  'catalogue.sweep': z.object({}).strict(),
} as const;
