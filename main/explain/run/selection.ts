// Which dataset images an explanation run covers (shared/explanations.ts, ImageSelection): a split
// or all images, then the first n, a seeded random n (kept in dataset order for locality), or
// indices given one by one. Main resolves it to validate a request; the job resolves it again.
import { splitCodes } from '../../../shared/datasets.js';
import { HeatlabError } from '../../../shared/errors.js';
import type { ImageSelection } from '../../../shared/explanations.js';
import { shuffled } from '../../train/data-feed.js';
import { Random } from '../../numeric/random.js';

export function selectImages(splits: Uint8Array, selection: ImageSelection, datasetName: string): Int32Array {
  const count = splits.length;
  if (selection.pick === 'indices') {
    const indices = selection.indices;
    if (indices === undefined) throw new HeatlabError('invalid_request', 'Choosing images by index needs the list of indices.');
    const outside = indices.find((i) => i >= count);
    if (outside !== undefined) throw new HeatlabError('invalid_request', `Image ${outside} is outside dataset "${datasetName}", which has ${count} images (0–${count - 1}).`);
    return Int32Array.from(indices);
  }
  const pool: number[] = [];
  const code = selection.split === 'all' ? null : splitCodes[selection.split];
  for (let k = 0; k < count; k++) if (code === null || splits[k] === code) pool.push(k);
  if (pool.length === 0) throw new HeatlabError('invalid_request', `The ${selection.split} split of dataset "${datasetName}" has no images.`);
  const n = Math.min(selection.n ?? pool.length, pool.length);
  if (selection.pick === 'first') return Int32Array.from(pool.slice(0, n));
  return shuffled(Int32Array.from(pool), new Random(selection.seed)).slice(0, n).sort();
}
