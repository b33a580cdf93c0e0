// Finds the arrays of an array source — an IDX file, a .npy file, an .npz archive — and pairs
// images with labels by name (array-names.ts). Picking one file of a family brings its
// siblings: train-images-idx3-ubyte.gz brings train-labels-idx1-ubyte.gz and, when present,
// t10k-images/-labels as the test part; x_train.npy brings y_train.npy, x_test.npy, y_test.npy.
// A source with two or more parts keeps its own split (validation carved from train unless it
// has a validation part); a lone pair — x/y, or only x_train/y_train — is split by the seed.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ImportFormat } from '../../../shared/datasets.js';
import { HeatlabError, sentence } from '../../../shared/errors.js';
import { fileKinds, regularFileStream } from '../../workspace/read-regular-file.js';
import { parseNpyArrayHeader, readValues, type ArrayHeader } from './array-header.js';
import { classifyArrayName, type ArrayName, type ArrayPartName } from './array-names.js';
import { readPrefix } from './byte-stream.js';
import { SourceProblem } from './source-problem.js';
import { looksLikeIdx, openIdx, parseIdxHeader } from './idx.js';
import { openZipEntry, readZipEntries } from './zip.js';

export interface StoredArray {
  /** How messages name it: a file name, or "archive.npz: x_train". */
  label: string;
  kind: 'idx' | 'npy';
  open(): Readable;
}

export interface ArrayPart {
  part: ArrayPartName;
  images: StoredArray;
  labels: StoredArray;
}

export interface ArraySource {
  format: Exclude<ImportFormat, 'folder'>;
  /** In order train, validation, test (or the one part 'all'). */
  parts: ArrayPart[];
  /** True when the source brings its own train/test split (two or more parts). */
  ownSplit: boolean;
}

const partOrder: ArrayPartName[] = ['all', 'train', 'validation', 'test'];

interface Named {
  name: ArrayName;
  array: StoredArray;
}

/** Complete images+labels pairs of one stem, in part order. */
function pairUp(named: Named[], stem: string): ArrayPart[] {
  const parts: ArrayPart[] = [];
  for (const part of partOrder) {
    const images = named.find((n) => n.name.stem === stem && n.name.part === part && n.name.role === 'images');
    const labels = named.find((n) => n.name.stem === stem && n.name.part === part && n.name.role === 'labels');
    if (images && labels) parts.push({ part, images: images.array, labels: labels.array });
  }
  return parts;
}

/** An unsplit pair (x/y) stands alone; otherwise the split parts (x_train/y_train, x_test/y_test, …) together. */
function choose(parts: ArrayPart[], preferAll: boolean): ArrayPart[] {
  const all = parts.filter((p) => p.part === 'all');
  const split = parts.filter((p) => p.part !== 'all');
  return preferAll ? all : split.length > 0 ? split : all;
}

function sourceOf(format: ArraySource['format'], parts: ArrayPart[]): ArraySource {
  return { format, parts, ownSplit: parts.length >= 2 };
}

/** Siblings in the folder of `path` that pass `accept`, classified by name. */
function siblings(path: string, kind: StoredArray['kind'], accept: (name: string) => boolean, open: (file: string) => Readable): Named[] {
  const named: Named[] = [];
  for (const file of readdirSync(dirname(path)).sort()) {
    const name = accept(file) ? classifyArrayName(file) : null;
    const full = join(dirname(path), file);
    if (name) named.push({ name, array: { label: file, kind, open: () => open(full) } });
  }
  return named;
}

function fromFamily(path: string, format: 'idx' | 'npy', named: Named[]): ArraySource {
  const picked = classifyArrayName(basename(path));
  const words = format === 'idx' ? 'images/labels (e.g. train-images-idx3-ubyte with train-labels-idx1-ubyte)' : 'x/y, images/labels or targets (e.g. x_train.npy with y_train.npy)';
  if (picked === null) throw new SourceProblem(`Heatlab cannot tell from the name ${basename(path)} whether it holds images or labels; name the files ${words}.`);
  const parts = choose(pairUp(named, picked.stem), picked.part === 'all');
  if (!parts.some((p) => p.part === picked.part)) {
    throw new SourceProblem(`No ${picked.role === 'images' ? 'labels' : 'images'} file was found beside ${basename(path)}; Heatlab pairs files named ${words}.`);
  }
  return sourceOf(format, parts);
}

