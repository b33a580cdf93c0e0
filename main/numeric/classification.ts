// Classification scores from logits (softmax, arg-max, cross-entropy, accuracy and confusion),
// computed in float64 rather than in tfjs so they do not depend on the backend; training, image
// selection, evaluation and model import all read them.
import type { TestMetrics } from '../../shared/models.js';

/** Row-wise softmax of [n, k] logits, max-shifted for stability. */
export function softmax(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(row[c]! - max);
    for (let c = 0; c < classes; c++) out[r * classes + c] = Math.exp(row[c]! - max) / sum;
  }
  return out;
}

/** Mean cross-entropy −log softmax(logits)[label], via log-sum-exp. */
export function crossEntropy(logits: Float32Array, labels: Int32Array, classes: number): number {
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(row[c]! - max);
    total += max + Math.log(sum) - row[labels[r]!]!;
  }
  return labels.length === 0 ? Number.NaN : total / labels.length;
}

export function argmaxRows(values: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(values.length / classes);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[r * classes + c]! > values[r * classes + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Accuracy, confusion[true][predicted], per-class precision and recall (0 where undefined). */
export function testMetrics(logits: Float32Array, labels: Int32Array, classes: number): TestMetrics {
  const predicted = argmaxRows(logits, classes);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    confusion[labels[r]!]![predicted[r]!]!++;
    if (labels[r] === predicted[r]) correct++;
  }
  const precision = confusion.map((_, c) => {
    const column = confusion.reduce((a, row) => a + row[c]!, 0);
    return column === 0 ? 0 : confusion[c]![c]! / column;
  });
  const recall = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : row[c]! / total;
  });
  return {
    accuracy: labels.length === 0 ? Number.NaN : correct / labels.length,
    loss: crossEntropy(logits, labels, classes),
    confusion,
    precision,
    recall,
    count: labels.length,
    misclassified: labels.length - correct,
  };
}
