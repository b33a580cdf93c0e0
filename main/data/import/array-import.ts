// Importing arrays (IDX, .npy, .npz): images of shape [N, H, W] or [N, H, W, C] with C = 1 or 3
// (channels last), or flat rows [N, H·W·C] cut by an image shape (flatRowShape), uint8 or uint16, or float with values in [0, 1] — stored as uint8,
// round(255·v), as a float image in [0, 1] is meant to be read. Rows stream through in chunks.
import type { ImageShape, ImportOptions } from '../../../shared/datasets.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import { dtypeNames, elementBytes, type ArrayHeader } from './array-header.js';
import { readArrayHeader, readLabels, type ArrayPart, type ArraySource } from './array-source.js';
import { SourceProblem } from './source-problem.js';
import { rowChunks } from './byte-stream.js';
import type { DatasetSink, SinkItem } from './dataset-sink.js';
import { fitToSize, type TargetSize } from './fit.js';
import { MAX_DECODED_BYTES } from '../../workspace/images/image-limits.js';
import { toFormat, type PixelFormat, type Raster } from '../../workspace/images/raster.js';
import { settleAll } from './settle-all.js';

/** Input bytes read per chunk. */
const CHUNK_BYTES = 16 << 20;

export interface ArrayImages {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  bits: 8 | 16;
  header: ArrayHeader;
}

export interface ArrayPartInfo {
  part: ArrayPart;
  images: ArrayImages;
  labels: Int32Array;
}

/**
 * Flat rows (N, L) as images, channels last: the given H×W with L = H·W (grey) or 3·H·W (RGB), or
 * s×s grey when L is a square s² (MNIST's 784). L = 3·s² is not guessed as RGB: CIFAR's own
 * files keep channels first, which read channels last would be scrambled without a word.
 */
export function flatRowShape(length: number, label: string, shape: ImageShape | undefined): number[] {
  if (shape !== undefined) {
    const area = shape.height * shape.width;
    const channels = length / area;
    if (channels === 1 || channels === 3) return [shape.height, shape.width, channels];
    throw new SourceProblem(
      `The array ${label} holds rows of ${length} values, which are neither ${shape.height}×${shape.width} (${area}) nor ${shape.height}×${shape.width}×3 (${3 * area}) values; give the image shape its rows have.`,
    );
  }
  const side = Math.round(Math.sqrt(length));
  if (side * side === length && side > 0) return [side, side, 1];
  const rgbSide = Math.round(Math.sqrt(length / 3));
  const hint = 3 * rgbSide * rgbSide === length ? ` (3·${rgbSide}·${rgbSide} values: give ${rgbSide}x${rgbSide} to read them as RGB, channels last)` : '';
  throw new SourceProblem(
    `The array ${label} holds flat rows of ${length} values, not a square number, so Heatlab cannot tell the image shape; give it as height×width (--shape HxW, or the form's image shape)${hint}.`,
  );
}

/** The images' layout from the header; a sentence when Heatlab cannot read them as images. */
export function describeImages(header: ArrayHeader, label: string, shape?: ImageShape): ArrayImages {
  let dims = header.shape;
  if (dims.length === 2 && dims[1]! > 0) dims = [dims[0]!, ...flatRowShape(dims[1]!, label, shape)];
  else if (shape !== undefined && (dims[1] !== shape.height || dims[2] !== shape.width)) {
    throw new SourceProblem(`The array ${label} has shape (${dims.join(', ')}), not flat rows; the image shape ${shape.height}×${shape.width} is for arrays of shape (N, H·W).`);
  }
  const [count, height, width, channels = 1, ...more] = dims;
  if (count === undefined || height === undefined || width === undefined || more.length > 0 || (channels !== 1 && channels !== 3) || height === 0 || width === 0) {
    throw new SourceProblem(
      `The array ${label} has shape (${header.shape.join(', ')}); Heatlab reads images of shape (N, H, W) or (N, H, W, C) with C = 1 or 3, channels last, or flat rows (N, H·W).`,
    );
  }
  if (!['u1', 'u2', 'f4', 'f8'].includes(header.type)) {
    throw new SourceProblem(`The array ${label} holds ${dtypeNames[header.type]} values; Heatlab reads images stored as uint8, uint16, or float with values in [0, 1].`);
  }
  // One row is read and converted whole, so it obeys the image limit (on its stored bytes, up to 8 per sample).
  const rowBytes = height * width * channels * elementBytes(header.type);
  if (rowBytes > MAX_DECODED_BYTES) {
    throw new SourceProblem(`The array ${label} holds ${height}×${width}×${channels} ${dtypeNames[header.type]} images of ${(rowBytes / 2 ** 20).toFixed(0)} MiB each; Heatlab reads images up to ${MAX_DECODED_BYTES / 2 ** 20} MiB.`);
  }
  return { count, height, width, channels, bits: header.type === 'u2' ? 16 : 8, header };
}

