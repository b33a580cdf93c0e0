// Which training images are held out for validation.
import { Random } from '../numeric/random.js';
import { shuffled } from '../numeric/shuffle.js';
import type { DatasetFeed } from '../workspace/dataset-feed.js';

/** Training and validation indices: the dataset's validation split, or a seeded share held out of train. */
export function trainValidationSplit(feed: DatasetFeed, validation: 'dataset' | number, seed: number): { train: Int32Array; validation: Int32Array } {
  const train = feed.indicesOf('train');
  if (validation === 'dataset') return { train, validation: feed.indicesOf('validation') };
  const mixed = shuffled(train, new Random(seed ^ 0x5a17));
  const held = Math.max(1, Math.round(mixed.length * validation));
  const sort = (a: Int32Array) => a.sort();
  return { train: sort(mixed.slice(held)), validation: sort(mixed.slice(0, held)) };
}
