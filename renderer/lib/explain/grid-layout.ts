// Geometry of the virtualised Explain grid: sizes of headers and cells, and which rows and
// columns intersect the viewport (plus one of overscan each side) so only those are in the DOM.

export interface GridGeometry {
  rows: number;
  cols: number;
  cell: number;
  /** Screen (CSS) pixels per heatmap pixel: the cell is the heatmap's larger side enlarged to `cell`. */
  scale: number;
  /** Cell plus gap, a whole number of heatmap pixels (see `pitchPixels`) so a row's cells can be drawn at their own resolution on one canvas that the browser enlarges. */
  pitch: number;
  /** The pitch in heatmap pixels. */
  pitchPixels: number;
  headerHeight: number;
  headerWidth: number;
  width: number;
  height: number;
}

export const GAP = 6;

/** Height of the band naming each model over its columns, when the grid shows several models. */
export const GROUP_BAND = 22;

/**
 * The geometry of a grid of `cell`-sized cells showing heatmaps of `heat` pixels (by default, one
 * screen pixel each); `grouped` adds the band of model names above the column headers.
 */
export function gridGeometry(rows: number, cols: number, cell: number, transposed: boolean, heat: { width: number; height: number } = { width: cell, height: cell }, grouped = false): GridGeometry {
  const scale = cell / Math.max(1, heat.width, heat.height);
  // At least GAP between cells; the tolerance keeps an exact quotient from rounding up.
  const pitchPixels = Math.ceil((cell + GAP) / scale - 1e-9);
  const pitch = pitchPixels * scale;
  // An image header holds a thumbnail and three lines of text; a method header a label.
  const headerHeight = transposed ? cell + 64 : 48 + (grouped ? GROUP_BAND : 0);
  const headerWidth = transposed ? 180 : cell + 150;
  return { rows, cols, cell, scale, pitch, pitchPixels, headerHeight, headerWidth, width: headerWidth + cols * pitch, height: headerHeight + rows * pitch };
}

export interface Span {
  first: number;
  /** Exclusive. */
  last: number;
}

export function visibleSpan(offset: number, viewport: number, header: number, pitch: number, count: number): Span {
  const first = Math.max(0, Math.floor((offset - header) / pitch) - 1);
  const last = Math.min(count, Math.ceil((offset + viewport - header) / pitch) + 1);
  return { first, last: Math.max(first, last) };
}

/** The scroll offset that brings item k fully into view, or the current one when it already is. */
export function scrollToShow(offset: number, viewport: number, header: number, pitch: number, k: number): number {
  const start = header + k * pitch;
  if (start - header < offset) return start - header;
  if (start + pitch > offset + viewport) return start + pitch - viewport;
  return offset;
}

/**
 * The rows for `places` fixed places in the DOM, covering `span`: row r sits in place r mod n, so
 * scrolling by a row moves one row to another place and leaves the others where they are.
 */
export function placedRows(span: Span, count: number, places: number): number[] {
  const n = Math.min(places, count);
  const start = Math.max(0, Math.min(span.first, count - n));
  return Array.from({ length: n }, (_, i) => start + ((((i - start) % n) + n) % n));
}
