// Which dataset images an explanation run covers (shared/explanations.ts, ImageSelection): a split
// or all images, narrowed to one true class and to what the model predicts, then the first n, a
// seeded random n (kept in dataset order for locality), or indices given one by one. Main checks
// what it can without the model (the split and class have images); the job resolves it all, with
// its own forward pass when the selection depends on the predictions.
import { splitCodes } from '../../../shared/datasets.js';
import { HeatlabError } from '../../../shared/errors.js';
import type { ImageSelection } from '../../../shared/explanations.js';
import { shuffled } from '../../numeric/shuffle.js';
import { argmaxRows, softmax } from '../../numeric/classification.js';
import { Random } from '../../numeric/random.js';

/** What a selection reads of a dataset. */
export interface SelectionSource {
  name: string;
  splits: Uint8Array;
  labels: Int32Array;
  classNames: readonly string[];
}

/** "the test split of dataset "X"" or "dataset "X"", with the class when there is one. */
function describePool(src: SelectionSource, s: ImageSelection): string {
  const where = s.split === 'all' ? `dataset "${src.name}"` : `the ${s.split} split of dataset "${src.name}"`;
  return s.label === undefined ? where : `${where} in class ${src.classNames[s.label] ?? s.label}`;
}

/** The images a `first` or `random` selection draws from before predictions narrow them: the split, then the class. */
export function candidateImages(src: SelectionSource, s: ImageSelection): Int32Array {
  if (s.label !== undefined && s.label >= src.classNames.length) {
    throw new HeatlabError('invalid_request', `Dataset "${src.name}" has ${src.classNames.length} classes (0–${src.classNames.length - 1}), so it has no class ${s.label}.`);
  }
  const pool: number[] = [];
  const code = s.split === 'all' ? null : splitCodes[s.split];
  for (let k = 0; k < src.splits.length; k++) if ((code === null || src.splits[k] === code) && (s.label === undefined || src.labels[k] === s.label)) pool.push(k);
  if (pool.length === 0) throw new HeatlabError('invalid_request', s.label === undefined ? `The ${s.split} split of dataset "${src.name}" has no images.` : `${capitalise(describePool(src, s))} has no images.`);
  return Int32Array.from(pool);
}

const capitalise = (text: string) => text[0]!.toUpperCase() + text.slice(1);

/** The first n of the candidates, or a seeded random n of them in dataset order. */
export function pickImages(pool: Int32Array, s: ImageSelection): Int32Array {
  const n = Math.min(s.n ?? pool.length, pool.length);
  if (s.pick === 'first') return pool.slice(0, n);
  return shuffled(pool, new Random(s.seed)).slice(0, n).sort();
}

/**
 * Positions of the candidates that the selection's prediction filters keep, from the model's scores
 * for them ([candidates, classes], logits or probabilities): right or wrong about the true class,
 * and the softmax probability of the predicted class within the confidence range. Refuses in one
 * sentence when none is left.
 */
export function keptByPrediction(src: SelectionSource, s: ImageSelection, pool: Int32Array, scores: Float32Array, classes: number, probabilities: boolean): Int32Array {
  const p = probabilities ? scores : softmax(scores, classes);
  const predicted = argmaxRows(p, classes);
  const kept: number[] = [];
  for (let r = 0; r < pool.length; r++) {
    const best = predicted[r]!;
    const right = best === src.labels[pool[r]!];
    if (s.outcome === 'correct' && !right) continue;
    if (s.outcome === 'incorrect' && right) continue;
    const confidence = p[r * classes + best]!;
    if (s.confidence && (confidence < s.confidence.min || confidence > s.confidence.max)) continue;
    kept.push(r);
  }
  if (kept.length === 0) {
    const how = s.outcome === 'correct' ? 'classified correctly' : s.outcome === 'incorrect' ? 'classified wrongly' : 'predicted';
    const what = s.confidence ? `${how} with a confidence from ${s.confidence.min} to ${s.confidence.max}` : how;
    throw new HeatlabError('invalid_request', `No image of ${describePool(src, s)} is ${what} (${pool.length} looked at).`);
  }
  return Int32Array.from(kept);
}

/** The images of a selection that needs no prediction: given indices (checked), or the first or random n of the candidates. */
export function selectImages(src: SelectionSource, s: ImageSelection): Int32Array {
  if (s.pick === 'indices') {
    const indices = s.indices;
    const count = src.splits.length;
    if (indices === undefined) throw new HeatlabError('invalid_request', 'Choosing images by index needs the list of indices.');
    const outside = indices.find((i) => i >= count);
    if (outside !== undefined) throw new HeatlabError('invalid_request', `Image ${outside} is outside dataset "${src.name}", which has ${count} images (0–${count - 1}).`);
    return Int32Array.from(indices);
  }
  return pickImages(candidateImages(src, s), s);
}
