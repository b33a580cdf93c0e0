// Small dense symmetric positive (semi-)definite solves in float64, for the LIME and KernelSHAP
// regressions (a few hundred unknowns at most).

/** Solves A x = b for symmetric A [n×n] (row-major) by Cholesky; adds a tiny jitter if A is singular. */
export function solveSymmetric(a: Float64Array, b: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i]!;
  const scale = trace > 0 ? trace / n : 1;
  for (let jitter = 0; jitter <= 1e-4; jitter = jitter === 0 ? 1e-12 : jitter * 100) {
    const l = cholesky(a, n, jitter * scale);
    if (l !== null) return cholSolve(l, b, n);
  }
  throw new Error('The regression is too ill-conditioned to solve; use more samples.');
}

function cholesky(a: Float64Array, n: number, jitter: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]! + (i === j ? jitter : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 1e-14 * Math.max(1, Math.abs(a[i * n + i]!)))) return null;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

function cholSolve(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * Weighted ridge regression of y on the rows of X [m×d] (0/1 or real), minimising
 * Σ wᵢ (yᵢ − xᵢ·β − β₀)² + λ‖β‖²; the intercept is fitted (unpenalised) when `intercept` is true,
 * by centring on the weighted means as scikit-learn's Ridge does.
 */
export function weightedRidge(x: Float64Array, y: Float64Array, w: Float64Array, m: number, d: number, lambda: number, intercept: boolean): { coef: Float64Array; intercept: number } {
  const xMean = new Float64Array(d);
  let yMean = 0;
  if (intercept) {
    let wSum = 0;
    for (let i = 0; i < m; i++) {
      const wi = w[i]!;
      wSum += wi;
      yMean += wi * y[i]!;
      for (let j = 0; j < d; j++) xMean[j]! += wi * x[i * d + j]!;
    }
    yMean /= wSum;
    for (let j = 0; j < d; j++) xMean[j]! /= wSum;
  }
  const ata = new Float64Array(d * d);
  const aty = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    for (let j = 0; j < d; j++) row[j] = x[i * d + j]! - xMean[j]!;
    const yi = y[i]! - yMean;
    for (let j = 0; j < d; j++) {
      const wr = wi * row[j]!;
      if (wr === 0) continue;
      aty[j]! += wr * yi;
      for (let k = 0; k <= j; k++) ata[j * d + k]! += wr * row[k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) ata[k * d + j] = ata[j * d + k]!;
    ata[j * d + j]! += lambda;
  }
  const coef = solveSymmetric(ata, aty, d);
  let b0 = yMean;
  for (let j = 0; j < d; j++) b0 -= coef[j]! * xMean[j]!;
  return { coef, intercept: intercept ? b0 : 0 };
}
