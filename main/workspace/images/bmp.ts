// A BMP decoder (sharp/libvips cannot read BMP). Reads the Windows bitmap headers (CORE, INFO,
// V2–V5), 1/4/8-bit palette images, 16/24/32-bit images, BI_RGB and BI_BITFIELDS (also
// BI_ALPHABITFIELDS), bottom-up and top-down rows. Compressed BMPs (RLE, JPEG/PNG inside) are refused.
import { closeSync, readSync } from 'node:fs';
import { fileKinds, openRegularFile } from '../read-regular-file.js';
import { checkDecodedSize } from './image-limits.js';
import type { ImageHeader, Raster } from './raster.js';

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

interface BmpInfo {
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  dataOffset: number;
  /** RGBA bit masks for 16/32-bit images (alpha 0 when there is none). */
  masks: [number, number, number, number];
  /** RGB triples. */
  palette: Uint8Array | null;
  grey: boolean;
}

/** Parses the file and info headers from the first bytes of the file (the palette included). */
function parseInfo(bytes: Uint8Array): BmpInfo {
  if (!isBmp(bytes) || bytes.length < 26) throw new Error('it is not a BMP file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && headerSize < 40) throw new Error(`its info header has an unknown size of ${headerSize} bytes`);
  if (bytes.length < 14 + headerSize) throw new Error('its header is truncated');
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bpp = view.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new Error(`its header gives an invalid size of ${width}×${rawHeight}`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new Error(`it has ${bpp} bits per pixel, which Heatlab does not read`);
  checkDecodedSize(width, height, bpp >= 16 ? 4 : 3, 8);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new Error(`it is compressed (compression type ${compression}); Heatlab reads uncompressed BMPs`);
  }

  // BI_RGB: 5-5-5 for 16 bits; for 32 bits the fourth byte is unused ("reserved"), not alpha.
  let masks: [number, number, number, number] = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0xff00, 0xff, 0];
  if (compression !== BI_RGB) {
    // Masks sit inside V2+ headers, or right after a 40-byte INFO header.
    const at = 14 + 40;
    const count = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3;
    if (bytes.length < at + 4 * count) throw new Error('its colour masks are truncated');
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true), count === 4 ? view.getUint32(at + 12, true) : 0];
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const used = core ? 0 : view.getUint32(46, true);
    const entrySize = core ? 3 : 4;
    let at = 14 + headerSize + (compression === BI_BITFIELDS && headerSize === 40 ? 12 : 0);
    // The palette ends where the pixels start: core headers (and some writers) give no count.
    const room = Math.floor((dataOffset - at) / entrySize);
    const entries = Math.min(used > 0 && used <= 1 << bpp ? used : 1 << bpp, room > 0 ? room : 1 << bpp);
    palette = new Uint8Array(entries * 3);
    for (let i = 0; i < entries; i++, at += entrySize) {
      if (at + 3 > bytes.length) throw new Error('its palette is truncated');
      palette[3 * i] = bytes[at + 2]!; // stored B, G, R
      palette[3 * i + 1] = bytes[at + 1]!;
      palette[3 * i + 2] = bytes[at]!;
    }
  }
  let grey = palette !== null;
  for (let i = 0; palette !== null && i < palette.length; i += 3) if (palette[i] !== palette[i + 1] || palette[i] !== palette[i + 2]) grey = false;
  return { width, height, topDown: rawHeight < 0, bpp, dataOffset, masks, palette, grey };
}

/** Enough bytes for every header and the largest palette. */
const HEADER_BYTES = 14 + 124 + 16 + 256 * 4;

export function readBmpHeader(path: string): ImageHeader {
  const { fd } = openRegularFile(path, fileKinds.image);
  try {
    const head = new Uint8Array(HEADER_BYTES);
    const got = readSync(fd, head, 0, head.length, 0);
    const info = parseInfo(head.subarray(0, got));
    return { width: info.width, height: info.height, channels: info.grey ? 1 : 3, bits: 8 };
  } finally {
    closeSync(fd);
  }
}

/** A mask's bits as 0–255: its value over its largest value, rounded. */
function maskReader(mask: number): (px: number) => number {
  if (mask === 0) return () => 255;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (px) => Math.round((((px & mask) >>> shift) * 255) / max);
}

/** Pixels top-down: grey (grey palette), RGB, or RGBA when a 32/16-bit image has an alpha mask. */
export function decodeBmp(bytes: Uint8Array): Raster {
  const info = parseInfo(bytes);
  const { width, height, bpp } = info;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (info.dataOffset + stride * (height - 1) + Math.ceil((bpp * width) / 8) > bytes.length) throw new Error('it is shorter than its header says');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const alpha = bpp >= 16 && info.masks[3] !== 0;
  const channels = info.grey ? 1 : alpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  const [r, g, b, a] = info.masks.map(maskReader) as [(px: number) => number, (px: number) => number, (px: number) => number, (px: number) => number];
  let anyAlpha = false;
  for (let y = 0; y < height; y++) {
    const row = info.dataOffset + (info.topDown ? y : height - 1 - y) * stride;
    for (let x = 0, o = y * width * channels; x < width; x++) {
      if (bpp <= 8) {
        const bit = x * bpp;
        const index = (bytes[row + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (3 * index >= info.palette!.length) throw new Error(`a pixel refers to palette entry ${index} of ${info.palette!.length / 3}`);
        out[o++] = info.palette![3 * index]!;
        if (!info.grey) {
          out[o++] = info.palette![3 * index + 1]!;
          out[o++] = info.palette![3 * index + 2]!;
        }
      } else if (bpp === 24) {
        const at = row + 3 * x;
        out[o++] = bytes[at + 2]!;
        out[o++] = bytes[at + 1]!;
        out[o++] = bytes[at]!;
      } else {
        const px = bpp === 16 ? view.getUint16(row + 2 * x, true) : view.getUint32(row + 4 * x, true);
        out[o++] = r(px);
        out[o++] = g(px);
        out[o++] = b(px);
        if (alpha) {
          const v = a(px);
          if (v !== 0) anyAlpha = true;
          out[o++] = v;
        }
      }
    }
  }
  // Writers that declare an alpha mask but leave every alpha at 0 mean "opaque", not "invisible".
  if (alpha && !anyAlpha) for (let k = 3; k < out.length; k += 4) out[k] = 255;
  return { width, height, channels, data: out };
}
