// Segmentations for LIME and KernelSHAP: a label per pixel [H, W], labels 0..count−1.

export interface Segmentation {
  labels: Int32Array;
  count: number;
}

/** A regular grid of `cells`×`cells` rectangles (fewer when the image is smaller). */
export function gridSegments(height: number, width: number, cells: number): Segmentation {
  const rows = Math.min(cells, height);
  const cols = Math.min(cells, width);
  const labels = new Int32Array(height * width);
  for (let y = 0; y < height; y++) {
    const r = Math.floor((y * rows) / height);
    for (let x = 0; x < width; x++) labels[y * width + x] = r * cols + Math.floor((x * cols) / width);
  }
  return { labels, count: rows * cols };
}

/** Spreads one value per segment evenly over its pixels, so the map sums to the segment values. */
export function spreadOverSegments(seg: Segmentation, values: ArrayLike<number>, evenly: boolean): Float32Array {
  const sizes = new Float64Array(seg.count);
  for (const l of seg.labels) sizes[l]!++;
  const out = new Float32Array(seg.labels.length);
  for (let i = 0; i < out.length; i++) {
    const l = seg.labels[i]!;
    out[i] = evenly ? values[l]! / sizes[l]! : values[l]!;
  }
  return out;
}

/** Writes `fill` (a [C,H,W] image) into `image` wherever the pixel's segment is switched off. */
export function hideSegments(image: Float32Array, fill: Float32Array, seg: Segmentation, on: ArrayLike<number>, channels: number): void {
  const plane = seg.labels.length;
  for (let i = 0; i < plane; i++) {
    if (on[seg.labels[i]!]) continue;
    for (let c = 0; c < channels; c++) image[c * plane + i] = fill[c * plane + i]!;
  }
}