export function locateIdx(path: string): ArraySource {
  return fromFamily(path, 'idx', siblings(path, 'idx', looksLikeIdx, openIdx));
}

export function locateNpy(path: string): ArraySource {
  const open = (file: string) => regularFileStream(file, fileKinds.array);
  return fromFamily(path, 'npy', siblings(path, 'npy', (f) => f.toLowerCase().endsWith('.npy'), open));
}

export function locateNpz(path: string): ArraySource {
  let entries;
  try {
    entries = readZipEntries(path);
  } catch (err) {
    throw new SourceProblem(`The file ${basename(path)} cannot be read as an .npz archive: ${(err as Error).message}.`);
  }
  const named: Named[] = [];
  for (const entry of entries) {
    const arrayName = basename(entry.name).replace(/\.npy$/i, '');
    const name = classifyArrayName(arrayName);
    if (name) named.push({ name, array: { label: `${basename(path)}: ${arrayName}`, kind: 'npy', open: () => openZipEntry(path, entry) } });
  }
  const stems = [...new Set(named.map((n) => n.name.stem))].sort();
  for (const stem of stems) {
    const parts = choose(pairUp(named, stem), false);
    if (parts.length > 0) return sourceOf('npz', parts);
  }
  const held = entries.map((e) => basename(e.name).replace(/\.npy$/i, '')).join(', ') || 'nothing';
  throw new SourceProblem(`The archive ${basename(path)} holds no pair of images and labels named like x/y, images/labels or x_train/y_train; it holds ${held}.`);
}

/** Parse errors as problems with the source (a sentence each). */
function parse(bytes: Uint8Array, array: StoredArray): ArrayHeader {
  try {
    return array.kind === 'idx' ? parseIdxHeader(bytes, array.label) : parseNpyArrayHeader(bytes, array.label);
  } catch (err) {
    throw err instanceof HeatlabError ? new SourceProblem(err.message) : new SourceProblem(sentence((err as Error).message));
  }
}

/** The array's header, from the first bytes of its stream. */
export async function readArrayHeader(array: StoredArray): Promise<ArrayHeader> {
  return parse(await readPrefix(array.open(), array.kind === 'idx' ? 4 + 4 * 255 : 65536 + 12), array);
}

/** The most a labels array's header and values can take (an .npy header of 64 KiB, 8-byte values). */
const labelBytes = (count: number) => 65536 + 12 + 8 * count;

/** 2^27 images (134 million): ten times ImageNet-21k; a header claiming more is damaged. */
const MAX_IMAGES = 2 ** 27;

/** Labels as int32: any integer type (or floats holding whole numbers), shape [N] or [N, 1]. */
export async function readLabels(array: StoredArray, count: number): Promise<Int32Array> {
  if (count > MAX_IMAGES) throw new SourceProblem(`The array ${array.label} is paired with ${count} images; Heatlab imports up to ${MAX_IMAGES} images from one array.`);
  // Never more than N labels can use: a labels file that inflates without end stops here.
  const bytes = await readPrefix(array.open(), labelBytes(count));
  const header = parse(bytes, array);
  const [n, extra = 1, ...more] = header.shape;
  if (n === undefined || extra !== 1 || more.length > 0) throw new SourceProblem(`The array ${array.label} has shape (${header.shape.join(', ')}); labels must be one number per image.`);
  if (n !== count) throw new SourceProblem(`The array ${array.label} holds ${n} labels for ${count} images.`);
  const values = readValues(bytes.subarray(header.dataOffset), header.type, header.littleEndian);
  if (values.length < n) throw new SourceProblem(`The array ${array.label} is shorter than its header says.`);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new SourceProblem(`The array ${array.label} holds the label ${v}; labels must be whole numbers from 0 to 65535.`);
    labels[k] = v;
  }
  return labels;
}
