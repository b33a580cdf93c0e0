// Writing PNG files (PNG spec, W3C 2003): the signature, the chunks and their CRCs around filtered
// 8-bit rows deflated by zlib. Callers choose the colour type and lay out the rows with their
// filter bytes; annotation masks (palette) and report pictures (RGBA) both write through this.
import { crc32, deflateSync } from 'node:zlib';

const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * An 8-bit PNG of `colourType` (3 palette, 6 RGBA, …) from its rows, each already prefixed with its
 * filter byte; `palette` is the PLTE chunk's RGB triples, needed for colour type 3.
 */
export function writePng(colourType: number, width: number, height: number, filteredRows: Uint8Array, palette?: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, colourType, 0, 0, 0], 8);
  const parts = [signature, chunk('IHDR', ihdr), ...(palette ? [chunk('PLTE', palette)] : []), chunk('IDAT', deflateSync(filteredRows)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
