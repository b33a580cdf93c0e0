// Pixels from the API ([k, H, W, C] uint8 or uint16, masks [k, H, W]) to canvas ImageData.
// 8-bit images are shown as stored. 16-bit images are stretched per image from 0 to that image's
// brightest value (displayScale): a 16-bit file holding 0–255, or a microscope's 12 bits, would
// be black scaled from the full 0–65535. Black stays 0, so within an image brightness keeps its ratios.
import type { PixelDtype } from '../../shared/datasets.js';

export interface Pixels {
  shape: readonly [number, number, number, number];
  dtype: PixelDtype;
  data: Uint8Array | Uint16Array;
}

/** The integer factor that brings the longer side down to at most `maxSide`. */
export function shrinkFactor(height: number, width: number, maxSide: number): number {
  return Math.max(1, Math.ceil(Math.max(height, width) / maxSide));
}

/** The factor that maps image k's stored values to 0–255: 1 for 8-bit, 255 / its brightest sample for 16-bit. */
export function displayScale(pixels: Pixels, k: number): number {
  if (pixels.dtype !== 'uint16') return 1;
  const [, h, w, c] = pixels.shape;
  const base = k * h * w * c;
  let max = 0;
  for (let i = base; i < base + h * w * c; i++) if (pixels.data[i]! > max) max = pixels.data[i]!;
  return max === 0 ? 1 : 255 / max;
}

/** Image k as 8-bit RGBA, box-averaged by `factor` (1 keeps every pixel). */
export function imageAt(pixels: Pixels, k: number, factor = 1): ImageData {
  const [, h, w, c] = pixels.shape;
  const oh = Math.ceil(h / factor);
  const ow = Math.ceil(w / factor);
  const scale = displayScale(pixels, k);
  const src = pixels.data;
  const base = k * h * w * c;
  const out = new ImageData(ow, oh);
  const rgba = out.data;
  const grey = c < 3;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let y = oy * factor; y < Math.min(h, (oy + 1) * factor); y++) {
        for (let x = ox * factor; x < Math.min(w, (ox + 1) * factor); x++) {
          const i = base + (y * w + x) * c;
          r += src[i]!;
          g += grey ? src[i]! : src[i + 1]!;
          b += grey ? src[i]! : src[i + 2]!;
          n++;
        }
      }
      const o = (oy * ow + ox) * 4;
      rgba[o] = (r / n) * scale;
      rgba[o + 1] = (g / n) * scale;
      rgba[o + 2] = (b / n) * scale;
      rgba[o + 3] = 255;
    }
  }
  return out;
}

/** Mask k of a [k, H, W] array, shrunk by `factor` keeping the largest value of each box. */
export function maskAt(data: Uint8Array, k: number, height: number, width: number, factor = 1): Uint8Array {
  const base = k * height * width;
  if (factor === 1) return data.slice(base, base + height * width);
  const oh = Math.ceil(height / factor);
  const ow = Math.ceil(width / factor);
  const out = new Uint8Array(oh * ow);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[base + y * width + x]!;
      const o = Math.floor(y / factor) * ow + Math.floor(x / factor);
      if (v > out[o]!) out[o] = v;
    }
  }
  return out;
}

// Tableau 10: distinct instance colours that read on grey images in either theme.
const instanceColours = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : [255, 0, 0];
}

export interface OverlayStyle {
  colour: string;
  opacity: number;
  /** Colour each id of an instance mask differently. */
  instances: boolean;
}

/** A copy of the image with mask pixels tinted: out = (1 − α)·image + α·colour. */
export function blend(image: ImageData, mask: Uint8Array, style: OverlayStyle): ImageData {
  const out = new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
  const rgba = out.data;
  const a = Math.min(1, Math.max(0, style.opacity));
  const fixed = hexToRgb(style.colour);
  const palette = instanceColours.map(hexToRgb);
  for (let i = 0; i < mask.length && i * 4 < rgba.length; i++) {
    const v = mask[i]!;
    if (v === 0) continue;
    const [r, g, b] = style.instances ? palette[(v - 1) % palette.length]! : fixed;
    const o = i * 4;
    rgba[o] = (1 - a) * rgba[o]! + a * r;
    rgba[o + 1] = (1 - a) * rgba[o + 1]! + a * g;
    rgba[o + 2] = (1 - a) * rgba[o + 2]! + a * b;
  }
  return out;
}

/** Draws the picture at its own size; CSS scales the canvas (pixelated). */
export function paint(canvas: HTMLCanvasElement, picture: ImageData): void {
  if (canvas.width !== picture.width) canvas.width = picture.width;
  if (canvas.height !== picture.height) canvas.height = picture.height;
  canvas.getContext('2d')?.putImageData(picture, 0, 0);
}

/**
 * A mask as a picture to draw over an image: white where set (tinted when drawn), or one colour
 * per id for instance masks; transparent elsewhere.
 */
export function maskPicture(mask: Uint8Array, width: number, height: number, instances: boolean): ImageData {
  const out = new ImageData(width, height);
  const rgba = out.data;
  const palette = instanceColours.map(hexToRgb);
  for (let i = 0; i < width * height; i++) {
    const v = mask[i]!;
    if (v === 0) continue;
    const [r, g, b] = instances ? palette[(v - 1) % palette.length]! : [255, 255, 255];
    rgba.set([r, g, b, 255], i * 4);
  }
  return out;
}

export interface RowItem {
  image: ImageBitmap | null;
  /** From maskPicture; drawn tinted with the overlay colour (unless instances) at its opacity. */
  mask: ImageBitmap | null;
}

let tint: HTMLCanvasElement | null = null;

/**
 * Draws thumbnails side by side into one canvas, each scaled into a `box`-pixel square without
 * smoothing: one canvas per grid row costs far less than one per thumbnail. `slots[k]` is the
 * left edge of item k's box in CSS pixels. Overlay: out = (1 − α)·image + α·colour, by drawing
 * the tinted masks over the images at opacity α.
 */
export function paintRow(canvas: HTMLCanvasElement, items: RowItem[], slots: number[], box: number, width: number, overlay: OverlayStyle | null): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(box * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, w, h);
  ctx.imageSmoothingEnabled = false;
  const place = (bitmap: ImageBitmap, k: number): [number, number, number, number] => {
    const fit = box / Math.max(bitmap.width, bitmap.height);
    const scale = fit >= 2 ? Math.floor(fit) : fit;
    const dw = bitmap.width * scale;
    const dh = bitmap.height * scale;
    return [Math.round((slots[k]! + (box - dw) / 2) * dpr), Math.round(((box - dh) / 2) * dpr), Math.round(dw * dpr), Math.round(dh * dpr)];
  };
  items.forEach((item, k) => item.image && ctx.drawImage(item.image, ...place(item.image, k)));
  if (!overlay || !items.some((item) => item.image && item.mask)) return;
  tint ??= document.createElement('canvas');
  tint.width = w;
  tint.height = h;
  const tctx = tint.getContext('2d')!;
  tctx.imageSmoothingEnabled = false;
  items.forEach((item, k) => item.image && item.mask && tctx.drawImage(item.mask, ...place(item.image, k)));
  if (!overlay.instances) {
    tctx.globalCompositeOperation = 'source-in';
    tctx.fillStyle = overlay.colour;
    tctx.fillRect(0, 0, w, h);
  }
  ctx.globalAlpha = Math.min(1, Math.max(0, overlay.opacity));
  ctx.drawImage(tint, 0, 0);
  ctx.globalAlpha = 1;
}
