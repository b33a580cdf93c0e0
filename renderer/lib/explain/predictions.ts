// The model's prediction for each row of a heatmap batch, from the logits stored with the run.

export interface Prediction {
  predicted: number;
  /** Softmax probability of the predicted class. */
  probability: number;
}

/** Softmax of one row of logits, shifted by its maximum so large logits do not overflow. */
export function softmax(logits: ArrayLike<number>, offset = 0, classes = logits.length): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, logits[offset + k]!);
  const out = new Float64Array(classes);
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += out[k] = Math.exp(logits[offset + k]! - max);
  for (let k = 0; k < classes; k++) out[k]! /= sum;
  return out;
}

/** The arg-max class and its probability for each of `rows` rows of [rows, classes] logits. */
export function predictions(logits: Float32Array, classes: number): Prediction[] {
  const rows = classes > 0 ? Math.floor(logits.length / classes) : 0;
  return Array.from({ length: rows }, (_, r) => {
    const p = softmax(logits, r * classes, classes);
    let best = 0;
    for (let k = 1; k < classes; k++) if (p[k]! > p[best]!) best = k;
    return { predicted: best, probability: p[best]! };
  });
}
