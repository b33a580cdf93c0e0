// Studies: Heatlab's unit of work. A study file (plan) names datasets — generated, imported, or
// already in the catalogue — the models of each (trained, imported ONNX, or already there), the
// attribution methods, an image selection, ground truths and metrics; main runs it as one pipeline
// of the ordinary jobs (generate → train/import → explain → evaluate), each step keyed by its
// parameters and seeds so a rerun skips what the catalogue already holds.
import { z } from 'zod';
import { seedMaskKinds } from './annotations.js';
import { importOptionsSchema, splitNames } from './datasets.js';
import type { ApiError } from './errors.js';
import { registryChoiceSchema, targetSchema } from './explanations.js';
import { generatorIds } from './generators.js';
import { modelImportRequestSchemas } from './model-import.js';
import { architectureSchema, trainingSchema } from './models.js';

const id = z.int().min(1);
const seed = z.int().min(0).max(0xffffffff);
const name = z.string().trim().min(1).max(200);

/** A model of a study's dataset: trained in the study, already in the catalogue, or imported from an .onnx file. */
const { testDatasetId: _testDataset, ...onnxImportShape } = modelImportRequestSchemas['models.import'].shape;
export const studyModelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train'), name: name.optional(), architecture: architectureSchema.prefault({ kind: 'preset' }), training: trainingSchema.prefault({}) }).strict(),
  z.object({ kind: z.literal('existing'), modelId: id }).strict(),
  // The import test-runs the model on the study's dataset, so the plan names no test dataset.
  z.object({ kind: z.literal('onnx'), ...onnxImportShape }).strict(),
]);
export type StudyModel = z.output<typeof studyModelSchema>;

const models = z.array(studyModelSchema).min(1).max(16);

/** A dataset of the study with its models. Paths (imports) must be absolute; the CLI resolves a plan file's relative paths against its folder. */
export const studyDatasetSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('generate'),
      generator: z.enum(generatorIds),
      /** The generator's parameters (shared/generators.ts) without the seed; defaults fill the rest. */
      params: z.record(z.string(), z.unknown()).default({}),
      seed: seed.default(1),
      name: name.optional(),
      models,
    })
    .strict(),
  z.object({ kind: z.literal('existing'), datasetId: id, models }).strict(),
  z.object({ kind: z.literal('import'), ...importOptionsSchema.shape, models }).strict(),
]);
export type StudyDataset = z.output<typeof studyDatasetSchema>;

/** Which images every model explains: the same split, count and seed on each dataset. */
export const studyImagesSchema = z
  .object({
    split: z.enum([...splitNames, 'all']).default('test'),
    pick: z.enum(['first', 'random']).default('random'),
    /** Only images of this true class. */
    label: z.int().min(0).optional(),
    n: z.int().min(1).max(1_000_000),
    seed: seed.default(1),
  })
  .strict();
export type StudyImages = z.output<typeof studyImagesSchema>;

/** Where localisation metrics take their regions: a generated mask kind, an annotation set, or the masks imported with the dataset. */
export const studyGroundTruthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('generated'), mask: z.enum(seedMaskKinds) }).strict(),
  z.object({ kind: z.literal('set'), id, label: z.int().min(1).max(16).optional() }).strict(),
  z.object({ kind: z.literal('imported') }).strict(),
]);
export type StudyGroundTruth = z.output<typeof studyGroundTruthSchema>;

export const studySizes = ['small', 'full'] as const;
export type StudySize = (typeof studySizes)[number];

/** The template a study was made from, with what a reader needs to compare it with the paper. */
export const studyTemplateRefSchema = z
  .object({
    id: z.string().min(1).max(100),
    size: z.enum(studySizes),
    citation: z.string().min(1).max(2000),
    /** Where Heatlab's version differs from the paper, one sentence each. */
    differences: z.array(z.string().min(1).max(2000)).max(32).default([]),
  })
  .strict();
export type StudyTemplateRef = z.output<typeof studyTemplateRefSchema>;