/** Headers and labels of every part; a sentence when they do not fit together. */
export async function inspectParts(source: ArraySource, shape?: ImageShape): Promise<ArrayPartInfo[]> {
  const infos: ArrayPartInfo[] = [];
  for (const part of source.parts) {
    const images = describeImages(await readArrayHeader(part.images), part.images.label, shape);
    infos.push({ part, images, labels: await readLabels(part.labels, images.count) });
  }
  return infos;
}

export function arrayPixelFormat(infos: readonly ArrayPartInfo[], channels: ImportOptions['channels']): PixelFormat {
  const grey = channels === 'grey' || infos.every((i) => i.images.channels === 1);
  return { channels: grey ? 1 : 3, dtype: infos.some((i) => i.images.bits === 16) ? 'uint16' : 'uint8' };
}

/** One row of the array as a raster (floats checked against [0, 1] and scaled to uint8). */
function rowRaster(bytes: Buffer, images: ArrayImages, label: string, row: number): Raster {
  const { width, height, channels, header } = images;
  const n = width * height * channels;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (header.type === 'u1') return { width, height, channels, data: new Uint8Array(bytes) };
  if (header.type === 'u2') {
    const data = new Uint16Array(n);
    for (let k = 0; k < n; k++) data[k] = view.getUint16(2 * k, header.littleEndian);
    return { width, height, channels, data };
  }
  const data = new Uint8Array(n);
  const double = header.type === 'f8';
  for (let k = 0; k < n; k++) {
    const v = double ? view.getFloat64(8 * k, header.littleEndian) : view.getFloat32(4 * k, header.littleEndian);
    if (!(v >= 0 && v <= 1)) throw new SourceProblem(`The array ${label} holds the value ${v} in image ${row}; float images must have values in [0, 1].`);
    data[k] = Math.round(v * 255);
  }
  return { width, height, channels, data };
}

/** Streams every part's images into the sink, part after part; returns each image's part. */
export async function readArrays(
  infos: readonly ArrayPartInfo[],
  sink: DatasetSink,
  target: TargetSize | null,
  ctx: JobContext,
): Promise<{ resized: number; parts: ArrayPart['part'][] }> {
  const total = infos.reduce((n, i) => n + i.images.count, 0);
  const message = `Importing ${total.toLocaleString('en-US')} images`;
  const parts: ArrayPart['part'][] = [];
  let resized = 0;
  let done = 0;
  ctx.progress(0, total, message, 'images');
  for (const { part, images, labels } of infos) {
    const rowBytes = images.width * images.height * images.channels * elementBytes(images.header.type);
    const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
    let row = 0;
    const label = part.images.label;
    for await (const chunk of rowChunks(part.images.open(), images.header.dataOffset, rowBytes, images.count, perChunk, label)) {
      const rows = chunk.length / rowBytes;
      const first = row;
      const rasters = Array.from({ length: rows }, (_, k) => toFormat(rowRaster(chunk.subarray(k * rowBytes, (k + 1) * rowBytes), images, label, first + k), sink.format));
      const fitted = await settleAll(rasters, 8, async (r) => (target === null ? r : fitToSize(r, target, 'lanczos3')));
      const items: SinkItem[] = fitted.map((f, k) => {
        if (!f.ok) throw f.error;
        return { pixels: f.value.data, label: labels[first + k]!, source: null, mask: null };
      });
      if (target !== null && (images.width !== target.width || images.height !== target.height)) resized += rows;
      sink.append(items);
      for (let k = 0; k < rows; k++) parts.push(part.part);
      row += rows;
      done += rows;
      ctx.progress(done, total, message, 'images');
      await ctx.checkpoint();
    }
  }
  return { resized, parts };
}
