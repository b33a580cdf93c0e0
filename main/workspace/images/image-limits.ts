// How large an image Heatlab decodes. A few kilobytes of PNG can declare 16383×16383 16-bit RGBA
// pixels (a decompression bomb): under the pixel limit, yet 2 GiB of samples, and the decoder
// holds about three copies. So the limit is on decoded bytes — width × height × channels × bytes
// per sample — checked from the header, before a byte of pixel data is inflated.

/** sharp's default limit on input pixels (0x3FFF²), so that a damaged header cannot ask for gigabytes. */
export const MAX_PIXELS = 268402689;

/**
 * 512 MiB of samples: a 16-bit RGB 8K×8K scan (384 MiB) or a 100-megapixel 8-bit RGB photo
 * (300 MB) fits; decoding one takes about three times this, which a lab machine has.
 */
export const MAX_DECODED_BYTES = 512 * 2 ** 20;

export const decodedBytes = (width: number, height: number, channels: number, bits: number): number => width * height * channels * (bits > 8 ? 2 : 1);

/** Throws the reason (as "it …", for the import report) when an image is larger than Heatlab decodes. */
export function checkDecodedSize(width: number, height: number, channels: number, bits: number): void {
  if (width * height > MAX_PIXELS) throw new Error(`it is ${width}×${height}, larger than the ${MAX_PIXELS} pixels Heatlab reads`);
  const bytes = decodedBytes(width, height, channels, bits);
  if (bytes > MAX_DECODED_BYTES) {
    const size = bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1).replace(/\.0$/, '')} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
    throw new Error(
      `it is ${width}×${height} with ${channels} channel${channels === 1 ? '' : 's'} of ${bits > 8 ? 16 : 8} bits, ${size} once decoded; Heatlab decodes images up to ${MAX_DECODED_BYTES / 2 ** 20} MiB`,
    );
  }
}

/**
 * Decoded bytes in flight at once across the images decoding side by side: many small images, or
 * one large one alone (an image over the budget waits for the others and then decodes by itself),
 * so that sixteen large images never decode together.
 */
export class DecodeBudget {
  readonly #total: number;
  #free: number;
  readonly #waiting: { bytes: number; go: () => void }[] = [];

  constructor(total = MAX_DECODED_BYTES) {
    this.#total = total;
    this.#free = total;
  }

  async use<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const want = Math.min(bytes, this.#total);
    if (this.#waiting.length > 0 || this.#free < want) await new Promise<void>((go) => this.#waiting.push({ bytes: want, go }));
    else this.#free -= want;
    try {
      return await work();
    } finally {
      this.#free += want;
      // First come, first served, so a large image is not starved by a stream of small ones.
      while (this.#waiting.length > 0 && this.#free >= this.#waiting[0]!.bytes) {
        const next = this.#waiting.shift()!;
        this.#free -= next.bytes;
        next.go();
      }
    }
  }
}
