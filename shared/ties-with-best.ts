// The stored ranking names one best column (rankings recorded before ties were marked stay
// readable), so ties with it are derived here, once, for the views, the exports and the CLI: a
// column that scores what the best scores is not worse, yet its paired test cannot run (no
// non-zero difference, p NaN) and no test would call it tied.
import type { MetricRanking, PairedTest } from './evaluations.js';

/** The pair's scores are equal on every image both score: the signed-rank test had nothing to rank. */
export function identicalPair(t: PairedTest): boolean {
  return t.n === 0 && t.meanDifference === 0;
}

/** The best column of a ranking and every column tied with it: identical image by image, or with the same mean. */
export function bestColumns(ranking: MetricRanking | undefined, means: readonly number[]): Set<number> {
  const best = ranking?.best ?? null;
  if (best === null) return new Set();
  const top = means[best];
  const tied = means.flatMap((mean, c) => {
    if (c === best) return [c];
    const test = ranking!.tests.find((t) => (t.a === best && t.b === c) || (t.a === c && t.b === best));
    return (test !== undefined && identicalPair(test)) || (top !== undefined && Number.isFinite(top) && mean === top) ? [c] : [];
  });
  return new Set(tied);
}

export const identicalWords = 'identical on every image';
