// The quick look before an import: what the path holds (format, classes and counts, sizes,
// channels, bit depths, hidden and ignored files) from headers only, and in `problems` every
// reason the import could not run, as sentences. Bad input never throws: it becomes a problem.
import { resolve } from 'node:path';
import type { ImportFormat, ImportPlan } from '../../../shared/datasets.js';
import { HeatlabError, sentence } from '../../../shared/errors.js';
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
  const { items } = await probeFolder(scan, yieldToEventLoop);
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

async function inspectArrays(plan: ImportPlan, format: Exclude<ImportFormat, 'folder'>): Promise<void> {
  const source = format === 'idx' ? locateIdx(plan.path) : format === 'npy' ? locateNpy(plan.path) : locateNpz(plan.path);
  const infos = await inspectParts(source);
  plan.classes = arrayClassCounts(infos).map((count, k) => ({ name: String(k), count }));
  plan.sizes = sizesOf(infos.map((i) => ({ width: i.images.width, height: i.images.height, count: i.images.count })));
  plan.channels = distinct(infos.map((i) => i.images.channels));
  plan.bitDepths = distinct(infos.map((i) => i.images.bits));
  plan.total = infos.reduce((n, i) => n + i.images.count, 0);
  plan.problems.push(...arrayProblems(infos));
}

export async function inspectImport(path: string): Promise<ImportPlan> {
  const plan: ImportPlan = { path: resolve(path), format: 'folder', classes: [], sizes: [], channels: [], bitDepths: [], total: 0, hidden: 0, ignored: 0, passedOver: [], problems: [] };
  try {
    plan.format = detectFormat(plan.path);
    if (plan.format === 'folder') await inspectFolder(plan);
    else await inspectArrays(plan, plan.format);
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
