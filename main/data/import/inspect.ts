// The quick look before an import: what the path holds (format, classes and counts, sizes,
// channels, bit depths, hidden and ignored files, files whose header cannot be read and so will
// be skipped, the dataset's resulting pixel format) from headers only — every file's header is
// sniffed, which is cheap, but no image is decoded, however large the folder — and in `problems`
// every reason the import could not run, as sentences. Bad input never throws: it becomes a problem.
import { resolve } from 'node:path';
import type { ImageShape, ImportFormat, ImportPlan } from '../../../shared/datasets.js';
import { HeatlabError, sentence } from '../../../shared/errors.js';
import { formatCount } from '../../../shared/format.js';
import { inspectParts, type ArrayPartInfo } from './array-import.js';
import { locateIdx, locateNpy, locateNpz } from './array-source.js';
import { fileSystemProblem, SourceProblem } from './source-problem.js';
import { probeFolder, type FolderItem } from './folder-import.js';
import { scanFolder, type FolderScan } from './scan-folder.js';
import { detectFormat } from './source-format.js';

const yieldToEventLoop = () => new Promise<void>((done) => setImmediate(done));

function distinct(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function sizesOf(entries: { width: number; height: number; count: number }[]): ImportPlan['sizes'] {
  const bySize = new Map<string, { width: number; height: number; count: number }>();
  for (const e of entries) {
    const key = `${e.width}×${e.height}`;
    const seen = bySize.get(key);
    if (seen) seen.count += e.count;
    else bySize.set(key, { ...e });
  }
  return [...bySize.values()].sort((a, b) => b.count - a.count || a.width - b.width || a.height - b.height);
}

const some = (n: number, of: number, what: string) => (n === of ? `every image is ${what}` : `${formatCount(n)} of ${formatCount(of)} images ${n === 1 ? 'is' : 'are'} ${what}`);

/**
 * The dataset's pixel format with channels kept (as pixelFormatOf and arrayPixelFormat settle it),
 * and why: one 16-bit image makes every image 16-bit, one colour image makes every image RGB.
 */
export function resultOf(images: number, sixteen: number, colour: number): ImportPlan['result'] {
  if (images === 0) return null;
  const depth =
    sixteen === 0
      ? 'uint8, as every image is 8-bit'
      : sixteen === images
        ? 'uint16, as every image is 16-bit'
        : `uint16, because ${some(sixteen, images, '16-bit')}: one 16-bit image makes the whole dataset 16-bit (8-bit values are scaled by 257)`;
  const channels =
    colour === 0
      ? 'grey, as every image is grey'
      : colour === images
        ? 'RGB, as every image is in colour'
        : `RGB, because ${some(colour, images, 'in colour')}: one colour image makes the whole dataset RGB (grey values repeated in three channels) unless you convert to grey`;
  return { dtype: sixteen > 0 ? 'uint16' : 'uint8', channels: colour > 0 ? 3 : 1, reason: `${depth}; ${channels}.`, mixed: (sixteen > 0 && sixteen < images) || (colour > 0 && colour < images) };
}

/** The problems that stop a folder import, from its classes and readable images. */
export function folderProblems(scan: FolderScan, readable: FolderItem[]): string[] {
  const classNames = scan.classes.map((c) => c.name);
  if (classNames.length === 0 && scan.hidden + scan.ignored + scan.emptyFolders.length + scan.passedOver.length === 0) return ['The folder is empty.'];
  if (classNames.length === 0) return ['The folder has no class sub-folders with images; an import needs one sub-folder of images per class.'];
  if (classNames.length === 1) return [`The folder has only one class sub-folder (${classNames[0]}); an import needs at least two classes.`];
  if (readable.length === 0) return ['No readable images were found.'];
  const withImages = classNames.filter((_, c) => readable.some((i) => i.classIndex === c));
  if (withImages.length === 1) return [`Only one class sub-folder (${withImages[0]}) has readable images; an import needs at least two classes.`];
  return [];
}

async function inspectFolder(plan: ImportPlan): Promise<void> {
  const scan = scanFolder(plan.path);
  plan.hidden = scan.hidden;
  plan.ignored = scan.ignored;
  plan.passedOver = scan.passedOver;
  const { items, skipped } = await probeFolder(scan, yieldToEventLoop);
  plan.skipped = skipped.map((s) => ({ path: s.file, reason: s.reason }));
  plan.result = resultOf(items.length, items.filter((i) => i.header.bits === 16).length, items.filter((i) => i.header.channels === 3).length);
  plan.classes = scan.classes.map((c, k) => ({ name: c.name, count: items.filter((i) => i.classIndex === k).length }));
  plan.sizes = sizesOf(items.map((i) => ({ width: i.header.width, height: i.header.height, count: 1 })));
  plan.channels = distinct(items.map((i) => i.header.channels));
  plan.bitDepths = distinct(items.map((i) => i.header.bits));
  plan.total = items.length;
  plan.problems.push(...folderProblems(scan, items));
}

/** Class names of array sources: "0" … "K−1", K = largest label + 1. */
export function arrayClassCounts(infos: readonly ArrayPartInfo[]): number[] {
  const counts: number[] = [];
  for (const { labels } of infos) for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return Array.from(counts, (n) => n ?? 0);
}

export function arrayProblems(infos: readonly ArrayPartInfo[]): string[] {
  const counts = arrayClassCounts(infos);
  if (counts.length === 0) return ['The arrays hold no images.'];
  const present = counts.filter((n) => n > 0).length;
  if (present < 2) return [`Every image has the label ${counts.length - 1}; an import needs at least two classes.`];
  return [];
}

async function inspectArrays(plan: ImportPlan, format: Exclude<ImportFormat, 'folder'>, shape: ImageShape | undefined): Promise<void> {
  const source = format === 'idx' ? locateIdx(plan.path) : format === 'npy' ? locateNpy(plan.path) : locateNpz(plan.path);
  const infos = await inspectParts(source, shape);
  const countWhere = (test: (i: ArrayPartInfo) => boolean) => infos.reduce((n, i) => n + (test(i) ? i.images.count : 0), 0);
  plan.classes = arrayClassCounts(infos).map((count, k) => ({ name: String(k), count }));
  plan.sizes = sizesOf(infos.map((i) => ({ width: i.images.width, height: i.images.height, count: i.images.count })));
  plan.channels = distinct(infos.map((i) => i.images.channels));
  plan.bitDepths = distinct(infos.map((i) => i.images.bits));
  plan.total = infos.reduce((n, i) => n + i.images.count, 0);
  plan.result = resultOf(plan.total, countWhere((i) => i.images.bits === 16), countWhere((i) => i.images.channels === 3));
  plan.problems.push(...arrayProblems(infos));
}

/** `shape` cuts arrays of flat rows into images (ignored for folders). */
export async function inspectImport(path: string, shape?: ImageShape): Promise<ImportPlan> {
  const plan: ImportPlan = {
    path: resolve(path),
    format: 'folder',
    classes: [],
    sizes: [],
    channels: [],
    bitDepths: [],
    total: 0,
    hidden: 0,
    ignored: 0,
    passedOver: [],
    skipped: [],
    result: null,
    problems: [],
  };
  try {
    plan.format = detectFormat(plan.path);
    if (plan.format === 'folder') await inspectFolder(plan);
    else await inspectArrays(plan, plan.format, shape);
  } catch (err) {
    plan.problems.push(problemOf(err));
  }
  return plan;
}

/** A thrown error as a problem sentence (file-system errors naming the path). */
export function problemOf(err: unknown): string {
  if (err instanceof SourceProblem || err instanceof HeatlabError) return err.message;
  return fileSystemProblem(err)?.message ?? sentence(err instanceof Error ? err.message : String(err));
}
