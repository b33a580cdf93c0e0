// The import job (compute host): checks the source, settles the dataset's pixel format and
// size, streams the images into a staging folder, then writes labels, splits and the source
// file of each image (sources.json). Any error or a cancel removes the staging folder, so
// nothing half-made is left; a problem with the source fails as one invalid_request sentence.
import { basename, join, resolve } from 'node:path';
import { splitCodes, type ArrayFile, type ImportFormat, type ImportOptions, type ImportReport, type StagedDataset } from '../../../shared/datasets.js';
import { HeatlabError } from '../../../shared/errors.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import { writeFileAtomic } from '../../workspace/atomic-write.js';
import { isDiskFull } from '../../workspace/disk-full.js';
import type { WrittenFile } from '../../workspace/npy-stream.js';
import { classCountsBySplit } from '../generate-job.js';
import { StagingArea } from '../../workspace/staging.js';
import { arrayPixelFormat, inspectParts, readArrays, type ArrayPartInfo } from './array-import.js';
import type { ArrayPartName } from './array-names.js';
import { locateIdx, locateNpy, locateNpz } from './array-source.js';
import { DatasetSink } from './dataset-sink.js';
import type { TargetSize } from './fit.js';
import { pixelFormatOf, probeFolder, readFolder, sizeOf, type Skipped } from './folder-import.js';
import { arrayClassCounts, arrayProblems, folderProblems } from './inspect.js';
import { MaskFolder } from './masks.js';
import type { PixelFormat } from '../../workspace/images/raster.js';
import { scanFolder } from './scan-folder.js';
import { detectFormat } from './source-format.js';
import { fileSystemProblem, SourceProblem } from './source-problem.js';
import { carveValidation, stratifiedSplits } from './splits.js';

/** The source file of each image, relative to the imported folder ("/"-separated); `null` for array sources. */
export const SOURCES_FILE = 'sources.json';

/** What was learnt before writing: enough to open the arrays and then read the images. */
interface Prepared {
  format: ImportFormat;
  pixels: PixelFormat;
  width: number;
  height: number;
  target: TargetSize | null;
  hidden: number;
  skipped: Skipped[];
  classNames: string[];
  /** Whether empty classes are dropped (folders) or kept because the label values are the names (arrays). */
  dropEmptyClasses: boolean;
  ownSplit: boolean;
  read(sink: DatasetSink): Promise<{ skipped: Skipped[]; resized: number; parts: ArrayPartName[] | null }>;
}

/**
 * Problems with the source (and file-system errors met reading it) become invalid_request sentences.
 * A full disk is met writing the dataset, not reading the source: it passes through, and the
 * compute host words it as the workspace's disk being full.
 */
function asRequestError(err: unknown): unknown {
  if (isDiskFull(err)) return err;
  const problem = err instanceof SourceProblem ? err : fileSystemProblem(err);
  return problem === null ? err : new HeatlabError('invalid_request', problem.message);
}

async function prepareFolder(path: string, options: ImportOptions, masks: MaskFolder | null, ctx: JobContext): Promise<Prepared> {
  const scan = scanFolder(path);
  const probed = await probeFolder(scan, async (done, total) => {
    ctx.progress(done, total, 'Reading image headers', 'files');
    await ctx.checkpoint();
  });
  const [problem] = folderProblems(scan, probed.items);
  if (problem !== undefined) throw new HeatlabError('invalid_request', problem);
  const { width, height, target } = sizeOf(probed.items, options.size);
  return {
    format: 'folder',
    pixels: pixelFormatOf(probed.items, options.channels),
    width,
    height,
    target,
    hidden: scan.hidden,
    // Links not followed and special files come first: they are why a class may look smaller than its folder.
    skipped: [...scan.passedOver.map((p) => ({ file: p.path, reason: p.reason })), ...probed.skipped],
    classNames: scan.classes.map((c) => c.name),
    dropEmptyClasses: true,
    ownSplit: false,
    read: async (sink) => ({ ...(await readFolder(path, probed.items, sink, target, masks, ctx)), parts: null }),
  };
}

function arraySize(infos: readonly ArrayPartInfo[], policy: ImportOptions['size']): { width: number; height: number; target: TargetSize | null } {
  if (policy.policy === 'resize') return { width: policy.width, height: policy.height, target: { width: policy.width, height: policy.height, mode: policy.mode } };
  const first = infos[0]!;
  const odd = infos.find((i) => i.images.width !== first.images.width || i.images.height !== first.images.height);
  if (odd) {
    const size = (i: ArrayPartInfo) => `${i.images.width}×${i.images.height}`;
    throw new SourceProblem(
      `The images of ${first.part.images.label} are ${size(first)} but those of ${odd.part.images.label} are ${size(odd)}; choose the resize size policy to bring them to one size.`,
    );
  }
  return { width: first.images.width, height: first.images.height, target: null };
}

