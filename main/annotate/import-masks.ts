// Imports PNG masks into an existing annotation set: each file named after a dataset index (its
// name's last run of digits: 00012.png, mask_12.png) becomes that image's saved mask. Values: a
// set label's palette colour (as Heatlab exports them) is that label, black is unmarked, a grey
// value 1 … labels is that label; any other mark is the set's label when it has only one, and an
// error otherwise. Every file is read and checked before the first mask is saved.
import { readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import type { MaskImport } from '../../shared/annotations.js';
import { HeatlabError } from '../../shared/errors.js';
import { decodeImage } from '../workspace/images/image-file.js';
import { flattenOnBlack, is16Bit, type Raster } from '../workspace/images/raster.js';
import { FileRefused } from '../workspace/read-regular-file.js';
import type { AnnotationSets } from './annotation-sets.js';
import { maskPalette } from './mask-png.js';

/** The dataset index a file name gives, or null. */
export function indexOfName(file: string): number | null {
  const digits = /(\d+)(?!.*\d)/.exec(file.slice(0, file.length - extname(file).length));
  return digits ? Number(digits[1]) : null;
}

/** Label values of one decoded mask, or a sentence saying why it cannot be read as one. */
export function labelValues(r: Raster, labels: number): Uint8Array | string {
  const pixels = r.width * r.height;
  const out = new Uint8Array(pixels);
  const shift = is16Bit(r) ? 8 : 0;
  const palette = maskPalette(labels).map(([red, green, blue]) => (red << 16) | (green << 8) | blue);
  for (let p = 0; p < pixels; p++) {
    let v: number;
    let grey = true;
    if (r.channels === 1) v = r.data[p]! >> shift;
    else {
      const [red, green, blue] = [r.data[p * 3]! >> shift, r.data[p * 3 + 1]! >> shift, r.data[p * 3 + 2]! >> shift];
      const k = palette.indexOf((red << 16) | (green << 8) | blue);
      grey = red === green && green === blue;
      // A label's colour first (Heatlab's export), else a grey written as RGB.
      v = k >= 0 ? k : grey ? red : 256;
    }
    if (v > labels) {
      if (labels !== 1) return grey ? `it uses the value ${v}, and the set has ${labels} labels (values 0–${labels})` : 'it has a colour that is none of the set’s label colours';
      v = 1;
    }
    out[p] = v;
  }
  return out;
}

export async function importMasks(sets: AnnotationSets, id: number, folder: string, size: { width: number; height: number }): Promise<MaskImport> {
  if (!isAbsolute(folder)) throw new HeatlabError('invalid_request', `"${folder}" is not an absolute path.`);
  const root = resolve(folder);
  let names: string[];
  try {
    if (!statSync(root).isDirectory()) throw new Error('ENOTDIR');
    names = readdirSync(root).filter((n) => !n.startsWith('.') && extname(n).toLowerCase() === '.png').sort();
  } catch {
    throw new HeatlabError('invalid_request', `${root} is not a folder Heatlab can read.`);
  }
  const set = sets.get(id);
  const skipped: MaskImport['skipped'] = [];
  const masks = new Map<number, Uint8Array>();
  for (const file of names) {
    const index = indexOfName(file);
    if (index === null) skipped.push({ file, reason: 'its name has no image number' });
    else if (index >= set.total) skipped.push({ file, reason: `the dataset has no image ${index} (it has ${set.total})` });
    else if (masks.has(index)) skipped.push({ file, reason: `another file is already the mask of image ${index}` });
    else {
      let raster: Raster;
      try {
        raster = flattenOnBlack(await decodeImage(join(root, file)));
      } catch (err) {
        // A FIFO, a device or an oversized file says why in its own words; a decoder's reason is wrapped.
        skipped.push({ file, reason: err instanceof FileRefused ? err.reason : `it could not be read (${err instanceof Error ? err.message : String(err)})` });
        continue;
      }
      if (raster.width !== size.width || raster.height !== size.height) {
        skipped.push({ file, reason: `it is ${raster.width}×${raster.height} and the dataset's images are ${size.width}×${size.height}` });
        continue;
      }
      const values = labelValues(raster, set.labels.length);
      if (typeof values === 'string') throw new HeatlabError('invalid_request', `${file} cannot be imported into "${set.name}": ${values}.`);
      masks.set(index, values);
    }
  }
  if (masks.size === 0) {
    const why = names.length === 0 ? 'it holds no PNG file' : `none of its ${names.length} PNG files is a mask of an image (${skipped[0]!.file}: ${skipped[0]!.reason})`;
    throw new HeatlabError('invalid_request', `Nothing was imported from ${root}: ${why}.`);
  }
  let annotated = set.annotated.length;
  for (const [index, mask] of masks) annotated = sets.save(id, index, mask).annotated;
  return { imported: masks.size, annotated, skipped };
}
