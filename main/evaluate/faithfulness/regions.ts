// The regions a perturbation metric removes, in the order it removes them. Samek et al. 2017 (and
// iNNvestigate, their group's implementation) rank a fixed grid of non-overlapping s×s tiles by
// their mean relevance; Quantus's RegionPerturbation instead scores an s×s patch at every pixel by
// its summed relevance and picks the best ones greedily, skipping patches that overlap one already
// picked. Tiles at the right and bottom edges are cut to the image (iNNvestigate pads them by
// reflection instead; a cut tile's mean is the same idea without invented pixels).

import type { Random } from '../../numeric/random.js';
import { shuffled } from '../../numeric/shuffle.js';

export type RegionScheme = 'grid' | 'greedy';

/** Pixel indices (row-major, one plane) of each region, most relevant first; read only (grid tiles are shared between calls). */
export function rankedRegions(heatmap: Float32Array, height: number, width: number, size: number, scheme: RegionScheme, count: number): Int32Array[] {
  return scheme === 'grid' ? gridRegions(heatmap, height, width, size, count) : greedyRegions(heatmap, height, width, size, count);
}

function tile(y0: number, x0: number, h: number, w: number, width: number): Int32Array {
  const out = new Int32Array(h * w);
  let k = 0;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) out[k++] = y * width + x;
  return out;
}

const gridTilesBySize = new Map<string, Int32Array[]>();

/** The grid's tiles in row-major order, made once per image size and tile size (they are shared: read only). */
function gridTiles(height: number, width: number, size: number): Int32Array[] {
  const key = `${height}×${width}/${size}`;
  let tiles = gridTilesBySize.get(key);
  if (tiles === undefined) {
    tiles = [];
    for (let y = 0; y < height; y += size) for (let x = 0; x < width; x += size) tiles.push(tile(y, x, Math.min(size, height - y), Math.min(size, width - x), width));
    gridTilesBySize.set(key, tiles);
  }
  return tiles;
}

function gridRegions(heatmap: Float32Array, height: number, width: number, size: number, count: number): Int32Array[] {
  const tiles = gridTiles(height, width, size);
  const means = new Float64Array(tiles.length);
  for (let t = 0; t < tiles.length; t++) {
    const pixels = tiles[t]!;
    let sum = 0;
    for (let k = 0; k < pixels.length; k++) sum += heatmap[pixels[k]!]!;
    means[t] = sum / pixels.length;
  }
  // Ties keep row-major order, so the ranking is deterministic.
  const order = Int32Array.from(tiles.keys()).sort((a, b) => means[b]! - means[a]! || a - b);
  return Array.from(order.subarray(0, count), (t) => tiles[t]!);
}

function greedyRegions(heatmap: Float32Array, height: number, width: number, size: number, count: number): Int32Array[] {
  // Summed relevance of the size×size patch whose top-left corner is each pixel (cut at the edges), by an integral image.
  const integral = new Float64Array((height + 1) * (width + 1));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      integral[(y + 1) * (width + 1) + x + 1] = heatmap[y * width + x]! + integral[y * (width + 1) + x + 1]! + integral[(y + 1) * (width + 1) + x]! - integral[y * (width + 1) + x]!;
  const sumOf = (y: number, x: number) => {
    const y1 = Math.min(height, y + size);
    const x1 = Math.min(width, x + size);
    return integral[y1 * (width + 1) + x1]! - integral[y * (width + 1) + x1]! - integral[y1 * (width + 1) + x]! + integral[y * (width + 1) + x]!;
  };
  const candidates = Array.from({ length: height * width }, (_, p) => p);
  const scores = Float64Array.from(candidates, (p) => sumOf(Math.floor(p / width), p % width));
  candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const taken = new Uint8Array(height * width);
  const regions: Int32Array[] = [];
  for (const p of candidates) {
    if (regions.length === count) break;
    const y = Math.floor(p / width);
    const x = p % width;
    const pixels = tile(y, x, Math.min(size, height - y), Math.min(size, width - x), width);
    if (pixels.some((q) => taken[q] === 1)) continue;
    for (const q of pixels) taken[q] = 1;
    regions.push(pixels);
  }
  return regions;
}

/** How many regions a scheme can give on an image (an upper bound for greedy selection). */
export function regionCount(height: number, width: number, size: number): number {
  return Math.ceil(height / size) * Math.ceil(width / size);
}

/** Regions of the scheme in a uniformly random order (the removal check's regions): grid tiles shuffled, or greedy patches picked on a random map. */
export function shuffledRegions(height: number, width: number, size: number, scheme: RegionScheme, count: number, rng: Random): Int32Array[] {
  if (scheme === 'greedy') return greedyRegions(Float32Array.from({ length: height * width }, () => rng.next()), height, width, size, count);
  const tiles = gridTiles(height, width, size);
  return Array.from(shuffled(Int32Array.from(tiles.keys()), rng).subarray(0, count), (t) => tiles[t]!);
}

/**
 * The paper's region geometry scaled to the image (Samek et al. 2017: 9×9-px regions on 224-px
 * images, L = 100, so 100 · 81 / 224² ≈ 16 % of the image is perturbed by the curve's end): the
 * side s = max(1, round(9 · side / 224)) and L = round(0.16 · H · W / s²), at most one fewer than
 * the regions there are, so no default curve ends on the whole image.
 */
export function paperGeometry(height: number, width: number): { size: number; steps: number } {
  const size = Math.max(1, Math.round((9 * Math.min(height, width)) / 224));
  const share = (100 * 81) / (224 * 224);
  const steps = Math.max(1, Math.min(regionCount(height, width, size) - 1, Math.round((share * height * width) / (size * size))));
  return { size, steps };
}
