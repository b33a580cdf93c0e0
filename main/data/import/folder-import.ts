// Importing a folder of class sub-folders: read every header first (to settle the dataset's
// channels, bit depth and size before a byte is written), then decode in batches, several
// files in flight, and stream the batch into the sink in file order.
import { join } from 'node:path';
import { HeatlabError } from '../../../shared/errors.js';
import type { ImportOptions } from '../../../shared/datasets.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import type { SinkItem, DatasetSink } from './dataset-sink.js';
import { fitToSize, type TargetSize } from './fit.js';
import { decodeImage, readImageHeader, unreadableReason } from '../../workspace/images/image-file.js';
import { DecodeBudget, decodedBytes } from '../../workspace/images/image-limits.js';
import type { MaskFolder } from './masks.js';
import { toFormat, type ImageHeader, type PixelFormat } from '../../workspace/images/raster.js';
import type { FolderScan } from './scan-folder.js';
import { settleAll } from './settle-all.js';

/** Files decoded at once: enough to keep libuv's pool busy while PNGs decode on this thread. */
const IN_FLIGHT = 16;
/** A batch holds at most this many bytes of output pixels (and at most 512 images). */
const BATCH_BYTES = 32 << 20;

export interface FolderItem {
  file: string;
  classIndex: number;
  header: ImageHeader;
}

export interface Skipped {
  file: string;
  reason: string;
}

/** Reads every header; files whose header cannot be read are skipped with the reason. */
export async function probeFolder(scan: FolderScan, between: (done: number, total: number) => Promise<void>): Promise<{ items: FolderItem[]; skipped: Skipped[] }> {
  const files = scan.classes.flatMap((c, classIndex) => c.files.map((file) => ({ file, classIndex })));
  const items: FolderItem[] = [];
  const skipped: Skipped[] = [];
  for (let first = 0; first < files.length; first += 512) {
    const batch = files.slice(first, first + 512);
    const headers = await settleAll(batch, IN_FLIGHT, (f) => readImageHeader(join(scan.root, f.file)));
    headers.forEach((h, k) => {
      if (h.ok) items.push({ ...batch[k]!, header: h.value });
      else skipped.push({ file: batch[k]!.file, reason: unreadableReason(h.error) });
    });
    await between(first + batch.length, files.length);
  }
  return { items, skipped };
}

/** keep: grey if every image is grey, else RGB; grey: one channel. uint16 as soon as one image is 16-bit. */
export function pixelFormatOf(items: readonly FolderItem[], channels: ImportOptions['channels']): PixelFormat {
  const grey = channels === 'grey' || items.every((i) => i.header.channels === 1);
  return { channels: grey ? 1 : 3, dtype: items.some((i) => i.header.bits === 16) ? 'uint16' : 'uint8' };
}

/** The dataset's size: the resize target, or the one size every image must have. */
export function sizeOf(items: readonly FolderItem[], policy: ImportOptions['size']): { width: number; height: number; target: TargetSize | null } {
  if (policy.policy === 'resize') return { width: policy.width, height: policy.height, target: { width: policy.width, height: policy.height, mode: policy.mode } };
  const counts = new Map<string, number>();
  for (const { header } of items) counts.set(`${header.width}×${header.height}`, (counts.get(`${header.width}×${header.height}`) ?? 0) + 1);
  // The most common size; a tie goes to the size met first in file order.
  let majority = '';
  for (const [size, n] of counts) if (n > (counts.get(majority) ?? 0)) majority = size;
  const [width, height] = majority.split('×').map(Number) as [number, number];
  const odd = items.filter((i) => i.header.width !== width || i.header.height !== height);
  if (odd.length > 0) {
    const shown = odd.slice(0, 5).map((i) => `${i.file} (${i.header.width}×${i.header.height})`);
    const more = odd.length > 5 ? ` and ${odd.length - 5} more` : '';
    throw new HeatlabError(
      'invalid_request',
      `${odd.length} of ${items.length} images are not ${majority}, the size most images have: ${shown.join(', ')}${more}; choose the resize size policy to bring them to one size.`,
      { oddFiles: odd.map((i) => i.file), majority: { width, height } },
    );
  }
  return { width, height, target: null };
}

export interface FolderRead {
  skipped: Skipped[];
  resized: number;
}

interface Decoded {
  item: SinkItem;
  resized: boolean;
  maskProblem: string | null;
}

async function importOne(root: string, item: FolderItem, format: PixelFormat, target: TargetSize | null, masks: MaskFolder | null): Promise<Decoded> {
  const decoded = await decodeImage(join(root, item.file), item.header);
  let raster = toFormat(decoded, format);
  const resized = target !== null && (raster.width !== target.width || raster.height !== target.height);
  if (target === null && (decoded.width !== item.header.width || decoded.height !== item.header.height)) {
    throw new Error(`its pixels are ${decoded.width}×${decoded.height} but its header says ${item.header.width}×${item.header.height}`);
  }
  if (resized) raster = await fitToSize(raster, target!, 'lanczos3');
  let mask: Uint8Array | null = null;
  let maskProblem: string | null = null;
  const maskFile = masks?.match(item.file) ?? null;
  if (masks && maskFile !== null) {
    try {
      mask = await masks.read(maskFile, decoded, target);
    } catch (err) {
      maskProblem = `The mask ${maskFile} was not used: ${unreadableReason(err).replace(/^./, (c) => c.toLowerCase())} The image was imported without a mask.`;
    }
  }
  return { item: { pixels: raster.data, label: item.classIndex, source: item.file, mask }, resized, maskProblem };
}

/** Decodes, converts and fits every probed image into the sink, batch by batch. */
export async function readFolder(
  root: string,
  items: readonly FolderItem[],
  sink: DatasetSink,
  target: TargetSize | null,
  masks: MaskFolder | null,
  ctx: JobContext,
): Promise<FolderRead> {
  const skipped: Skipped[] = [];
  let resized = 0;
  const imageBytes = sink.width * sink.height * sink.format.channels * (sink.format.dtype === 'uint16' ? 2 : 1);
  const perBatch = Math.max(1, Math.min(512, Math.floor(BATCH_BYTES / imageBytes)));
  const budget = new DecodeBudget();
  // Counted with an alpha channel, which the header does not tell.
  const decoding = (item: FolderItem) => decodedBytes(item.header.width, item.header.height, item.header.channels + 1, item.header.bits);
  const message = `Importing ${items.length.toLocaleString('en-US')} images`;
  ctx.progress(0, items.length, message, 'images');
  for (let first = 0; first < items.length; first += perBatch) {
    const batch = items.slice(first, first + perBatch);
    const results = await settleAll(batch, IN_FLIGHT, (item) => budget.use(decoding(item), () => importOne(root, item, sink.format, target, masks)));
    const good: SinkItem[] = [];
    results.forEach((r, k) => {
      if (!r.ok) {
        skipped.push({ file: batch[k]!.file, reason: unreadableReason(r.error) });
        return;
      }
      good.push(r.value.item);
      if (r.value.resized) resized++;
      if (r.value.maskProblem) skipped.push({ file: batch[k]!.file, reason: r.value.maskProblem });
    });
    sink.append(good);
    ctx.progress(first + batch.length, items.length, message, 'images');
    await ctx.checkpoint();
  }
  return { skipped, resized };
}
