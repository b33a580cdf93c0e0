// Drawing into a label mask [H, W] (0 = unmarked, label index + 1 = a region). Coordinates are
// continuous image coordinates: pixel (x, y) covers [x, x + 1) × [y, y + 1), so its centre is
// (x + ½, y + ½). A shape marks every pixel whose centre lies inside it; each function returns
// how many pixels changed, so a stroke that changed nothing need not be saved or undone.
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Point {
  x: number;
  y: number;
}

function set(mask: Mask, x: number, y: number, value: number): number {
  const i = y * mask.width + x;
  if (mask.data[i] === value) return 0;
  mask.data[i] = value;
  return 1;
}

/** Squared distance from (px, py) to the segment a–b. */
function segmentDistance2(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / len2));
  const ex = px - (a.x + t * dx);
  const ey = py - (a.y + t * dy);
  return ex * ex + ey * ey;
}

/** A brush (or eraser, with value 0) of diameter `size` dragged from a to b: a capsule of radius size/2. */
export function strokeSegment(mask: Mask, a: Point, b: Point, size: number, value: number): number {
  const r = Math.max(0.5, size / 2);
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - r));
  const x1 = Math.min(mask.width - 1, Math.ceil(Math.max(a.x, b.x) + r));
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - r));
  const y1 = Math.min(mask.height - 1, Math.ceil(Math.max(a.y, b.y) + r));
  let changed = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (segmentDistance2(x + 0.5, y + 0.5, a, b) <= r * r) changed += set(mask, x, y, value);
  return changed;
}

/** The pixel box spanned by two points (the pixels they fall in, both included), clipped to the mask. */
export function pixelBox(mask: Mask, a: Point, b: Point): { x0: number; y0: number; x1: number; y1: number } | null {
  const clampX = (v: number) => Math.max(0, Math.min(mask.width - 1, Math.floor(v)));
  const clampY = (v: number) => Math.max(0, Math.min(mask.height - 1, Math.floor(v)));
  const box = { x0: clampX(Math.min(a.x, b.x)), x1: clampX(Math.max(a.x, b.x)), y0: clampY(Math.min(a.y, b.y)), y1: clampY(Math.max(a.y, b.y)) };
  const outside = Math.max(a.x, b.x) < 0 || Math.min(a.x, b.x) >= mask.width || Math.max(a.y, b.y) < 0 || Math.min(a.y, b.y) >= mask.height;
  return outside ? null : box;
}

/** Every pixel of the box spanned by a and b. */
export function fillRect(mask: Mask, a: Point, b: Point, value: number): number {
  const box = pixelBox(mask, a, b);
  if (!box) return 0;
  let changed = 0;
  for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) changed += set(mask, x, y, value);
  return changed;
}

/** The ellipse inscribed in the pixel box spanned by a and b. */
export function fillEllipse(mask: Mask, a: Point, b: Point, value: number): number {
  const box = pixelBox(mask, a, b);
  if (!box) return 0;
  const cx = (box.x0 + box.x1 + 1) / 2;
  const cy = (box.y0 + box.y1 + 1) / 2;
  const rx = (box.x1 - box.x0 + 1) / 2;
  const ry = (box.y1 - box.y0 + 1) / 2;
  let changed = 0;
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      const u = (x + 0.5 - cx) / rx;
      const v = (y + 0.5 - cy) / ry;
      if (u * u + v * v <= 1) changed += set(mask, x, y, value);
    }
  }
  return changed;
}

/** The inside of a closed polygon by the even–odd rule, sampled at pixel centres along each row. */
export function fillPolygon(mask: Mask, points: readonly Point[], value: number): number {
  if (points.length < 3) return 0;
  const ys = points.map((p) => p.y);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(mask.height - 1, Math.ceil(Math.max(...ys)));
  let changed = 0;
  const crossings: number[] = [];
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5;
    crossings.length = 0;
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const q = points[(i + 1) % points.length]!;
      // Half-open in y, so a vertex shared by two edges is counted once.
      if (p.y <= cy === q.y <= cy) continue;
      crossings.push(p.x + ((cy - p.y) / (q.y - p.y)) * (q.x - p.x));
    }
    crossings.sort((m, n) => m - n);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      // Pixel centres x + ½ with left ≤ x + ½ < right.
      const from = Math.max(0, Math.ceil(crossings[k]! - 0.5));
      const to = Math.min(mask.width - 1, Math.ceil(crossings[k + 1]! - 0.5) - 1);
      for (let x = from; x <= to; x++) changed += set(mask, x, y, value);
    }
  }
  return changed;
}

/**
 * Flood fill from pixel (x, y): the 4-connected pixels that carry the same mask value as the
 * start and whose image value (grey, 0–255) is within `tolerance` of the start's. With a
 * tolerance of 255 only the mask decides (fill an outline drawn by hand); lower values follow the
 * image (fill a shape by clicking into it).
 */
export function floodFill(mask: Mask, start: Point, value: number, image: Uint8Array | null = null, tolerance = 255): number {
  const sx = Math.floor(start.x);
  const sy = Math.floor(start.y);
  const { width: w, height: h, data } = mask;
  if (sx < 0 || sy < 0 || sx >= w || sy >= h) return 0;
  const from = data[sy * w + sx]!;
  const grey = image ? image[sy * w + sx]! : 0;
  const inside = (i: number) => data[i] === from && (image === null || Math.abs(image[i]! - grey) <= tolerance);
  const seen = new Uint8Array(w * h);
  const stack = [sy * w + sx];
  seen[sy * w + sx] = 1;
  const region: number[] = [];
  while (stack.length > 0) {
    const i = stack.pop()!;
    region.push(i);
    const x = i % w;
    const next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, i >= w ? i - w : -1, i + w < w * h ? i + w : -1];
    for (const j of next) {
      if (j < 0 || seen[j]) continue;
      seen[j] = 1;
      if (inside(j)) stack.push(j);
    }
  }
  if (from === value) return 0;
  for (const i of region) data[i] = value;
  return region.length;
}

/**
 * Brings values beyond the set's labels (an imported mask's grey 255, or instance ids) to the first
 * label, so the mask can be edited and saved: a set's masks hold only 0 … labels.
 */
export function limitLabels(mask: Mask, labels: number): number {
  let changed = 0;
  for (let i = 0; i < mask.data.length; i++) {
    if (mask.data[i]! > labels) {
      mask.data[i] = 1;
      changed++;
    }
  }
  return changed;
}

/** Sets every pixel to 0. */
export function clearMask(mask: Mask): number {
  let changed = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) changed++;
  mask.data.fill(0);
  return changed;
}

/** Grey values (0–255) of an RGBA picture, for flood fill by image: Rec. 601 luma. */
export function luma(rgba: Uint8ClampedArray): Uint8Array {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
  return out;
}
