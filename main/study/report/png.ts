// RGBA pictures as PNG (PNG spec, W3C 2003: colour type 6, 8 bits) for the report's data: URLs:
// synchronous and dependency-free, so a figure is a string built in one pass. Rows are filtered
// with "up" (type 2), which turns the repeated rows of small upscaled tiles and flat heatmap areas
// into zeros that deflate well.
import { writePng } from '../../workspace/images/png-writer.js';

/** A [height, width, 4] RGBA picture as PNG bytes. */
export function encodeRgbaPng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  if (rgba.length !== width * height * 4) throw new Error(`A ${width}×${height} RGBA picture has ${width * height * 4} bytes, not ${rgba.length}.`);
  const stride = width * 4;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = y === 0 ? 0 : 2;
    for (let x = 0; x < stride; x++) raw[o + 1 + x] = (rgba[y * stride + x]! - (y === 0 ? 0 : rgba[(y - 1) * stride + x]!)) & 0xff;
  }
  return writePng(6, width, height, raw);
}

/** The picture as a data: URL, so the report and its SVG figures need no file beside them. */
export function pngDataUrl(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): string {
  return `data:image/png;base64,${Buffer.from(encodeRgbaPng(rgba, width, height)).toString('base64')}`;
}
