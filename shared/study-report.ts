// A study report as gathered from the catalogue: the question, the entities it rests on (full
// catalogue records, so the report carries their provenance), and the few arrays its figures
// show — sample images with their ground truth, and heatmaps of chosen images for every run.
// main renders it to one self-contained HTML file; the Studies view and the CLI name these types.
import type { Dataset, SplitName } from './datasets.js';
import type { Evaluation, EvaluationCurves } from './evaluations.js';
import type { ExplanationRun } from './explanations.js';
import type { Model } from './models.js';

/** What a report is about and which catalogue entities it is built from (ids; what they rest on is added). */
export interface ReportRequest {
  title: string;
  /** The question the study asks, in the scientist's words. */
  question: string;
  /** The work the study reproduces or follows, if any. */
  citation?: string;
  datasetIds: number[];
  modelIds: number[];
  runIds: number[];
  evaluationIds: number[];
  /** Images shown per dataset, and rows of the heatmap figure (default 4). */
  sampleImages?: number;
  /** Rows of the heatmap figure: positions in the order the runs explained their images (0 = the first); default the first sampleImages. */
  figureRows?: number[];
  /** Methods (ids) shown in the heatmap figure; default every run's. */
  figureMethods?: string[];
}

/** An 8-bit RGBA picture at its own resolution (16-bit images already brought to 0–255). */
export interface ReportPicture {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** The ground truth whose contours a figure draws, in words and as where it comes from. */
export interface ReportGroundTruth {
  label: string;
  source: { kind: 'generated'; mask: string } | { kind: 'set'; id: number; label?: number };
}

export interface ReportImage {
  /** Dataset index. */
  index: number;
  /** True class. */
  label: number;
  split: SplitName;
  picture: ReportPicture;
  /** 1 inside the ground-truth region, [H × W]; null without a ground truth for this image. */
  mask: Uint8Array | null;
}

export interface ReportDataset {
  dataset: Dataset;
  groundTruth: ReportGroundTruth | null;
  samples: ReportImage[];
}

/** One column of the heatmap figure: a run's heatmaps of the figure's images. */
export interface ReportHeatmapColumn {
  runId: number;
  modelId: number;
  modelName: string;
  method: string;
  label: string;
  /** One [H × W] map per figure row (the explained class's; for target "all", the predicted class's). */
  heatmaps: Float32Array[];
}

/** The heatmap figure of one dataset: its images as rows, each model's methods as a column group. */
export interface ReportHeatmapGrid {
  datasetId: number;
  datasetName: string;
  classNames: string[];
  groundTruth: ReportGroundTruth | null;
  /** Positions of the rows in the runs' common image order. */
  rows: number[];
  images: ReportImage[];
  columns: ReportHeatmapColumn[];
  height: number;
  width: number;
}

export interface ReportEvaluation {
  evaluation: Evaluation;
  /** The dataset's class names (empty when the dataset is gone). */
  classNames: string[];
  /** Every curve metric's mean curves with their CI bands. */
  curves: EvaluationCurves[];
}

export interface ReportData {
  title: string;
  question: string;
  citation: string | null;
  /** ISO time the report was gathered. */
  generatedAt: string;
  heatlabVersion: string;
  datasets: ReportDataset[];
  models: Model[];
  runs: ExplanationRun[];
  grids: ReportHeatmapGrid[];
  evaluations: ReportEvaluation[];
  /** What the report lacks, one sentence each (a study's steps not done yet); absent or empty when complete. */
  missing?: string[];
}

/** A conclusion drawn from one evaluation's statistics, with how it may be read. */
export interface ReportSentence {
  /** finding: the statistics support it; caveat: qualifies a finding; undecided: what the data cannot settle, and why. */
  kind: 'finding' | 'caveat' | 'undecided';
  text: string;
}

export const journalWidths = {
  /** One column of a two-column journal page (Elsevier, Springer, IEEE: 85–90 mm). */
  single: { mm: 85, label: 'single column, 85 mm' },
  /** The full text width of such a page. */
  double: { mm: 174, label: 'double column, 174 mm' },
} as const;
export type JournalWidth = keyof typeof journalWidths;

/** Pixels per inch of the PNG figures: what journals ask for halftones. */
export const FIGURE_DPI = 300;

/** The PNG width of a journal width at FIGURE_DPI. */
export function figurePixels(width: JournalWidth): number {
  return Math.round((journalWidths[width].mm / 25.4) * FIGURE_DPI);
}
