// Dataset images as the report shows them: 8-bit RGBA at their own resolution. 8-bit images are
// shown as stored; 16-bit ones stretched from 0 to each image's brightest value, as the app shows
// them (renderer/lib/pixels.ts), so a 16-bit file holding 0–255 is not black.
import type { ImageBatch } from '../../../shared/datasets.js';
import type { ReportPicture } from '../../../shared/study-report.js';

/** Image k of a [k, H, W, C] batch as RGBA. */
export function pictureOf(batch: ImageBatch, k: number): ReportPicture {
  const [, height, width, channels] = batch.shape;
  const size = height * width * channels;
  const base = k * size;
  let scale = 1;
  if (batch.dtype === 'uint16') {
    let max = 0;
    for (let i = base; i < base + size; i++) if (batch.data[i]! > max) max = batch.data[i]!;
    scale = max === 0 ? 1 : 255 / max;
  }
  const rgba = new Uint8ClampedArray(height * width * 4);
  const grey = channels < 3;
  for (let p = 0; p < height * width; p++) {
    const i = base + p * channels;
    const r = batch.data[i]!;
    rgba[p * 4] = r * scale;
    rgba[p * 4 + 1] = (grey ? r : batch.data[i + 1]!) * scale;
    rgba[p * 4 + 2] = (grey ? r : batch.data[i + 2]!) * scale;
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

/** Mask k of a [k, H, W] batch as 1 inside the region, 0 outside; `label` keeps only that value (an annotation set's label). */
export function regionOf(data: Uint8Array, k: number, height: number, width: number, label?: number): Uint8Array {
  const mask = data.subarray(k * height * width, (k + 1) * height * width);
  return Uint8Array.from(mask, (v) => (label === undefined ? (v !== 0 ? 1 : 0) : v === label ? 1 : 0));
}
