// A PNG decoder of Heatlab's own (PNG spec, W3C 2003: chunks, filters, colour types) for the
// common case of non-interlaced images. sharp needs about 0.6 ms of CPU per small PNG, too slow
// for ≥ 2,000 images/s on two cores; native zlib plus this unfiltering loop needs a fraction.
// Interlaced (Adam7) PNGs are left to sharp: decodePng returns null for them.
import { closeSync, readSync } from 'node:fs';
import { crc32, inflateSync } from 'node:zlib';
import { fileKinds, openRegularFile } from '../read-regular-file.js';
import { checkDecodedSize } from './image-limits.js';
import type { ImageHeader, Raster } from './raster.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface Ihdr {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlaced: boolean;
}

const samplesPerPixel: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const allowedDepths: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function parseIhdr(data: Uint8Array): Ihdr {
  if (data.length !== 13) throw new Error('its header chunk (IHDR) is damaged');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const ihdr = { width: view.getUint32(0), height: view.getUint32(4), depth: data[8]!, colourType: data[9]!, interlaced: data[12] === 1 };
  if (ihdr.width === 0 || ihdr.height === 0) throw new Error('its header gives a size of zero');
  if (!(allowedDepths[ihdr.colourType] ?? []).includes(ihdr.depth)) throw new Error(`its header has an invalid colour type ${ihdr.colourType} with bit depth ${ihdr.depth}`);
  // Before any IDAT is inflated: a palette decodes to RGB samples.
  checkDecodedSize(ihdr.width, ihdr.height, ihdr.colourType === 3 ? 3 : samplesPerPixel[ihdr.colourType]!, ihdr.depth);
  return ihdr;
}

/** True when every palette entry is a grey (R = G = B): such images are read as grey. */
function greyPalette(plte: Uint8Array): boolean {
  for (let i = 0; i + 2 < plte.length; i += 3) if (plte[i] !== plte[i + 1] || plte[i] !== plte[i + 2]) return false;
  return true;
}

function headerOf(ihdr: Ihdr, plte: Uint8Array | null): ImageHeader {
  const grey = ihdr.colourType === 0 || ihdr.colourType === 4 || (ihdr.colourType === 3 && plte !== null && greyPalette(plte));
  return { width: ihdr.width, height: ihdr.height, channels: grey ? 1 : 3, bits: ihdr.depth === 16 ? 16 : 8 };
}

/** Header fields from the chunks before the image data, read with a few small positioned reads. */
export function readPngHeader(path: string): ImageHeader {
  const { fd } = openRegularFile(path, fileKinds.image);
  try {
    const head = new Uint8Array(8 + 8 + 13 + 4);
    if (readSync(fd, head, 0, head.length, 0) < head.length || !isPng(head)) throw new Error('it is not a PNG file');
    const ihdr = parseIhdr(head.subarray(16, 29));
    let plte: Uint8Array | null = null;
    // Only palette images need more (grey or colour palette?): PLTE comes before the first IDAT.
    for (let pos = head.length; ihdr.colourType === 3; ) {
      const chunk = new Uint8Array(8);
      if (readSync(fd, chunk, 0, 8, pos) < 8) break;
      const length = new DataView(chunk.buffer).getUint32(0);
      const type = String.fromCharCode(...chunk.subarray(4, 8));
      if (type === 'IDAT' || type === 'IEND') break;
      if (type === 'PLTE') {
        plte = new Uint8Array(length);
        readSync(fd, plte, 0, length, pos + 8);
        break;
      }
      pos += 12 + length;
    }
    return headerOf(ihdr, plte);
  } finally {
    closeSync(fd);
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reverses the per-row filters in place (spec §9.2); returns the rows without their filter bytes. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : null;
    switch (filter) {
      case 0:
        row.set(line);
        break;
      case 1:
        for (let x = 0; x < stride; x++) row[x] = line[x]! + (x >= bpp ? row[x - bpp]! : 0);
        break;
      case 2:
        for (let x = 0; x < stride; x++) row[x] = line[x]! + (prev ? prev[x]! : 0);
        break;
      case 3:
        for (let x = 0; x < stride; x++) row[x] = line[x]! + (((x >= bpp ? row[x - bpp]! : 0) + (prev ? prev[x]! : 0)) >> 1);
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          row[x] = line[x]! + paeth(x >= bpp ? row[x - bpp]! : 0, prev ? prev[x]! : 0, x >= bpp && prev ? prev[x - bpp]! : 0);
        }
        break;
      default:
        throw new Error(`row ${y} has an unknown filter type ${filter}`);
    }
  }
  return out;
}

