// Which images of a comparison the grid shows: by true class, by whether the model was right, and
// by the confidence of its prediction. Predictions come from the logits stored with the runs, so
// filtering needs no extra forward pass (a first run over a random selection gives the candidates).
import type { Prediction } from './predictions.js';

export interface RowFilter {
  /** A true class, or null for every class. */
  label: number | null;
  outcome: 'all' | 'correct' | 'incorrect';
  /** Probability of the predicted class, inclusive, 0–1. */
  minConfidence: number;
  maxConfidence: number;
}

export const noFilter: RowFilter = { label: null, outcome: 'all', minConfidence: 0, maxConfidence: 1 };

export interface FilterRow {
  label: number;
  prediction: Prediction;
}

/** Positions of the rows that pass, in their order. */
export function filterRows(rows: readonly FilterRow[], f: RowFilter): number[] {
  const out: number[] = [];
  rows.forEach((row, i) => {
    if (f.label !== null && row.label !== f.label) return;
    const correct = row.prediction.predicted === row.label;
    if (f.outcome === 'correct' && !correct) return;
    if (f.outcome === 'incorrect' && correct) return;
    // An emptied number field gives null: no bound on that side.
    const p = row.prediction.probability;
    if (Number.isFinite(f.minConfidence) && p < f.minConfidence) return;
    if (Number.isFinite(f.maxConfidence) && p > f.maxConfidence) return;
    out.push(i);
  });
  return out;
}

export function isFiltering(f: RowFilter): boolean {
  return f.label !== null || f.outcome !== 'all' || f.minConfidence > 0 || f.maxConfidence < 1;
}
