// Structural similarity of two maps (Wang, Bovik, Sheikh & Simoncelli 2004, eq. 13 and §III-C):
// SSIM = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)) in an 11×11 Gaussian window
// (σ = 1.5), C1 = (0.01 L)², C2 = (0.03 L)², averaged over all window positions inside the map
// (MSSIM, eq. 17). Used by the randomisation tests (Adebayo et al. 2018) on heatmap pairs.

export interface SsimOptions {
  /** Dynamic range L; default: max − min over both maps together. */
  dataRange?: number;
  /** Window side (default 11; clamped to the map). */
  window?: number;
  /** 'gaussian' with σ = `sigma` (default 1.5), or 'uniform' weights. */
  weights?: 'gaussian' | 'uniform';
  sigma?: number;
}

function windowWeights(size: number, weights: 'gaussian' | 'uniform', sigma: number): Float64Array {
  const w = new Float64Array(size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) sum += w[i] = weights === 'uniform' ? 1 : Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) w[i]! /= sum;
  return w;
}

/** Mean SSIM of maps a and b, both [height, width]. */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, height: number, width: number, options: SsimOptions = {}): number {
  const plane = height * width;
  if (a.length !== plane || b.length !== plane) throw new Error(`Both maps must be ${height}×${width}.`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < plane; i++) {
    min = Math.min(min, a[i]!, b[i]!);
    max = Math.max(max, a[i]!, b[i]!);
  }
  const range = options.dataRange ?? max - min;
  if (range === 0) return 1; // both maps are the same constant
  const c1 = (0.01 * range) ** 2;
  const c2 = (0.03 * range) ** 2;
  const size = Math.min(options.window ?? 11, height, width);
  const w = windowWeights(size, options.weights ?? 'gaussian', options.sigma ?? 1.5);
  const oh = height - size + 1;
  const ow = width - size + 1;
  // Separable filtering of x, y, x², y², xy: rows first into [height, ow], then columns.
  const rows = new Float64Array(5 * height * ow);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < ow; x++) {
      let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let k = 0; k < size; k++) {
        const i = y * width + x + k;
        const u = a[i]!;
        const v = b[i]!;
        const g = w[k]!;
        sx += g * u;
        sy += g * v;
        sxx += g * u * u;
        syy += g * v * v;
        sxy += g * u * v;
      }
      const o = 5 * (y * ow + x);
      rows[o] = sx;
      rows[o + 1] = sy;
      rows[o + 2] = sxx;
      rows[o + 3] = syy;
      rows[o + 4] = sxy;
    }
  let total = 0;
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      let mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
      for (let k = 0; k < size; k++) {
        const o = 5 * ((y + k) * ow + x);
        const g = w[k]!;
        mx += g * rows[o]!;
        my += g * rows[o + 1]!;
        mxx += g * rows[o + 2]!;
        myy += g * rows[o + 3]!;
        mxy += g * rows[o + 4]!;
      }
      const vx = mxx - mx * mx;
      const vy = myy - my * my;
      const cxy = mxy - mx * my;
      total += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
  return total / (oh * ow);
}
