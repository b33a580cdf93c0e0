// Train/validation/test assignment for imported images. Stratified: every class is split by
// the same fractions (splitSizes per class), so each split keeps the class proportions of the
// whole; which images go where is a seeded shuffle, so the same seed gives the same split.
import { splitCodes } from '../../../shared/datasets.js';
import { Random } from '../../numeric/random.js';
import { imageSeed, splitSizes, type SplitFractions } from '../synthesize.js';

/** Row indices of each class, in row order. */
function rowsByClass(labels: Int32Array, rows: ArrayLike<number>, classes: number): number[][] {
  const byClass = Array.from({ length: classes }, () => [] as number[]);
  for (let k = 0; k < rows.length; k++) byClass[labels[rows[k]!]!]!.push(rows[k]!);
  return byClass;
}

function shuffle(values: number[], rng: Random): void {
  for (let k = values.length - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    const t = values[k]!;
    values[k] = values[j]!;
    values[j] = t;
  }
}

/** A split for a source that has none: per class, the shuffled rows cut by `split`. */
export function stratifiedSplits(labels: Int32Array, classes: number, split: SplitFractions, seed: number): Uint8Array {
  const splits = new Uint8Array(labels.length);
  const rng = new Random(imageSeed(seed, -1));
  const all = Array.from({ length: labels.length }, (_, k) => k);
  for (const rows of rowsByClass(labels, all, classes)) {
    shuffle(rows, rng);
    const [train, validation] = splitSizes(rows.length, split);
    rows.forEach((row, k) => (splits[row] = k < train ? splitCodes.train : k < train + validation ? splitCodes.validation : splitCodes.test));
  }
  return splits;
}

/**
 * For a source with its own train/test split (an IDX pair, an npz with x_train/x_test): a
 * validation set carved from train, per class, the fraction validation / (train + validation)
 * of the requested split — the share validation would have had of the training data.
 */
export function carveValidation(labels: Int32Array, splits: Uint8Array, classes: number, split: SplitFractions, seed: number): Uint8Array {
  const out = new Uint8Array(splits);
  const share = split.train + split.validation > 0 ? split.validation / (split.train + split.validation) : 0;
  if (share === 0) return out;
  const rng = new Random(imageSeed(seed, -1));
  const trainRows = Array.from(splits.keys()).filter((k) => splits[k] === splitCodes.train);
  for (const rows of rowsByClass(labels, trainRows, classes)) {
    shuffle(rows, rng);
    const validation = Math.round(rows.length * share);
    for (let k = 0; k < validation; k++) out[rows[k]!] = splitCodes.validation;
  }
  return out;
}
