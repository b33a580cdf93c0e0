// Annotation sets: the regions a human would look at, drawn on (or imported for) a dataset.

export interface AnnotationSetSummary {
  id: number;
  datasetId: number;
  name: string;
  annotator: string;
  /** Region labels, e.g. "corners", "object". */
  labels: string[];
  source: 'empty' | 'generated' | 'imported';
  createdAt: string;
}
