// What the report reads of the catalogue: only these calls, each answered by the services as they
// are (synchronously) or through the typed Api (asynchronously), so the report is rendered from
// the catalogue alone and can be tested with a workspace or with small records.
import type { AnnotationSet } from '../../../shared/annotations.js';
import type { Dataset, DatasetIndex, ImageBatch, MaskBatch } from '../../../shared/datasets.js';
import type { Evaluation, EvaluationCurves } from '../../../shared/evaluations.js';
import type { ExplanationRun, HeatmapBatch } from '../../../shared/explanations.js';
import type { MaskKind, MaskOptions } from '../../../shared/generators.js';
import type { Model } from '../../../shared/models.js';

type Answer<T> = T | Promise<T>;

export interface ReportSources {
  datasets: {
    get(id: number): Answer<Dataset>;
    index(id: number): Answer<DatasetIndex>;
    images(id: number, indices: number[]): Answer<ImageBatch>;
    masks(id: number, kind: MaskKind, indices: number[], options: MaskOptions): Answer<MaskBatch>;
  };
  annotations: {
    get(id: number): Answer<AnnotationSet>;
    masks(id: number, indices: number[]): Answer<Pick<MaskBatch, 'shape' | 'data'>>;
  };
  models: { get(id: number): Answer<Model> };
  explanations: {
    get(id: number): Answer<ExplanationRun>;
    /** Every row's dataset index and logits (one run: explanations.gridIndex of [id]). */
    gridIndex(ids: number[]): Answer<{ indices: Int32Array; logits: Float32Array }>;
    heatmaps(id: number, rows: number[]): Answer<HeatmapBatch>;
  };
  evaluations: {
    get(id: number): Answer<Evaluation>;
    curves(id: number, metric: string): Answer<EvaluationCurves>;
  };
  /** Heatlab's version, written into the report. */
  version: string;
}
