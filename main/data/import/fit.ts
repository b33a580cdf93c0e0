// The resize size policy: bring an image (or its mask) to W×H by stretching, by letterboxing
// (pad) or by centre-cropping. Scaling is sharp's (Lanczos-3 for images, nearest neighbour for
// masks, so that region values stay exact); padding and cropping are done here so that where the
// image lands is exactly as documented: centred, an odd leftover pixel going to the right/bottom.
import sharp from 'sharp';
import { is16Bit, type Raster } from '../../workspace/images/raster.js';

export type ResizeMode = 'stretch' | 'pad' | 'crop';
export type Kernel = 'lanczos3' | 'nearest';

export interface TargetSize {
  width: number;
  height: number;
  mode: ResizeMode;
}

/** Scales with sharp; channels 1 or 3, 8- or 16-bit, unchanged. */
async function scale(r: Raster, width: number, height: number, kernel: Kernel): Promise<Raster> {
  if (r.width === width && r.height === height) return r;
  const sixteen = is16Bit(r);
  const space = r.channels === 1 ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb';
  // sharp takes the sample type from the typed array (Uint16Array → ushort).
  let pipeline = sharp(r.data, { raw: { width: r.width, height: r.height, channels: r.channels as 1 | 3 } });
  if (sixteen) pipeline = pipeline.pipelineColourspace(space);
  const { data, info } = await pipeline
    .resize(width, height, { fit: 'fill', kernel })
    .toColourspace(space)
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== r.channels) throw new Error(`resizing turned ${r.channels} channels into ${info.channels}`);
  const out = sixteen ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { width, height, channels: r.channels, data: out };
}

/** Copies r into a width×height canvas of zeros (or out of a larger r) with r's top-left at (dx, dy). */
function place(r: Raster, width: number, height: number, dx: number, dy: number): Raster {
  const c = r.channels;
  const out = is16Bit(r) ? new Uint16Array(width * height * c) : new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= r.height) continue;
    const x0 = Math.max(0, dx);
    const x1 = Math.min(width, dx + r.width);
    if (x1 <= x0) continue;
    const from = (sy * r.width + (x0 - dx)) * c;
    out.set(r.data.subarray(from, from + (x1 - x0) * c), (y * width + x0) * c);
  }
  return { width, height, channels: c, data: out };
}

/**
 * The image at the target size. pad: scaled to fit inside (aspect kept), centred on 0;
 * crop: scaled so that its short side fills the target (aspect kept), then the centre cut out.
 */
export async function fitToSize(r: Raster, target: TargetSize, kernel: Kernel): Promise<Raster> {
  const { width: W, height: H } = target;
  if (r.width === W && r.height === H) return r;
  if (target.mode === 'stretch') return scale(r, W, H, kernel);
  if (target.mode === 'pad') {
    const s = Math.min(W / r.width, H / r.height);
    const w = Math.min(W, Math.max(1, Math.round(r.width * s)));
    const h = Math.min(H, Math.max(1, Math.round(r.height * s)));
    return place(await scale(r, w, h, kernel), W, H, Math.floor((W - w) / 2), Math.floor((H - h) / 2));
  }
  const s = Math.max(W / r.width, H / r.height);
  const w = Math.max(W, Math.round(r.width * s));
  const h = Math.max(H, Math.round(r.height * s));
  return place(await scale(r, w, h, kernel), W, H, -Math.floor((w - W) / 2), -Math.floor((h - H) / 2));
}
