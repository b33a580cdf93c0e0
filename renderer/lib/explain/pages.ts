// Pages of the Explain grid: a run may hold 100,000 images, more than the renderer can keep the
// heatmaps of, so the grid shows the images that pass its filter a page at a time. A page holds as
// many rows as fit a memory budget — every column's heatmaps and the image of each row.

/** Memory for one page of rows, and the bounds on its rows. */
export const PAGE_BYTES = 320 * 2 ** 20;
export const MAX_PAGE = 1000;
export const MIN_PAGE = 20;

/** Rows of a page for this much memory per row, within the bounds. */
export function pageSizeFor(bytesPerRow: number): number {
  return Math.max(MIN_PAGE, Math.min(MAX_PAGE, Math.floor(PAGE_BYTES / Math.max(1, bytesPerRow))));
}

/** Bytes of one row: each run's float32 heatmaps and the image as RGBA. */
export function bytesPerRow(runs: readonly { perImage: number; height: number; width: number }[]): number {
  const [first] = runs;
  return runs.reduce((s, r) => s + r.perImage * r.height * r.width * 4, 0) + (first ? first.height * first.width * 4 : 0);
}

/** The page and the place on it of the `at`-th image passing the filter. */
export function placeOf(at: number, pageSize: number): { page: number; row: number } {
  return { page: Math.floor(at / pageSize), row: at % pageSize };
}
