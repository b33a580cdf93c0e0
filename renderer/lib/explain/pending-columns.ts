// Columns for the methods of a running explanation job that have not finished yet: shown empty
// (pending) beside the recorded runs, so the grid keeps its final shape while cells fill in.
import type { Column } from './comparison.svelte.js';

/** One column per pending method, or one per class when the runs explain every class. */
export function pendingColumns(labels: readonly string[], first: { perImage: number; classNames: readonly string[] } | null): Column[] {
  if (!first) return [];
  return labels.flatMap((label, k) =>
    Array.from({ length: first.perImage }, (_, slot) => ({
      key: `pending:${k}:${slot}`,
      runId: 0,
      slot,
      label: first.perImage > 1 ? `${label} · ${first.classNames[slot] ?? slot}` : label,
      pending: true,
    })),
  );
}
