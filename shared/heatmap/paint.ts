// One heatmap cell as RGBA pixels at the heatmap's own resolution: the colormap of the relevance
// (over the cell's scale), over the image at an opacity or alone, with an optional ground-truth
// contour. The canvas scales it up without smoothing, so each heatmap pixel stays a crisp square.
import { lutIndex } from './colormaps.js';
import type { ColourScale } from './colour-scale.js';

export interface CellStyle {
  /** The cell's colormap and value range (see colour-scale.ts). */
  scale: ColourScale;
  /** The image under the heatmap, RGBA of the same size; null draws the heatmap alone. */
  base: Uint8ClampedArray | null;
  /** Heatmap weight over the image: out = (1 − α)·image + α·colour. */
  opacity: number;
  /** 1 where the ground-truth contour runs; drawn in `contourRgb`. */
  contour: Uint8Array | null;
  contourRgb: readonly [number, number, number];
}

export function paintCell(heat: Float32Array, style: CellStyle, out = new Uint8ClampedArray(heat.length * 4)): Uint8ClampedArray {
  const { base, contour, contourRgb } = style;
  const { cmap, lo, hi } = style.scale;
  const lut = cmap.lut;
  const a = base ? Math.min(1, Math.max(0, style.opacity)) : 1;
  for (let i = 0; i < heat.length; i++) {
    const o = i * 4;
    if (contour && contour[i]) {
      out[o] = contourRgb[0];
      out[o + 1] = contourRgb[1];
      out[o + 2] = contourRgb[2];
      out[o + 3] = 255;
      continue;
    }
    const l = lutIndex(heat[i]!, hi, cmap.kind, lo) * 4;
    if (base) {
      out[o] = (1 - a) * base[o]! + a * lut[l]!;
      out[o + 1] = (1 - a) * base[o + 1]! + a * lut[l + 1]!;
      out[o + 2] = (1 - a) * base[o + 2]! + a * lut[l + 2]!;
    } else {
      out[o] = lut[l]!;
      out[o + 1] = lut[l + 1]!;
      out[o + 2] = lut[l + 2]!;
    }
    out[o + 3] = 255;
  }
  return out;
}

/** The mask's boundary: set pixels with an unset 4-neighbour (or on the image's edge). */
export function contourOf(mask: Uint8Array, height: number, width: number): Uint8Array {
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - width] || !mask[i + width]) out[i] = 1;
    }
  }
  return out;
}

/** Image pixels with the contour drawn in. */
export function withContour(base: Uint8ClampedArray, contour: Uint8Array | null, rgb: readonly [number, number, number]): Uint8ClampedArray {
  if (!contour) return base;
  const out = new Uint8ClampedArray(base);
  for (let i = 0; i < contour.length; i++) if (contour[i]) out.set(rgb, i * 4);
  return out;
}
