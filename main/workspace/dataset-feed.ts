// Batches for training and evaluation, read from the dataset's .npy files by index (never the
// whole dataset in memory), preprocessed into NHWC float32 as tfjs wants them.
import { join } from 'node:path';
import { splitCodes, type DatasetRef, type SplitName } from '../../shared/datasets.js';
import type { Preprocessing } from '../../shared/models.js';
import { readNpy } from './npy.js';
import { NpyReader } from './npy-stream.js';

/** x = pixel / scale, with mean 0 and std 1: inputs in [0, 1], as the ONNX metadata records. */
export function preprocessingFor(dataset: Pick<DatasetRef, 'dtype' | 'channels' | 'height' | 'width'>): Preprocessing {
  return {
    layout: 'NCHW',
    scale: dataset.dtype === 'uint16' ? 65535 : 255,
    mean: new Array<number>(dataset.channels).fill(0),
    std: new Array<number>(dataset.channels).fill(1),
    channels: dataset.channels,
    height: dataset.height,
    width: dataset.width,
  };
}

/** Pixels (NHWC) to model inputs (NHWC float32), by the preprocessing rule. */
export function preprocess(pixels: Uint8Array | Uint16Array, p: Preprocessing, out = new Float32Array(pixels.length)): Float32Array {
  const c = p.channels;
  for (let k = 0; k < pixels.length; k++) {
    const ch = k % c;
    out[k] = (pixels[k]! / p.scale - p.mean[ch]!) / p.std[ch]!;
  }
  return out;
}

export class DatasetFeed {
  readonly labels: Int32Array;
  readonly splits: Uint8Array;
  readonly preprocessing: Preprocessing;
  readonly #images: NpyReader;
  readonly #pixelsPerImage: number;

  /** `preprocessing`: the model's own (an imported model's); the dataset's [0, 1] scaling by default. */
  constructor(workspace: string, readonly dataset: DatasetRef, preprocessing: Preprocessing = preprocessingFor(dataset)) {
    this.labels = readNpy(join(workspace, dataset.files.labels)).data as Int32Array;
    this.splits = readNpy(join(workspace, dataset.files.splits)).data as Uint8Array;
    this.#images = new NpyReader(join(workspace, dataset.files.images));
    this.preprocessing = preprocessing;
    this.#pixelsPerImage = dataset.height * dataset.width * dataset.channels;
  }

  /** Indices of one split, in dataset order. */
  indicesOf(split: SplitName): Int32Array {
    const code = splitCodes[split];
    const out: number[] = [];
    for (let k = 0; k < this.splits.length; k++) if (this.splits[k] === code) out.push(k);
    return Int32Array.from(out);
  }

  /**
   * Inputs and labels of the images at `indices`, in that order. Rows are read in ascending index
   * order (better locality on disk) and put back in the requested order.
   */
  batch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
    const order = Array.from({ length: indices.length }, (_, k) => k).sort((a, b) => indices[a]! - indices[b]!);
    const pixels = this.#images.readRows(order.map((k) => indices[k]!)) as Uint8Array | Uint16Array;
    const n = this.#pixelsPerImage;
    const x = new Float32Array(indices.length * n);
    const y = new Int32Array(indices.length);
    order.forEach((k, sortedPosition) => {
      preprocess(pixels.subarray(sortedPosition * n, (sortedPosition + 1) * n), this.preprocessing, x.subarray(k * n, (k + 1) * n));
      y[k] = this.labels[indices[k]!]!;
    });
    return { x, y };
  }

  close(): void {
    this.#images.close();
  }
}
