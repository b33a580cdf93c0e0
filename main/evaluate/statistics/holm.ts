// Holm–Bonferroni step-down adjustment (Holm 1979): the i-th smallest of m p-values becomes
// max_{j ≤ i} min(1, (m − j + 1) p_(j)). NaN p-values stay NaN and do not count in m.

export function holmAdjust(pValues: ArrayLike<number>): Float64Array {
  const adjusted = new Float64Array(pValues.length).fill(NaN);
  const order: number[] = [];
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i]!)) order.push(i);
  order.sort((a, b) => pValues[a]! - pValues[b]!);
  const m = order.length;
  let running = 0;
  for (let j = 0; j < m; j++) {
    running = Math.max(running, Math.min(1, (m - j) * pValues[order[j]!]!));
    adjusted[order[j]!] = running;
  }
  return adjusted;
}