async function prepareArrays(path: string, format: Exclude<ImportFormat, 'folder'>, options: ImportOptions, ctx: JobContext): Promise<Prepared> {
  const source = format === 'idx' ? locateIdx(path) : format === 'npy' ? locateNpy(path) : locateNpz(path);
  const infos = await inspectParts(source, options.shape);
  const [problem] = arrayProblems(infos);
  if (problem !== undefined) throw new SourceProblem(problem);
  const { width, height, target } = arraySize(infos, options.size);
  return {
    format,
    pixels: arrayPixelFormat(infos, options.channels),
    width,
    height,
    target,
    hidden: 0,
    skipped: [],
    classNames: arrayClassCounts(infos).map((_, k) => String(k)),
    dropEmptyClasses: false,
    ownSplit: source.ownSplit,
    read: (sink) => readArrays(infos, sink, target, ctx).then((r) => ({ ...r, skipped: [] })),
  };
}

/** Folder classes without a single imported image are dropped and the labels renumbered. */
function keptClasses(labels: Int32Array, prepared: Prepared): { labels: Int32Array; classNames: string[] } {
  if (!prepared.dropEmptyClasses) return { labels, classNames: prepared.classNames };
  const used = prepared.classNames.map((_, c) => labels.includes(c));
  const newIndex = used.map((_, c) => used.slice(0, c).filter(Boolean).length);
  return { labels: labels.map((l) => newIndex[l]!), classNames: prepared.classNames.filter((_, c) => used[c]) };
}

function splitsOf(labels: Int32Array, classes: number, parts: ArrayPartName[] | null, prepared: Prepared, options: ImportOptions): Uint8Array {
  if (!prepared.ownSplit || parts === null) return stratifiedSplits(labels, classes, options.split, options.seed);
  const own = Uint8Array.from(parts, (p) => (p === 'all' ? splitCodes.train : splitCodes[p]));
  return parts.includes('validation') ? own : carveValidation(labels, own, classes, options.split, options.seed);
}

const arrayFile = (role: string, file: WrittenFile): ArrayFile => ({ role, path: basename(file.path), dtype: file.dtype, shape: file.shape, sha256: file.sha256, bytes: file.bytes });

function defaultName(path: string): string {
  return basename(path).replace(/\.gz$/i, '').replace(/\.(npz|npy)$/i, '') || path;
}

export async function runImport(options: ImportOptions, ctx: JobContext): Promise<StagedDataset> {
  const start = performance.now();
  const path = resolve(options.path);
  const masksPath = options.masksPath === undefined ? null : resolve(options.masksPath);
  let prepared: Prepared;
  let masks: MaskFolder | null = null;
  try {
    const format = detectFormat(path);
    if (masksPath !== null) {
      if (format !== 'folder') throw new SourceProblem('Masks can only be imported with a folder of images, not with IDX or array files.');
      masks = MaskFolder.scan(masksPath);
      if (masks === null) throw new SourceProblem('The mask folder does not exist.');
    }
    prepared = format === 'folder' ? await prepareFolder(path, options, masks, ctx) : await prepareArrays(path, format, options, ctx);
  } catch (err) {
    throw asRequestError(err);
  }

  const staging = StagingArea.create(ctx.workspace, 'datasets', ctx.jobId);
  let sink: DatasetSink | null = null;
  try {
    sink = new DatasetSink(staging.dir, prepared.pixels, prepared.width, prepared.height, masks !== null);
    const read = await prepared.read(sink);
    const skipped = [...prepared.skipped, ...read.skipped];
    if (sink.count === 0) throw new HeatlabError('invalid_request', `No readable images were found; ${skipped.length} files could not be read.`);
    const { labels, classNames } = keptClasses(sink.labels, prepared);
    if (classNames.length < 2) throw new HeatlabError('invalid_request', `Only one class (${classNames[0]}) has readable images; an import needs at least two classes.`);
    const splits = splitsOf(labels, classNames.length, read.parts, prepared, options);
    staging.writeArray('labels', 'labels.npy', labels, [labels.length]);
    staging.writeArray('splits', 'splits.npy', splits, [splits.length]);
    writeFileAtomic(join(staging.dir, SOURCES_FILE), JSON.stringify(prepared.format === 'folder' ? sink.sources : null));
    const matched = sink.masksMatched;
    const written = sink.finish();
    const files = [arrayFile('images', written.images), ...staging.finish()];
    const seconds = (performance.now() - start) / 1000;
    const report: ImportReport = {
      source: path,
      format: prepared.format,
      imported: labels.length,
      skipped,
      resized: read.resized,
      hidden: prepared.hidden,
      masksMatched: masks === null ? null : matched,
      annotationSetId: null,
      seconds,
    };
    return {
      stagingDir: staging.relativeDir,
      name: options.name ?? defaultName(path),
      source: 'imported',
      generator: null,
      params: { ...options, path, ...(masksPath === null ? {} : { masksPath }) },
      seed: options.seed,
      count: labels.length,
      height: prepared.height,
      width: prepared.width,
      channels: prepared.pixels.channels,
      dtype: prepared.pixels.dtype,
      classNames,
      classCountsBySplit: classCountsBySplit(labels, splits, classNames.length),
      paramColumns: [],
      maskKinds: [],
      report,
      files,
      annotation: written.masks === null ? null : { name: `Masks from ${basename(masksPath!)}`, file: arrayFile('masks', written.masks), matched },
      seconds,
    };
  } catch (err) {
    sink?.abort();
    staging.discard();
    throw asRequestError(err);
  }
}
