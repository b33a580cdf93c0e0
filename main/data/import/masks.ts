// Masks imported with a folder of images: a parallel folder of PNGs, matched to images by file
// name — first the same relative path with ".png" (cats/a.jpg ↔ cats/a.png), else the same base
// name anywhere in the mask folder (a.jpg ↔ any a.png), when only one mask has that base name.
// Mask values: 0 = background / not annotated, nonzero = region. A grey mask keeps its values
// (16-bit ones clamped to 255, so small instance ids survive); a colour mask takes max(R, G, B)
// per pixel, so every coloured mark is a region; transparency is flattened on black first.
import { statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { decodeImage } from '../../workspace/images/image-file.js';
import { fitToSize, type TargetSize } from './fit.js';
import { flattenOnBlack, is16Bit, type Raster } from '../../workspace/images/raster.js';
import { walkFiles } from './scan-folder.js';

const stripExtension = (path: string): string => path.slice(0, path.length - extname(path).length);

export class MaskFolder {
  readonly root: string;
  readonly #byPath = new Map<string, string>();
  readonly #byBase = new Map<string, string | null>();

  private constructor(root: string, files: string[]) {
    this.root = root;
    for (const file of files) {
      this.#byPath.set(stripExtension(file), file);
      const base = stripExtension(basename(file));
      // A base name found twice matches nothing: which of the two would be a guess.
      this.#byBase.set(base, this.#byBase.has(base) ? null : file);
    }
  }

  /** Indexes the PNG files of a folder (hidden files passed over, links as scan-folder.ts follows them); null when it is not a folder. */
  static scan(root: string): MaskFolder | null {
    try {
      if (!statSync(root).isDirectory()) return null;
    } catch {
      return null;
    }
    return new MaskFolder(root, walkFiles(root, (name) => extname(name).toLowerCase() === '.png').files);
  }

  /** The mask file (relative to the mask folder) of an image given by its relative path, or null. */
  match(image: string): string | null {
    return this.#byPath.get(stripExtension(image)) ?? this.#byBase.get(stripExtension(basename(image))) ?? null;
  }

  /** The mask, one uint8 channel, fitted to the dataset's size with nearest neighbour. */
  async read(file: string, image: { width: number; height: number }, target: TargetSize | null): Promise<Uint8Array> {
    const decoded = flattenOnBlack(await decodeImage(join(this.root, file)));
    if (decoded.width !== image.width || decoded.height !== image.height) {
      throw new Error(`the mask is ${decoded.width}×${decoded.height} but its image is ${image.width}×${image.height}`);
    }
    const values = maskValues(decoded);
    return target === null ? values.data : ((await fitToSize(values, target, 'nearest')).data as Uint8Array);
  }
}

function maskValues(r: Raster): Raster & { data: Uint8Array } {
  const pixels = r.width * r.height;
  const out = new Uint8Array(pixels);
  const sixteen = is16Bit(r);
  for (let p = 0; p < pixels; p++) {
    let v = 0;
    for (let c = 0; c < r.channels; c++) v = Math.max(v, r.data[p * r.channels + c]!);
    out[p] = sixteen ? Math.min(v, 255) : v;
  }
  return { width: r.width, height: r.height, channels: 1, data: out };
}
