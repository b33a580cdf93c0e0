// The class each heatmap explains (shared/explanations.ts, ExplanationTarget), per image: the
// model's prediction, the dataset label, one chosen class, or every class ([n, K], class-major
// within an image).
import { HeatlabError } from '../../../shared/errors.js';
import type { ExplanationTarget } from '../../../shared/explanations.js';
import { argmaxRows } from '../../numeric/classification.js';

export function targetsFor(target: ExplanationTarget, logits: Float32Array, labels: Int32Array, classes: number): Int32Array {
  const n = labels.length;
  if (target === 'predicted') return argmaxRows(logits, classes);
  if (target === 'all') return Int32Array.from({ length: n * classes }, (_, k) => k % classes);
  if (target === 'true') {
    const outside = labels.find((l) => l < 0 || l >= classes);
    if (outside !== undefined) throw new HeatlabError('invalid_request', `An image is labelled class ${outside}, which the model's ${classes} outputs do not have.`);
    return labels.slice();
  }
  if (target.class >= classes) throw new HeatlabError('invalid_request', `The model has ${classes} classes (0–${classes - 1}), so it cannot explain class ${target.class}.`);
  return new Int32Array(n).fill(target.class);
}
