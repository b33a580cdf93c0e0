// Synced zoom and pan of the large comparison: one view transform shared by every panel.

export interface View {
  scale: number;
  /** Translation in panel pixels, applied after scaling. */
  x: number;
  y: number;
}

export const identity: View = { scale: 1, x: 0, y: 0 };
const MIN = 1;
const MAX = 64;

/** Zoom by `factor` keeping the point (px, py) of the panel fixed under the pointer. */
export function zoomAt(v: View, factor: number, px: number, py: number, size: number): View {
  const scale = Math.min(MAX, Math.max(MIN, v.scale * factor));
  const k = scale / v.scale;
  return clamp({ scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k }, size);
}

export function panBy(v: View, dx: number, dy: number, size: number): View {
  return clamp({ ...v, x: v.x + dx, y: v.y + dy }, size);
}

/** Keeps the picture covering the panel: no empty margin can be dragged into view. */
export function clamp(v: View, size: number): View {
  const min = size - size * v.scale;
  return { scale: v.scale, x: Math.min(0, Math.max(min, v.x)), y: Math.min(0, Math.max(min, v.y)) };
}