/** A study file. Defaults fill what is left out; the stored plan has every default filled in. */
export const studyPlanSchema = z
  .object({
    /** The study file format's version. */
    version: z.literal(1).default(1),
    name,
    /** The question the study answers, in the scientist's words. */
    question: z.string().trim().max(4000).default(''),
    template: studyTemplateRefSchema.optional(),
    datasets: z.array(studyDatasetSchema).min(1).max(8),
    /** Every model explains the same images with every method. */
    methods: z.array(registryChoiceSchema).min(1).max(64),
    target: targetSchema.default('predicted'),
    images: studyImagesSchema,
    /**
     * One evaluation per ground truth for each model: the first with every metric, the others with
     * only the metrics that need a mask (the rest would score the same). Empty: no ground truth.
     */
    groundTruths: z.array(studyGroundTruthSchema).max(8).default([]),
    metrics: z.array(registryChoiceSchema).min(1).max(32),
    /** Seeds the random methods, the random baseline, the metrics' noise and the bootstrap. */
    seed: seed.default(1),
    resamples: z.int().min(100).max(100_000).default(2000),
    level: z.number().gt(0.5).lt(1).default(0.95),
  })
  .strict();
export type StudyPlanInput = z.input<typeof studyPlanSchema>;
export type StudyPlan = z.output<typeof studyPlanSchema>;

const planObject = z.record(z.string(), z.unknown());

/** Where a study's explanation and evaluation steps run when not here: the workspace's Slurm cluster. */
export const studyClusterSchema = z.object({ kind: z.literal('slurm'), shards: z.int().min(1).max(10_000).optional() }).strict();
export type StudyCluster = z.output<typeof studyClusterSchema>;

export const studyRequestSchemas = {
  /** The templates, each at both sizes, with its citation. */
  'studies.templates': z.object({}).strict(),
  /** Makes a study from a template or a plan; the plan is validated as a whole first. */
  'studies.create': z
    .object({
      template: z.object({ id: z.string().min(1), size: z.enum(studySizes).default('small') }).strict().optional(),
      /** A study file's content; checked by the study's own validation, which names the bad part. */
      plan: planObject.optional(),
      /** Overrides the plan's or template's name. */
      name: name.optional(),
    })
    .strict()
    .refine((r) => (r.template === undefined) !== (r.plan === undefined), { message: 'give a template or a plan, not both or neither', path: ['plan'] }),
  /** Checks a plan as a whole without storing it. */
  'studies.validate': z.object({ plan: planObject }).strict(),
  'studies.list': z.object({}).strict(),
  'studies.get': z.object({ id }).strict(),
  /**
   * Runs (or resumes) the pipeline in the background; progress comes as `study.progress`. With
   * `cluster`, the explanation and evaluation steps run on Slurm as cluster.explain and
   * cluster.evaluate jobs split into `shards` (their default when left out); the rest runs here.
   */
  'studies.run': z.object({ id, cluster: studyClusterSchema.optional() }).strict(),
  /** Cancels the current step's job and stops; running the study again resumes it. */
  'studies.cancel': z.object({ id }).strict(),
  'studies.rename': z.object({ id, name }).strict(),
  /** Deletes the study; with `withResults`, also what it made that no other study or entity uses. */
  'studies.delete': z.object({ id, withResults: z.boolean().default(false) }).strict(),
  /** The study's report as one self-contained HTML file, from the catalogue; an unfinished study's says what is missing. */
  'studies.report': z.object({ id }).strict(),
  /**
   * Writes the report (and, with `pdf`, its PDF) into `folder` — a folder granted with files.grant —
   * or into the Downloads folder when left out. Nothing is written when the PDF cannot be printed.
   */
  'studies.saveReport': z.object({ id, folder: z.string().min(1).optional(), pdf: z.boolean().default(false) }).strict(),
  /**
   * Writes the finished study's reproducibility bundle (one zip: plan, parameters, seeds, versions,
   * ONNX models, arrays, score CSVs, report, imported inputs) into `folder` — granted with
   * files.grant — or into the Downloads folder when left out.
   */
  'studies.export': z.object({ id, folder: z.string().min(1).optional() }).strict(),
} as const;

