// Where imported images go: images.npy [N, H, W, C] (and masks.npy [N, H, W]) streamed chunk by
// chunk into the staging folder, with the label and source file of each image kept aside (they
// are small) until the import knows N and can write labels, splits and sources.
import { join } from 'node:path';
import type { WrittenFile } from '../../workspace/npy-stream.js';
import { GrowingNpyWriter } from './growing-npy.js';
import type { PixelFormat } from '../../workspace/images/raster.js';

export interface SinkItem {
  /** Already in the dataset's pixel format and size. */
  pixels: Uint8Array | Uint16Array;
  label: number;
  /** Relative path of the source file; null for array sources. */
  source: string | null;
  /** [H, W] uint8, or null when the image has no mask (written as zeros). */
  mask: Uint8Array | null;
}

export const IMAGES_FILE = 'images.npy';
export const MASKS_FILE = 'masks.npy';

export class DatasetSink {
  readonly format: PixelFormat;
  readonly width: number;
  readonly height: number;
  readonly #images: GrowingNpyWriter;
  readonly #masks: GrowingNpyWriter | null;
  readonly #labels: number[] = [];
  readonly #sources: (string | null)[] = [];
  #masksMatched = 0;

  constructor(dir: string, format: PixelFormat, width: number, height: number, withMasks: boolean) {
    this.format = format;
    this.width = width;
    this.height = height;
    this.#images = new GrowingNpyWriter(join(dir, IMAGES_FILE), format.dtype, [height, width, format.channels]);
    try {
      this.#masks = withMasks ? new GrowingNpyWriter(join(dir, MASKS_FILE), 'uint8', [height, width]) : null;
    } catch (err) {
      this.#images.abort();
      throw err;
    }
  }

  get count(): number {
    return this.#labels.length;
  }

  get masksMatched(): number {
    return this.#masksMatched;
  }

  /** Appends a chunk of images (one write per array). */
  append(items: readonly SinkItem[]): void {
    if (items.length === 0) return;
    const size = this.width * this.height;
    const length = size * this.format.channels;
    const chunk = this.format.dtype === 'uint16' ? new Uint16Array(items.length * length) : new Uint8Array(items.length * length);
    const masks = this.#masks ? new Uint8Array(items.length * size) : null;
    items.forEach((item, k) => {
      if (item.pixels.length !== length) throw new Error(`An image of ${item.pixels.length} values does not fit the dataset's ${length}.`);
      chunk.set(item.pixels, k * length);
      if (masks && item.mask) {
        masks.set(item.mask, k * size);
        this.#masksMatched++;
      }
      this.#labels.push(item.label);
      this.#sources.push(item.source);
    });
    this.#images.append(chunk);
    if (masks) this.#masks!.append(masks);
  }

  get labels(): Int32Array {
    return Int32Array.from(this.#labels);
  }

  get sources(): (string | null)[] {
    return [...this.#sources];
  }

  /** Completes the arrays; a masks array without a single matched mask is deleted rather than kept. */
  finish(): { images: WrittenFile; masks: WrittenFile | null } {
    const images = this.#images.finish();
    if (this.#masks && this.#masksMatched === 0) this.#masks.abort();
    return { images, masks: this.#masks && this.#masksMatched > 0 ? this.#masks.finish() : null };
  }

  abort(): void {
    this.#images.abort();
    this.#masks?.abort();
  }
}
