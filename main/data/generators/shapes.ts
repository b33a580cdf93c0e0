// Fast coverage rendering: a shape knows its signed distance (negative inside; exact inside, a lower
// bound outside) and its bounding box, so only pixels near it are visited and only pixels that
// straddle the outline are supersampled.
import type { Polygon } from './geometry.js';

export interface Shape {
  distance(row: number, col: number): number;
  /** Bounding box in continuous pixel coordinates. */
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** A convex polygon as its edges' outward unit normals: d_e(r, c) = a·r + b·c + k. */
export class ConvexShape implements Shape {
  readonly #edges: Float64Array;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;

  constructor(p: Polygon) {
    const n = p.length / 2;
    let area = 0;
    for (let k = 0; k < n; k++) {
      const m = (k + 1) % n;
      area += p[2 * k]! * p[2 * m + 1]! - p[2 * m]! * p[2 * k + 1]!;
    }
    const sign = area >= 0 ? 1 : -1;
    this.#edges = new Float64Array(3 * n);
    let top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity;
    for (let k = 0; k < n; k++) {
      const m = (k + 1) % n;
      const r0 = p[2 * k]!, c0 = p[2 * k + 1]!;
      const er = p[2 * m]! - r0, ec = p[2 * m + 1]! - c0;
      const len = Math.hypot(er, ec);
      // Positive on the outer side of edge k→m (the inner side is to the left for sign = +1).
      const a = (sign * ec) / len;
      const b = (-sign * er) / len;
      this.#edges.set([a, b, -(a * r0 + b * c0)], 3 * k);
      top = Math.min(top, r0);
      bottom = Math.max(bottom, r0);
      left = Math.min(left, c0);
      right = Math.max(right, c0);
    }
    this.top = top;
    this.bottom = bottom;
    this.left = left;
    this.right = right;
  }

  distance(row: number, col: number): number {
    const e = this.#edges;
    let worst = -Infinity;
    for (let k = 0; k < e.length; k += 3) {
      const d = e[k]! * row + e[k + 1]! * col + e[k + 2]!;
      if (d > worst) worst = d;
    }
    return worst;
  }
}

export class Disc implements Shape {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;

  constructor(
    readonly row: number,
    readonly col: number,
    readonly radius: number,
  ) {
    this.top = row - radius;
    this.bottom = row + radius;
    this.left = col - radius;
    this.right = col + radius;
  }

  distance(row: number, col: number): number {
    const dr = row - this.row;
    const dc = col - this.col;
    return Math.sqrt(dr * dr + dc * dc) - this.radius;
  }
}

/** s equal weights: plain s×s supersampling (s = 1 samples the pixel centre only). */
export function uniformWeights(samples: number): Float64Array {
  return new Float64Array(samples).fill(1 / samples);
}

const HALF_DIAGONAL = Math.SQRT1_2;

/**
 * Adds the shape's coverage of each pixel to `out` (clamped to 1): the weighted fraction of the
 * s×s sub-samples inside, with per-axis weights summing to 1. Disjoint shapes add up exactly.
 */
export function cover(shape: Shape, height: number, width: number, weights: Float64Array, out: Float32Array): Float32Array {
  const s = weights.length;
  const i0 = Math.max(0, Math.floor(shape.top) - 1);
  const i1 = Math.min(height - 1, Math.ceil(shape.bottom) + 1);
  const j0 = Math.max(0, Math.floor(shape.left) - 1);
  const j1 = Math.min(width - 1, Math.ceil(shape.right) + 1);
  for (let i = i0; i <= i1; i++) {
    for (let j = j0; j <= j1; j++) {
      const d = shape.distance(i + 0.5, j + 0.5);
      if (d >= HALF_DIAGONAL) continue;
      let c = 1;
      if (d > -HALF_DIAGONAL) {
        c = 0;
        for (let a = 0; a < s; a++) {
          const r = i + (a + 0.5) / s;
          let rowSum = 0;
          for (let b = 0; b < s; b++) if (shape.distance(r, j + (b + 0.5) / s) < 0) rowSum += weights[b]!;
          c += weights[a]! * rowSum;
        }
      }
      const k = i * width + j;
      out[k] = Math.min(1, out[k]! + c);
    }
  }
  return out;
}

/** Pixels whose centre is inside the shape (the `object` ground truth), added to `out` as 1. */
export function markInside(shape: Shape, height: number, width: number, out: Uint8Array, value = 1): Uint8Array {
  const i0 = Math.max(0, Math.floor(shape.top) - 1);
  const i1 = Math.min(height - 1, Math.ceil(shape.bottom) + 1);
  const j0 = Math.max(0, Math.floor(shape.left) - 1);
  const j1 = Math.min(width - 1, Math.ceil(shape.right) + 1);
  for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) if (shape.distance(i + 0.5, j + 0.5) < 0) out[i * width + j] = value;
  return out;
}
