// Average ranks (1-based; tied values share the mean of the ranks they span), the tie convention
// of Wilcoxon's signed-rank test and of Spearman's ρ.

export interface Ranked {
  ranks: Float64Array;
  /** Σ (t³ − t) over tie groups of size t, for the tie corrections. */
  tieTerm: number;
}

export function averageRanks(values: ArrayLike<number>): Ranked {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let j = start; j < end; j++) ranks[order[j]!] = rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}
