// SLIC superpixels (Achanta et al. 2012, "SLIC superpixels compared to state-of-the-art
// superpixel methods", Algorithm 1) on a [C,H,W] image, for LIME and KernelSHAP segments:
// k-means in (colour, x, y) restricted to 2S×2S windows around each centre, S = √(HW/K), with
// D² = d_c² + (m·d_s/S)², then small or disconnected fragments are merged into a neighbour.
// Colours are divided by the image's value range, so m = 0.1 matches skimage's m = 10 on Lab.
import type { Segmentation } from './segments.js';

export interface SlicOptions {
  segments: number;
  compactness: number;
  iterations?: number;
}

export function slicSegments(image: Float32Array, channels: number, height: number, width: number, options: SlicOptions): Segmentation {
  const plane = height * width;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of image) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi > lo ? hi - lo : 1;
  const step = Math.max(1, Math.sqrt(plane / Math.max(1, options.segments)));
  const rows = Math.max(1, Math.round(height / step));
  const cols = Math.max(1, Math.round(width / step));
  const k = rows * cols;
  // Centres: colour (C values) then y, x.
  const dim = channels + 2;
  const centres = new Float64Array(k * dim);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const y = Math.min(height - 1, Math.floor(((r + 0.5) * height) / rows));
      const x = Math.min(width - 1, Math.floor(((c + 0.5) * width) / cols));
      const o = (r * cols + c) * dim;
      for (let ch = 0; ch < channels; ch++) centres[o + ch] = image[ch * plane + y * width + x]! / range;
      centres[o + channels] = y;
      centres[o + channels + 1] = x;
    }
  const labels = new Int32Array(plane).fill(-1);
  const dist = new Float64Array(plane);
  const spatial = (options.compactness / step) ** 2;
  const window = Math.ceil(step);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  for (let it = 0; it < (options.iterations ?? 10); it++) {
    dist.fill(Infinity);
    for (let j = 0; j < k; j++) {
      const o = j * dim;
      const cy = centres[o + channels]!;
      const cx = centres[o + channels + 1]!;
      const y0 = Math.max(0, Math.floor(cy - window)), y1 = Math.min(height - 1, Math.ceil(cy + window));
      const x0 = Math.max(0, Math.floor(cx - window)), x1 = Math.min(width - 1, Math.ceil(cx + window));
      for (let y = y0; y <= y1; y++)
        for (let x = x0; x <= x1; x++) {
          const p = y * width + x;
          let dc = 0;
          for (let ch = 0; ch < channels; ch++) {
            const d = image[ch * plane + p]! / range - centres[o + ch]!;
            dc += d * d;
          }
          const d = dc + spatial * ((y - cy) ** 2 + (x - cx) ** 2);
          if (d < dist[p]!) {
            dist[p] = d;
            labels[p] = j;
          }
        }
    }
    sums.fill(0);
    counts.fill(0);
    for (let p = 0; p < plane; p++) {
      const j = labels[p]!;
      if (j < 0) continue;
      counts[j]!++;
      for (let ch = 0; ch < channels; ch++) sums[j * dim + ch]! += image[ch * plane + p]! / range;
      sums[j * dim + channels]! += Math.floor(p / width);
      sums[j * dim + channels + 1]! += p % width;
    }
    for (let j = 0; j < k; j++) if (counts[j]! > 0) for (let e = 0; e < dim; e++) centres[j * dim + e] = sums[j * dim + e]! / counts[j]!;
  }
  return enforceConnectivity(labels, height, width, Math.max(1, Math.floor(plane / k / 4)));
}

/** Relabels 4-connected components 0..n−1, merging components smaller than `minSize` into the previous neighbour. */
function enforceConnectivity(labels: Int32Array, height: number, width: number, minSize: number): Segmentation {
  const plane = height * width;
  const out = new Int32Array(plane).fill(-1);
  const queue = new Int32Array(plane);
  let next = 0;
  for (let start = 0; start < plane; start++) {
    if (out[start]! >= 0) continue;
    // The label of an already-visited 4-neighbour, to absorb a fragment that turns out small.
    let adjacent = -1;
    const sy = Math.floor(start / width), sx = start % width;
    if (sx > 0 && out[start - 1]! >= 0) adjacent = out[start - 1]!;
    else if (sy > 0 && out[start - width]! >= 0) adjacent = out[start - width]!;
    const original = labels[start]!;
    let head = 0, tail = 0;
    queue[tail++] = start;
    out[start] = next;
    while (head < tail) {
      const p = queue[head++]!;
      const y = Math.floor(p / width), x = p % width;
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
      for (const q of neighbours)
        if (q >= 0 && out[q]! < 0 && labels[q] === original) {
          out[q] = next;
          queue[tail++] = q;
        }
    }
    if (tail < minSize && adjacent >= 0) for (let i = 0; i < tail; i++) out[queue[i]!] = adjacent;
    else next++;
  }
  return { labels: out, count: next };
}