/** A study's report: its title and the self-contained HTML. */
export interface StudyReportFile {
  title: string;
  html: string;
}

/** Where a study's report was written. */
export interface SavedStudyReport {
  /** The HTML file. */
  path: string;
  /** The PDF, when one was asked for. */
  pdfPath: string | null;
}

export const studyStatuses = ['new', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type StudyStatus = (typeof studyStatuses)[number];

export const studyStepKinds = ['dataset.generate', 'dataset.import', 'dataset.existing', 'model.train', 'model.import', 'model.existing', 'explain', 'evaluate'] as const;
export type StudyStepKind = (typeof studyStepKinds)[number];

export const studyEntityKinds = ['dataset', 'model', 'run', 'evaluation'] as const;
export type StudyEntityKind = (typeof studyEntityKinds)[number];

/**
 * How a study came to hold an entity: `created` by a study's job, `found` in the catalogue by its
 * recorded parameters (made outside any study), `input` named by the plan as existing.
 */
export type StudyMemberOrigin = 'created' | 'found' | 'input';

/** One entity of a study, at its place in the plan (`slot`, e.g. `datasets[0].models[1].methods[2]`). */
export interface StudyMember {
  slot: string;
  /** sha256 of the step's kind, canonical parameters, seeds and input entity ids. */
  stepKey: string;
  kind: StudyEntityKind;
  id: number;
  origin: StudyMemberOrigin;
}

/** A step of the pipeline as planned, with what it has produced so far. */
export interface StudyStep {
  slot: string;
  kind: StudyStepKind;
  label: string;
  state: 'pending' | 'running' | 'done';
  /** What the step produced: one dataset or model, a run per method, or one evaluation. */
  members: StudyMember[];
}

export interface StudyProgress {
  studyId: number;
  status: StudyStatus;
  /** Steps finished (run, or skipped because the catalogue held their result) of all steps. */
  done: number;
  total: number;
  /** Of the whole pipeline, the current step's share included. */
  fraction: number;
  /** The current step; null before the first and after the last. */
  step: { index: number; slot: string; kind: StudyStepKind; label: string; jobId: number | null; fraction: number; message: string } | null;
  message: string;
}

export interface StudySummary {
  id: number;
  name: string;
  question: string;
  status: StudyStatus;
  template: { id: string; size: StudySize } | null;
  steps: { done: number; total: number };
  /** How many datasets, models, runs and evaluations the study holds so far. */
  counts: Record<StudyEntityKind, number>;
  progress: StudyProgress | null;
  /** Why the last run did not finish, as a sentence. */
  error: ApiError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Study extends StudySummary {
  /** The plan as validated, every default filled in. */
  plan: StudyPlan;
  pipeline: StudyStep[];
  members: StudyMember[];
  heatlabVersion: string;
}

export interface StudyValidation {
  valid: boolean;
  /** The one sentence naming the bad part; null when valid. */
  problem: string | null;
  /** The plan with every default filled in; null when invalid. */
  plan: StudyPlan | null;
  /** The pipeline's steps in order. */
  steps: { slot: string; kind: StudyStepKind; label: string }[];
}

export interface StudyTemplateInfo {
  id: string;
  label: string;
  description: string;
  citation: string;
  /** The template at each size: small (a few minutes on a laptop, for a first look) and full (the paper's scale). */
  plans: { [S in StudySize]: StudyPlanInput };
}

export interface StudyDeletion {
  deleted: number;
  /** Results deleted with the study. */
  removed: { kind: StudyEntityKind; id: number }[];
  /** Results kept, each with why (another study or entity uses it, a job uses it, the plan named it). */
  kept: { kind: StudyEntityKind; id: number; reason: string }[];
}
