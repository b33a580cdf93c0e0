// Waiting for the screen: work that should not hold up what is about to be drawn.

/** Resolves after the next frame (at once where there are no frames, as in tests). */
export const nextFrame = () => new Promise<void>((resolve) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => resolve()) : resolve()));

/** Calls `then` once the frame being prepared has been drawn (two animation frames on); returns a cancel. */
export function afterPaint(then: () => void): () => void {
  let id = requestAnimationFrame(() => (id = requestAnimationFrame(then)));
  return () => cancelAnimationFrame(id);
}
