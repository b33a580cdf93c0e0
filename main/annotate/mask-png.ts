// Label masks as palette PNGs (PNG spec, W3C 2003, colour type 3): the pixel index is the label
// value, so numpy/Pillow read the values (np.array(Image.open(f))) while viewers show the labels'
// colours on black. Unfiltered rows, deflated by zlib: masks are mostly runs of one value.
import { crc32, deflateSync } from 'node:zlib';
import { labelColours } from '../../shared/annotations.js';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The palette of a set with `labels` labels: black for 0, then the label colours. */
export function maskPalette(labels: number): [number, number, number][] {
  const colours: [number, number, number][] = [[0, 0, 0]];
  for (let k = 1; k <= labels; k++) {
    const hex = labelColours[(k - 1) % labelColours.length]!;
    colours.push([parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)]);
  }
  return colours;
}

/** A [height, width] mask with values 0 … labels as an 8-bit palette PNG. */
export function encodeMaskPng(mask: Uint8Array, width: number, height: number, labels: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const palette = maskPalette(labels);
  const plte = Uint8Array.from(palette.flat());
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(mask.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
