// Decoded pixels and the conversions every image goes through on its way into a dataset:
// alpha flattened on black, grey/RGB to the dataset's channels, 8-bit to 16-bit where needed.
import type { PixelDtype } from '../../../shared/datasets.js';

/** Row-major, interleaved pixels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; Uint16Array ⇔ 16-bit samples. */
export interface Raster {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Uint16Array;
}

/** What a file header says about an image, before its pixels are read. */
export interface ImageHeader {
  width: number;
  height: number;
  /** Colour channels without alpha: 1 grey, 3 colour. */
  channels: 1 | 3;
  bits: 8 | 16;
}

/** The dataset's pixel format: every image is converted to it. */
export interface PixelFormat {
  channels: 1 | 3;
  dtype: PixelDtype;
}

export const is16Bit = (r: Raster): boolean => r.data instanceof Uint16Array;

function allocLike(r: Raster, length: number): Uint8Array | Uint16Array {
  return is16Bit(r) ? new Uint16Array(length) : new Uint8Array(length);
}

/**
 * Drops alpha by compositing on black (v·a/max, rounded): what the image looks like on a black
 * background, so transparent pixels become 0 — the same value a padded border gets — instead of
 * whatever colour happened to be stored under them.
 */
export function flattenOnBlack(r: Raster): Raster {
  if (r.channels !== 2 && r.channels !== 4) return r;
  const colours = r.channels - 1;
  const max = is16Bit(r) ? 65535 : 255;
  const pixels = r.width * r.height;
  const out = allocLike(r, pixels * colours);
  const src = r.data;
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += r.channels) {
    const a = src[i + colours]!;
    for (let c = 0; c < colours; c++, o++) out[o] = a === max ? src[i + c]! : Math.round((src[i + c]! * a) / max);
  }
  return { width: r.width, height: r.height, channels: colours, data: out };
}

/**
 * Grey to RGB by repeating the grey value; RGB to grey by the ITU-R BT.601 luma
 * Y = 0.299 R + 0.587 G + 0.114 B on the stored (gamma-encoded) values, as Pillow's convert('L').
 */
export function toChannels(r: Raster, channels: 1 | 3): Raster {
  if (r.channels === channels) return r;
  const pixels = r.width * r.height;
  const out = allocLike(r, pixels * channels);
  const src = r.data;
  if (channels === 3) {
    for (let p = 0, o = 0; p < pixels; p++, o += 3) out[o] = out[o + 1] = out[o + 2] = src[p]!;
  } else {
    for (let p = 0, i = 0; p < pixels; p++, i += 3) out[p] = Math.round(0.299 * src[i]! + 0.587 * src[i + 1]! + 0.114 * src[i + 2]!);
  }
  return { width: r.width, height: r.height, channels, data: out };
}

/** 8-bit to 16-bit by ×257 (so 255 becomes 65535 exactly); 16-bit to 8-bit by ÷257, rounded. */
export function toDtype(r: Raster, dtype: PixelDtype): Raster {
  if (is16Bit(r) === (dtype === 'uint16')) return r;
  const src = r.data;
  const out = dtype === 'uint16' ? new Uint16Array(src.length) : new Uint8Array(src.length);
  if (dtype === 'uint16') for (let k = 0; k < src.length; k++) out[k] = src[k]! * 257;
  else for (let k = 0; k < src.length; k++) out[k] = Math.round(src[k]! / 257);
  return { width: r.width, height: r.height, channels: r.channels, data: out };
}

/** Any decoded image in the dataset's pixel format. */
export function toFormat(r: Raster, format: PixelFormat): Raster {
  return toDtype(toChannels(flattenOnBlack(r), format.channels), format.dtype);
}
