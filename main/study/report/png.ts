// RGBA pictures as PNG (PNG spec, W3C 2003: colour type 6, 8 bits) for the report's data: URLs:
// synchronous and dependency-free, so a figure is a string built in one pass. Rows are filtered
// with "up" (type 2), which turns the repeated rows of small upscaled tiles and flat heatmap areas
// into zeros that deflate well.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A [height, width, 4] RGBA picture as PNG bytes. */
export function encodeRgbaPng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  if (rgba.length !== width * height * 4) throw new Error(`A ${width}×${height} RGBA picture has ${width * height * 4} bytes, not ${rgba.length}.`);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const stride = width * 4;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = y === 0 ? 0 : 2;
    for (let x = 0; x < stride; x++) raw[o + 1 + x] = (rgba[y * stride + x]! - (y === 0 ? 0 : rgba[(y - 1) * stride + x]!)) & 0xff;
  }
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The picture as a data: URL, so the report and its SVG figures need no file beside them. */
export function pngDataUrl(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): string {
  return `data:image/png;base64,${Buffer.from(encodeRgbaPng(rgba, width, height)).toString('base64')}`;
}
