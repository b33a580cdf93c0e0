// Segmentations for LIME and KernelSHAP: a label per pixel [H, W], labels 0..count−1.
import { z } from 'zod';
import { slicSegments } from './slic.js';

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

export const segmentationParams = {
  segmentation: z.enum(['grid', 'slic']).default('grid').describe('How the image is cut into segments: a regular grid, or SLIC superpixels (Achanta et al. 2012, as LIME and DIANNA use).'),
  gridSize: z.number().int().min(1).max(64).default(8).describe('Grid segmentation: gridSize × gridSize cells.'),
  slicSegments: z.number().int().min(1).max(4096).default(64).describe('SLIC: approximate number of superpixels (DIANNA KernelSHAP: 100).'),
  compactness: z.number().gt(0).max(100).default(0.1).describe('SLIC: weight m of spatial against colour distance, colours scaled by the image range (0.1 ≈ skimage 10 on Lab).'),
};

export interface SegmentationChoice {
  segmentation: 'grid' | 'slic';
  gridSize: number;
  slicSegments: number;
  compactness: number;
}

/** The segments a LIME or KernelSHAP run perturbs. */
export function segmentImage(image: Float32Array, shape: { channels: number; height: number; width: number }, choice: SegmentationChoice): Segmentation {
  if (choice.segmentation === 'grid') return gridSegments(shape.height, shape.width, choice.gridSize);
  return slicSegments(image, shape.channels, shape.height, shape.width, { segments: choice.slicSegments, compactness: choice.compactness });
}
