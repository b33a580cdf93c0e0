// Painted heatmap cells, kept per heatmap while its look (colormap, scale, image, opacity, contour)
// is unchanged, and rows of them put on a canvas. A row scrolling into view copies cells painted
// earlier — in idle time, or when it was last shown — instead of colouring every pixel again while
// the frame waits. Cells are put at the heatmap's own resolution and the browser enlarges the whole
// row canvas (`image-rendering: pixelated`): a few putImageData calls per row cost a fresh browser
// far less than enlarging pixels in script or a scaled drawImage per cell.
import { paintCell, type CellStyle } from '../../../shared/heatmap/paint.js';

interface Painted {
  style: CellStyle;
  image: ImageData;
}

const sameStyle = (a: CellStyle, b: CellStyle) =>
  a.scale.cmap === b.scale.cmap && a.scale.lo === b.scale.lo && a.scale.hi === b.scale.hi && a.base === b.base && (a.base === null || a.opacity === b.opacity) && a.contour === b.contour && a.contourRgb === b.contourRgb;

/** One cell of a row: its heatmap (null leaves it empty), its look, and its left edge in heatmap pixels. */
export interface RowCell {
  heat: Float32Array | null;
  style: CellStyle;
  x: number;
}

export class CellImages {
  readonly width: number;
  readonly height: number;
  // Keyed by the heatmap's array, which the comparison hands out once per cell.
  #painted = new WeakMap<Float32Array, Painted>();

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
  }

  /** Paints the cells not painted in their look yet, a few at a time while the page is idle; returns a cancel. */
  paintWhenIdle(cells: readonly { heat: Float32Array | null; style: CellStyle }[]): () => void {
    const work = cells.filter((c): c is { heat: Float32Array; style: CellStyle } => c.heat !== null && !this.#has(c.heat, c.style));
    if (work.length === 0 || typeof requestIdleCallback !== 'function') return () => undefined;
    let next = 0;
    const paint = (deadline: IdleDeadline) => {
      while (next < work.length && deadline.timeRemaining() > 1) this.image(work[next]!.heat, work[next++]!.style);
      if (next < work.length) id = requestIdleCallback(paint);
    };
    let id = requestIdleCallback(paint);
    return () => cancelIdleCallback(id);
  }

  #has(heat: Float32Array, style: CellStyle): boolean {
    const p = this.#painted.get(heat);
    return p !== undefined && sameStyle(p.style, style);
  }

  /** The cell in `style` at the heatmap's resolution, painted only when it was never painted or its look changed. */
  image(heat: Float32Array, style: CellStyle): ImageData {
    const p = this.#painted.get(heat);
    if (p && sameStyle(p.style, style)) return p.image;
    const image = p?.image ?? new ImageData(this.width, this.height);
    paintCell(heat, style, image.data);
    this.#painted.set(heat, { style, image });
    return image;
  }

  /** Clears a row canvas (heatmap pixels, one per canvas pixel) and puts its cells on it, top-aligned; returns how many were drawn. */
  drawRow(ctx: CanvasRenderingContext2D, cells: readonly RowCell[]): number {
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    let drawn = 0;
    for (const { heat, style, x } of cells) {
      if (!heat) continue;
      ctx.putImageData(this.image(heat, style), x, 0);
      drawn++;
    }
    return drawn;
  }
}
