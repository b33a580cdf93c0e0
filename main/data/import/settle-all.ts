// Runs an async step over items with a bounded number in flight (sharp's work runs on libuv's
// thread pool, so several decodes overlap) and returns every outcome in the items' order, so
// that the dataset's order never depends on which decode finished first. It waits for all
// steps, also after a failure: nothing is left running when the caller moves on or gives up.
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settleAll<I, T>(items: readonly I[], limit: number, step: (item: I, index: number) => Promise<T>): Promise<Settled<T>[]> {
  const out = new Array<Settled<T>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        out[index] = { ok: true, value: await step(items[index]!, index) };
      } catch (error) {
        out[index] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
