// Plane geometry for the benchmark generators. Coordinates are (row, col) in pixels, continuous:
// pixel (i, j) covers [i, i+1) × [j, j+1) and its centre is (i + 0.5, j + 0.5). Shapes are
// described by a signed distance (negative inside), so images and masks come from one source and
// line up pixel-exactly.

/** A convex polygon as interleaved (row, col) vertex coordinates. */
export type Polygon = Float64Array;

/** Vertex k at angle theta + k·2π/sides, measured from the row axis (as in create_shapes_2.m). */
export function regularPolygon(centerRow: number, centerCol: number, radius: number, theta: number, sides: number): Polygon {
  const p = new Float64Array(2 * sides);
  for (let k = 0; k < sides; k++) {
    const a = theta + (k * 2 * Math.PI) / sides;
    p[2 * k] = centerRow + radius * Math.cos(a);
    p[2 * k + 1] = centerCol + radius * Math.sin(a);
  }
  return p;
}

/** The Euclidean distance from a point to the polygon's outline (its edges as segments). */
export function distanceToOutline(p: Polygon, row: number, col: number): number {
  const n = p.length / 2;
  let best = Infinity;
  for (let k = 0; k < n; k++) {
    const m = (k + 1) % n;
    const ar = p[2 * k]!;
    const ac = p[2 * k + 1]!;
    const er = p[2 * m]! - ar;
    const ec = p[2 * m + 1]! - ac;
    const t = Math.max(0, Math.min(1, ((row - ar) * er + (col - ac) * ec) / (er * er + ec * ec)));
    best = Math.min(best, Math.hypot(row - (ar + t * er), col - (ac + t * ec)));
  }
  return best;
}

/** MATLAB's round: halves away from zero. */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * The Triangles & Squares rasterisation of Ranguelova et al. 2018 (create_shapes_2.m): vertices are
 * rounded to the integer lattice, and lattice point (a, b) is foreground when adding it does not
 * enlarge the convex hull, i.e. it lies inside or on the polygon. Exact in integers. Lattice point
 * (a, b) is 1-based as in MATLAB: pixel (i, j) is point (i + 1, j + 1).
 */
export function latticePolygonMask(vertices: Int32Array, size: number, out: Uint8Array): Uint8Array {
  const n = vertices.length / 2;
  let area2 = 0;
  for (let k = 0; k < n; k++) {
    const m = (k + 1) % n;
    area2 += vertices[2 * k]! * vertices[2 * m + 1]! - vertices[2 * m]! * vertices[2 * k + 1]!;
  }
  const sign = area2 >= 0 ? 1 : -1;
  for (let i = 0; i < size; i++) {
    const a = i + 1;
    for (let j = 0; j < size; j++) {
      const b = j + 1;
      let inside = 1;
      for (let k = 0; k < n && inside; k++) {
        const m = (k + 1) % n;
        const cross = (vertices[2 * m]! - vertices[2 * k]!) * (b - vertices[2 * k + 1]!) - (vertices[2 * m + 1]! - vertices[2 * k + 1]!) * (a - vertices[2 * k]!);
        if (sign * cross < 0) inside = 0;
      }
      out[i * size + j] = inside;
    }
  }
  return out;
}

/** Rounded lattice vertices of a regular polygon around the MATLAB centre (n/2, n/2). */
export function latticeVertices(size: number, radius: number, theta: number, sides: number): Int32Array {
  const v = new Int32Array(2 * sides);
  for (let k = 0; k < sides; k++) {
    const a = theta + (k * 2 * Math.PI) / sides;
    v[2 * k] = roundHalfAway(size / 2 + radius * Math.cos(a));
    v[2 * k + 1] = roundHalfAway(size / 2 + radius * Math.sin(a));
  }
  return v;
}

/**
 * create_shapes_2.m's clean-up: conv2 with the 4-neighbour cross, keeping foreground pixels that
 * have at least two foreground 4-neighbours (outside the image counts as background).
 */
export function crossFilter(mask: Uint8Array, size: number, out = new Uint8Array(mask.length)): Uint8Array {
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const k = i * size + j;
      if (!mask[k]) {
        out[k] = 0;
        continue;
      }
      const neighbours =
        (i > 0 ? mask[k - size]! : 0) + (i < size - 1 ? mask[k + size]! : 0) + (j > 0 ? mask[k - 1]! : 0) + (j < size - 1 ? mask[k + 1]! : 0);
      out[k] = neighbours > 1 ? 1 : 0;
    }
  }
  return out;
}

/** Pixels whose centre satisfies the predicate. */
export function centreMask(predicate: (row: number, col: number) => boolean, height: number, width: number, out: Uint8Array): Uint8Array {
  for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) out[i * width + j] = predicate(i + 0.5, j + 0.5) ? 1 : 0;
  return out;
}

/** Normalised 1-D Gaussian weights, taps = 2·half + 1. */
export function gaussianKernel(half: number, sigma: number): Float64Array {
  const k = new Float64Array(2 * half + 1);
  let sum = 0;
  for (let t = -half; t <= half; t++) sum += k[t + half] = Math.exp(-(t * t) / (2 * sigma * sigma));
  for (let t = 0; t < k.length; t++) k[t]! /= sum;
  return k;
}
