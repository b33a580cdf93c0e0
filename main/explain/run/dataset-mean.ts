// The dataset's mean pixel per channel, for baselines defined by it (Integrated Gradients'
// dataset-mean). Read once per job that needs it, in chunks, over every image of the dataset: the
// data the model is explained on, whichever split the explained images come from. As a fraction
// of the brightest pixel value, so it maps through any preprocessing with the model's input bounds.
import { join } from 'node:path';
import type { DatasetRef } from '../../../shared/datasets.js';
import { NpyReader } from '../../workspace/npy-stream.js';

const ROWS_PER_READ = 4096;

/** Per channel, the mean of every pixel of every image (NHWC on disk) divided by the dtype's maximum. */
export function datasetMeanPixel(workspace: string, dataset: Pick<DatasetRef, 'channels' | 'dtype' | 'files'>): number[] {
  const reader = new NpyReader(join(workspace, dataset.files.images));
  try {
    const c = dataset.channels;
    const sums = new Float64Array(c);
    for (let start = 0; start < reader.rows; start += ROWS_PER_READ) {
      const pixels = reader.readRange(start, Math.min(ROWS_PER_READ, reader.rows - start));
      for (let k = 0; k < pixels.length; k++) sums[k % c]! += Number(pixels[k]!);
    }
    const top = dataset.dtype === 'uint16' ? 65535 : 255;
    const perChannel = (reader.rows * reader.rowLength) / c;
    return Array.from(sums, (s) => s / perChannel / top);
  } finally {
    reader.close();
  }
}
