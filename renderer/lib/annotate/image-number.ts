// An image number asked for by hand (the "Go to" field, or the hash typed into the address bar),
// checked before the editor is asked to open it: the editor ignores numbers it has no image for,
// which left the scientist with no answer.

/** One sentence when `n` names no image of a set of `total`; null when it does. `n` is what a number input binds: a number, or null when empty or unreadable. */
export function imageNumberProblem(n: number | null | undefined, total: number): string | null {
  const range = total > 0 ? `from 0 to ${(total - 1).toLocaleString('en-US')}` : 'of an image in the set';
  if (n === null || n === undefined || Number.isNaN(n)) return `Give an image number ${range}.`;
  if (!Number.isInteger(n)) return `Image numbers are whole numbers: give one ${range}, not ${n}.`;
  if (n < 0 || n >= total) return `There is no image ${n}: give an image number ${range}.`;
  return null;
}
