// Krippendorff's α, the agreement of any number of observers with missing values, by the
// coincidence-matrix formulation of Krippendorff (2011), "Computing Krippendorff's
// Alpha-Reliability" (Annenberg School for Communication Departmental Papers 43):
//   α = 1 − D_o / D_e = 1 − (n − 1) Σ_{c,k} o_ck δ²_ck / Σ_{c,k} n_c n_k δ²_ck,
// where o_ck = Σ_u (number of c–k pairs in unit u) / (m_u − 1) counts the coincidences of values c and
// k within units, n_c = Σ_k o_ck, n = Σ_c n_c, and only pairable values (units with m_u ≥ 2) count.

export type MeasurementLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

/**
 * Difference functions δ²_ck of Krippendorff (2011, §E), for ascending `values` with pairable
 * frequencies `n` (the ordinal metric depends on how often the values between c and k occur).
 */
export function differences(values: ArrayLike<number>, n: ArrayLike<number>, level: MeasurementLevel): Float64Array {
  const v = values.length;
  const delta = new Float64Array(v * v);
  // Cumulative frequencies, so the ordinal Σ_{g=c}^{k} n_g is one subtraction.
  const cumulative = new Float64Array(v + 1);
  for (let g = 0; g < v; g++) cumulative[g + 1] = cumulative[g]! + n[g]!;
  for (let c = 0; c < v; c++)
    for (let k = c + 1; k < v; k++) {
      const a = values[c]!;
      const b = values[k]!;
      let d: number;
      if (level === 'nominal') d = 1;
      else if (level === 'ordinal') d = (cumulative[k + 1]! - cumulative[c]! - (n[c]! + n[k]!) / 2) ** 2;
      else if (level === 'interval') d = (a - b) ** 2;
      else d = a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
      delta[c * v + k] = delta[k * v + c] = d;
    }
  return delta;
}

/**
 * α from the values-by-units matrix: `counts[u · V + c]` = how many observers gave unit u the
 * value `values[c]` (ascending, distinct). NaN when fewer than two values are pairable or they
 * are all the same (D_e = 0: no variation to agree on, α is 0/0).
 */
export function alphaFromCounts(values: ArrayLike<number>, counts: ArrayLike<number>, level: MeasurementLevel): number {
  const v = values.length;
  const units = v === 0 ? 0 : counts.length / v;
  // Pairable frequencies n_c: the values of units that at least two observers coded.
  const n = new Float64Array(v);
  const m = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let mu = 0;
    for (let c = 0; c < v; c++) mu += counts[u * v + c]!;
    m[u] = mu;
    if (mu >= 2) for (let c = 0; c < v; c++) n[c]! += counts[u * v + c]!;
  }
  let total = 0;
  for (let c = 0; c < v; c++) total += n[c]!;
  if (total < 2) return NaN;
  const delta = differences(values, n, level);
  // Observed: Σ_u Σ_{c≠k} n_uc n_uk δ²_ck / (m_u − 1) (δ²_cc = 0, so o_cc's own-pair correction drops out).
  let observed = 0;
  for (let u = 0; u < units; u++) {
    if (m[u]! < 2) continue;
    let sum = 0;
    for (let c = 0; c < v; c++) {
      const nc = counts[u * v + c]!;
      if (nc === 0) continue;
      for (let k = c + 1; k < v; k++) sum += nc * counts[u * v + k]! * delta[c * v + k]!;
    }
    observed += (2 * sum) / (m[u]! - 1);
  }
  let expected = 0;
  for (let c = 0; c < v; c++) for (let k = c + 1; k < v; k++) expected += 2 * n[c]! * n[k]! * delta[c * v + k]!;
  if (expected === 0) return NaN;
  return 1 - ((total - 1) * observed) / expected;
}

/**
 * α of reliability data laid out as Krippendorff (2011) tabulates it: `data[observer][unit]` is
 * the value an observer gave a unit, NaN where the observer gave none.
 */
export function krippendorffAlpha(data: readonly ArrayLike<number>[], level: MeasurementLevel): number {
  const units = data.reduce((most, row) => Math.max(most, row.length), 0);
  const seen = new Set<number>();
  for (const row of data) for (let u = 0; u < row.length; u++) if (!Number.isNaN(row[u]!)) seen.add(row[u]!);
  const values = Float64Array.from(seen).sort();
  const index = new Map<number, number>();
  values.forEach((value, c) => index.set(value, c));
  const counts = new Float64Array(units * values.length);
  for (const row of data)
    for (let u = 0; u < row.length; u++) {
      const c = index.get(row[u]!);
      if (c !== undefined) counts[u * values.length + c]!++;
    }
  if (level === 'ratio' && values[0]! < 0) throw new Error('Ratio-level values must be non-negative.');
  return alphaFromCounts(values, counts, level);
}