/** Samples of one row, bit depths below 8 unpacked (grey scaled to 0–255, palette indices kept). */
function samplesOf(rows: Uint8Array, ihdr: Ihdr, count: number): Uint8Array | Uint16Array {
  const { depth, width, height } = ihdr;
  if (depth === 8) return rows;
  if (depth === 16) {
    const out = new Uint16Array(rows.length / 2);
    for (let k = 0; k < out.length; k++) out[k] = (rows[2 * k]! << 8) | rows[2 * k + 1]!;
    return out;
  }
  const out = new Uint8Array(count);
  const stride = Math.ceil((width * depth) / 8);
  const scale = ihdr.colourType === 0 ? 255 / ((1 << depth) - 1) : 1;
  const mask = (1 << depth) - 1;
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o++) {
      const bit = x * depth;
      out[o] = ((rows[y * stride + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask) * scale;
    }
  }
  return out;
}

/** Decodes a whole PNG file; null for interlaced PNGs (left to sharp). Throws a reason when damaged. */
export function decodePng(bytes: Uint8Array): Raster | null {
  if (!isPng(bytes)) throw new Error('it is not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let ihdr: Ihdr | null = null;
  let plte: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  for (let pos = 8; pos < bytes.length && !ended; ) {
    if (pos + 12 > bytes.length) throw new Error('it ends in the middle of a chunk');
    const length = view.getUint32(pos);
    const end = pos + 12 + length;
    if (end > bytes.length) throw new Error('it ends in the middle of a chunk');
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== view.getUint32(pos + 8 + length)) throw new Error(`its ${type} chunk fails its checksum`);
    if (type === 'IHDR') ihdr = parseIhdr(data);
    else if (type === 'PLTE') plte = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    pos = end;
  }
  if (ihdr === null) throw new Error('it has no header chunk (IHDR)');
  if (!ended) throw new Error('it is truncated (no IEND chunk)');
  if (idat.length === 0) throw new Error('it has no image data');
  if (ihdr.interlaced) return null;
  const bitsPerPixel = samplesPerPixel[ihdr.colourType]! * ihdr.depth;
  const stride = Math.ceil((ihdr.width * bitsPerPixel) / 8);
  let raw: Uint8Array;
  try {
    raw = inflateSync(idat.length === 1 ? idat[0]! : Buffer.concat(idat));
  } catch (err) {
    throw new Error(`its image data cannot be decompressed (${(err as Error).message})`);
  }
  if (raw.length < ihdr.height * (stride + 1)) throw new Error('its image data is shorter than its size says');
  const rows = unfilter(raw, ihdr.height, stride, Math.max(1, bitsPerPixel >> 3));
  const pixels = ihdr.width * ihdr.height;
  const samples = samplesOf(rows, ihdr, pixels * samplesPerPixel[ihdr.colourType]!);
  return ihdr.colourType === 3 ? expandPalette(samples as Uint8Array, ihdr, plte, trns) : applyTransparentColour(samples, ihdr, trns);
}

function expandPalette(indices: Uint8Array, ihdr: Ihdr, plte: Uint8Array | null, trns: Uint8Array | null): Raster {
  if (plte === null) throw new Error('it is a palette image without a palette (PLTE)');
  const grey = greyPalette(plte);
  const colours = grey ? 1 : 3;
  const channels = colours + (trns ? 1 : 0);
  const entries = plte.length / 3;
  const out = new Uint8Array(indices.length * channels);
  for (let p = 0, o = 0; p < indices.length; p++) {
    const i = indices[p]!;
    if (i >= entries) throw new Error(`a pixel refers to palette entry ${i} of ${entries}`);
    out[o++] = plte[3 * i]!;
    if (!grey) {
      out[o++] = plte[3 * i + 1]!;
      out[o++] = plte[3 * i + 2]!;
    }
    if (trns) out[o++] = i < trns.length ? trns[i]! : 255;
  }
  return { width: ihdr.width, height: ihdr.height, channels, data: out };
}

/** tRNS on grey or RGB images names one fully transparent colour (spec §11.3.2.1). */
function applyTransparentColour(samples: Uint8Array | Uint16Array, ihdr: Ihdr, trns: Uint8Array | null): Raster {
  const channels = samplesPerPixel[ihdr.colourType]!;
  if (trns === null || (ihdr.colourType !== 0 && ihdr.colourType !== 2)) return { width: ihdr.width, height: ihdr.height, channels, data: samples };
  const key = Array.from({ length: channels }, (_, c) => {
    const v = ((trns[2 * c] ?? 0) << 8) | (trns[2 * c + 1] ?? 0);
    return ihdr.depth < 8 ? v * (ihdr.colourType === 0 ? 255 / ((1 << ihdr.depth) - 1) : 1) : v;
  });
  const max = ihdr.depth === 16 ? 65535 : 255;
  const out = samples instanceof Uint16Array ? new Uint16Array((samples.length / channels) * (channels + 1)) : new Uint8Array((samples.length / channels) * (channels + 1));
  for (let i = 0, o = 0; i < samples.length; i += channels) {
    let transparent = true;
    for (let c = 0; c < channels; c++) {
      out[o++] = samples[i + c]!;
      if (samples[i + c] !== key[c]) transparent = false;
    }
    out[o++] = transparent ? 0 : max;
  }
  return { width: ihdr.width, height: ihdr.height, channels: channels + 1, data: out };
}
