// Painted heatmap cells, kept per heatmap while its look (colormap, scale, image, opacity, contour)
// is unchanged: a row scrolling into view copies bitmaps painted earlier — in idle time, or when it
// was last shown — instead of colouring every pixel again while the frame waits.
import { paintCell, type CellStyle } from './paint.js';

interface Painted {
  style: CellStyle;
  image: ImageBitmap;
}

const sameStyle = (a: CellStyle, b: CellStyle) =>
  a.cmap === b.cmap && a.m === b.m && a.base === b.base && (a.base === null || a.opacity === b.opacity) && a.contour === b.contour && a.contourRgb === b.contourRgb;

export class CellImages {
  readonly width: number;
  readonly height: number;
  // Keyed by the heatmap's array, which the comparison hands out once per cell.
  #painted = new WeakMap<Float32Array, Painted>();
  #canvas: OffscreenCanvas;
  #context: OffscreenCanvasRenderingContext2D;
  #frame: ImageData;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.#canvas = new OffscreenCanvas(width, height);
    this.#context = this.#canvas.getContext('2d')!;
    this.#frame = new ImageData(width, height);
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

  /** The cell in `style`, painted only when the heatmap was never painted or its look changed. */
  image(heat: Float32Array, style: CellStyle): ImageBitmap {
    const p = this.#painted.get(heat);
    if (p && sameStyle(p.style, style)) return p.image;
    paintCell(heat, style, this.#frame.data);
    this.#context.putImageData(this.#frame, 0, 0);
    const image = this.#canvas.transferToImageBitmap();
    p?.image.close();
    this.#painted.set(heat, { style, image });
    return image;
  }
}
