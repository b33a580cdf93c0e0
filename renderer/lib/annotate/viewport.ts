// Zoom and pan of the editor's canvas: screen = offset + image · scale. Zooming about a screen
// point keeps the image pixel under it in place, as in every image editor.
import type { Point } from './raster.js';

export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const MIN_SCALE = 0.25;
export const MAX_SCALE = 64;

/** The largest scale (whole where ≥ 1, for even pixels) that shows the image inside the box, centred. */
export function fitViewport(imageW: number, imageH: number, boxW: number, boxH: number): Viewport {
  const fit = Math.min(boxW / imageW, boxH / imageH);
  const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, fit >= 1 ? Math.floor(fit) : fit));
  return { scale, offsetX: (boxW - imageW * scale) / 2, offsetY: (boxH - imageH * scale) / 2 };
}

export function toImage(view: Viewport, screen: Point): Point {
  return { x: (screen.x - view.offsetX) / view.scale, y: (screen.y - view.offsetY) / view.scale };
}

/** Multiplies the scale by `factor` (clamped), keeping the image point under `screen` fixed. */
export function zoomAt(view: Viewport, factor: number, screen: Point): Viewport {
  const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, view.scale * factor));
  const p = toImage(view, screen);
  return { scale, offsetX: screen.x - p.x * scale, offsetY: screen.y - p.y * scale };
}

export function panBy(view: Viewport, dx: number, dy: number): Viewport {
  return { ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy };
}
