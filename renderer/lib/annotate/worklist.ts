// A worklist: the images of one explanation run, in dataset order, that the annotator steps through
// instead of the whole dataset (so annotating covers exactly the images that were explained).

/** The worklist's image `step` places from `current` (clamped to its ends); from an image outside it, the nearest one that way. */
export function worklistStep(list: readonly number[], current: number, step: number): number | null {
  if (list.length === 0) return null;
  const at = list.indexOf(current);
  if (at >= 0) return list[Math.min(list.length - 1, Math.max(0, at + step))]!;
  const ahead = step > 0 ? list.find((i) => i > current) : list.findLast((i) => i < current);
  return ahead ?? (step > 0 ? list[list.length - 1]! : list[0]!);
}

/** The first image after `current` (wrapping round) in the list with no saved mask; null when all have one. */
export function nextUnannotated(list: readonly number[], current: number, annotated: ReadonlySet<number>): number | null {
  const at = list.indexOf(current);
  for (let k = 1; k <= list.length; k++) {
    const i = list[(at + k + list.length) % list.length]!;
    if (!annotated.has(i)) return i;
  }
  return null;
}

/** The run's images in dataset order, without repeats. */
export function worklistOf(indices: ArrayLike<number>): number[] {
  return [...new Set(Array.from(indices))].sort((a, b) => a - b);
}
