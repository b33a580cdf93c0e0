// Datasets in main: the catalogue rows, their files in data/datasets/<id>/, and fast reads of any
// selection of images, masks and per-image parameters for the UI and other services.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Dataset,
  DatasetIndex,
  DatasetRef,
  DatasetItems,
  DatasetSummary,
  ImageBatch,
  MaskBatch,
  PixelDtype,
  Preview,
  PreviewRequest,
  StagedDataset,
} from '../../shared/datasets.js';
import { HeatlabError } from '../../shared/errors.js';
import { generatorInfo, maskOptionsSchema, type GeneratorId, type GeneratorParams, type MaskKind, type MaskOptions } from '../../shared/generators.js';
import type { AnnotationSetsRepository } from '../catalogue/annotation-sets-repository.js';
import type { DatasetsRepository } from '../catalogue/datasets-repository.js';
import { noDeleteGuard, type DeleteGuard } from '../jobs/in-use.js';
import { recordWithFolders } from '../workspace/entity-folder.js';
import { sweepFolders } from '../workspace/sweep.js';
import { readNpy } from '../workspace/npy.js';
import { NpyReader } from '../workspace/npy-stream.js';
import { generatorFor } from './generators/index.js';
import { SOURCES_FILE } from './import/index.js';
import { labelsAndSplits, quantize, renderMasks, synthesize } from './synthesize.js';

interface OpenDataset {
  images: NpyReader;
  params: NpyReader | null;
  index: DatasetIndex;
  sources: (string | null)[] | null;
}

export const datasetsFolder = (workspace: string) => join(workspace, 'data', 'datasets');

/** The workspace-relative path of a dataset's file with this role. */
function fileOf(dataset: Dataset, role: string): string {
  const file = dataset.files.find((f) => f.role === role);
  if (file === undefined) throw new HeatlabError('internal', `Dataset ${dataset.id} has no ${role} file in the catalogue.`);
  return file.path;
}

export class DatasetsService {
  readonly #workspace: string;
  readonly #repo: DatasetsRepository;
  readonly #annotations: AnnotationSetsRepository;
  readonly #version: string;
  readonly #open = new Map<number, OpenDataset>();
  readonly #inUse: DeleteGuard;

  constructor(options: { workspace: string; repo: DatasetsRepository; annotations: AnnotationSetsRepository; version: string; inUse?: DeleteGuard }) {
    this.#inUse = options.inUse ?? noDeleteGuard;
    this.#workspace = options.workspace;
    this.#repo = options.repo;
    this.#annotations = options.annotations;
    this.#version = options.version;
  }

  list(): DatasetSummary[] {
    return this.#repo.list();
  }

  get(id: number): Dataset {
    const dataset = this.#repo.get(id);
    if (dataset === null) throw new HeatlabError('not_found', `There is no dataset ${id}.`);
    return dataset;
  }

  /**
   * Records a staged dataset (and the annotation set imported with it) and moves its folder into
   * place, atomically with the catalogue rows.
   */
  register(staged: StagedDataset, jobId: number | null): { dataset: Dataset; annotationSetId: number | null } {
    const stagingDir = join(this.#workspace, staged.stagingDir);
    const finalPath = (id: number, file: string) => join('data', 'datasets', String(id), file);
    let annotationSetId: number | null = null;
    const id = recordWithFolders((move) => this.#repo.insert(
      {
        name: staged.name,
        source: staged.source,
        generator: staged.generator,
        params: staged.params,
        seed: staged.seed,
        count: staged.count,
        height: staged.height,
        width: staged.width,
        channels: staged.channels,
        dtype: staged.dtype,
        classNames: staged.classNames,
        classCountsBySplit: staged.classCountsBySplit,
        paramColumns: staged.paramColumns,
        maskKinds: staged.maskKinds,
        report: staged.report,
        files: [],
        jobId,
        heatlabVersion: this.#version,
        seconds: staged.seconds,
      },
      (id) => staged.files.map((f) => ({ ...f, path: finalPath(id, f.path) })),
      (id) => {
        if (staged.annotation !== null) {
          const { name, file } = staged.annotation;
          annotationSetId = this.#annotations.insert({ datasetId: id, name, annotator: 'imported', labels: ['region'], source: 'imported' }, [
            { ...file, path: finalPath(id, file.path) },
          ]);
          if (staged.report) this.#repo.setReport(id, { ...staged.report, annotationSetId });
        }
        move(stagingDir, join(datasetsFolder(this.#workspace), String(id)));
      },
    ));
    return { dataset: this.get(id), annotationSetId };
  }

  /** Removes the row first, then the files (DESIGN.md: a row never points at missing files). */
  delete(id: number): void {
    this.get(id);
    this.#inUse.refuseIfInUse({ kind: 'dataset', id });
    this.#close(id);
    this.#repo.delete(id);
    rmSync(join(datasetsFolder(this.#workspace), String(id)), { recursive: true, force: true });
  }

  /** Removes dataset folders without a row (a crash between moving a folder into place and committing its row); staging folders are not numbered, so they stay. */
  sweep(): void {
    sweepFolders(datasetsFolder(this.#workspace), this.#repo.ids());
  }

  rename(id: number, name: string): Dataset {
    this.get(id);
    this.#repo.rename(id, name);
    return this.get(id);
  }

  index(id: number): DatasetIndex {
    return this.#opened(id).index;
  }

  images(id: number, indices: number[]): ImageBatch {
    const dataset = this.get(id);
    this.#checkIndices(dataset, indices);
    const data = this.#opened(id).images.readRows(indices) as Uint8Array | Uint16Array;
    return { shape: [indices.length, dataset.height, dataset.width, dataset.channels], dtype: dataset.dtype, data };
  }

  /** The true classes of some images. */
  labels(id: number, indices: number[]): Int32Array {
    this.#checkIndices(this.get(id), indices);
    const { labels } = this.#opened(id).index;
    return Int32Array.from(indices, (i) => labels[i]!);
  }

  items(id: number, indices: number[]): DatasetItems {
    const dataset = this.get(id);
    this.#checkIndices(dataset, indices);
    const open = this.#opened(id);
    return {
      columns: dataset.paramColumns,
      rows: open.params === null ? new Float64Array(0) : (open.params.readRows(indices) as Float64Array),
      labels: Int32Array.from(indices, (i) => open.index.labels[i]!),
      splits: Uint8Array.from(indices, (i) => open.index.splits[i]!),
      files: indices.map((i) => open.sources?.[i] ?? null),
    };
  }

  /** Generated ground truth, rendered from the recorded per-image parameters. */
  masks(id: number, kind: MaskKind, indices: number[], options: MaskOptions): MaskBatch {
    const dataset = this.get(id);
    this.#checkIndices(dataset, indices);
    if (dataset.generator === null) {
      throw new HeatlabError('invalid_request', `Dataset ${id} was imported, so it has no generated ground truth; use an annotation set instead.`);
    }
    if (!dataset.maskKinds.includes(kind)) {
      throw new HeatlabError('invalid_request', `Dataset ${id} (${generatorInfo[dataset.generator].label}) has no "${kind}" ground truth; it has ${dataset.maskKinds.join(', ')}.`);
    }
    const open = this.#opened(id);
    const labels = Int32Array.from(indices, (i) => open.index.labels[i]!);
    const rows = open.params!.readRows(indices) as Float64Array;
    const data = renderMasks(generatorFor(dataset.generator), dataset.params as GeneratorParams<GeneratorId>, labels, rows, kind, options);
    return { kind, shape: [indices.length, dataset.height, dataset.width], data };
  }

  /** The first `count` images the generator would make with these parameters, with every mask kind. */
  preview(request: PreviewRequest): Preview {
    const id = request.generator;
    const generator = generatorFor(id);
    const params = request.params as GeneratorParams<GeneratorId>;
    const classNames = generator.classNames(params);
    const columns = generator.columns(params);
    const count = Math.min(request.count, params.count);
    const { labels } = labelsAndSplits(params.count, params.split, classNames.length, params.seed);
    const px = params.size * params.size;
    const images = new Uint8Array(count * px);
    const rows = new Float64Array(count * columns.length);
    const pixels = new Float32Array(px);
    for (let k = 0; k < count; k++) {
      rows.set(synthesize(generator, params, labels[k]!, params.seed, k, pixels), k * columns.length);
      quantize(pixels, images.subarray(k * px, (k + 1) * px));
    }
    const first = labels.slice(0, count);
    const options = maskOptionsSchema.parse({});
    const masks: Preview['masks'] = {};
    for (const kind of generatorInfo[id].maskKinds) masks[kind] = renderMasks(generator, params, first, rows, kind, options);
    return {
      generator: id,
      params: params as Record<string, unknown>,
      classNames,
      images: { shape: [count, params.size, params.size, 1], dtype: 'uint8', data: images },
      labels: first,
      masks,
      columns,
      rows,
    };
  }

  close(): void {
    for (const id of [...this.#open.keys()]) this.#close(id);
  }

  #checkIndices(dataset: Dataset, indices: number[]): void {
    const bad = indices.find((i) => i >= dataset.count);
    if (bad !== undefined) throw new HeatlabError('invalid_request', `Image ${bad} is outside dataset ${dataset.id}, which has ${dataset.count} images (0–${dataset.count - 1}).`);
  }

  /** What the compute host needs to read a dataset (training, explaining), from the catalogue. */
  ref(id: number): DatasetRef {
    const d = this.get(id);
    return {
      id: d.id,
      name: d.name,
      count: d.count,
      height: d.height,
      width: d.width,
      channels: d.channels,
      dtype: d.dtype,
      classNames: d.classNames,
      files: { images: fileOf(d, 'images'), labels: fileOf(d, 'labels'), splits: fileOf(d, 'splits') },
    };
  }

  #opened(id: number): OpenDataset {
    const cached = this.#open.get(id);
    if (cached) return cached;
    const dataset = this.get(id);
    const path = (role: string) => join(this.#workspace, fileOf(dataset, role));
    const images = new NpyReader(path('images'));
    const expected: PixelDtype = dataset.dtype;
    if (images.dtype !== expected) throw new HeatlabError('internal', `Dataset ${id}'s images are ${images.dtype}, the catalogue says ${expected}.`);
    const sourcesFile = join(datasetsFolder(this.#workspace), String(id), SOURCES_FILE);
    const open: OpenDataset = {
      images,
      params: dataset.files.some((f) => f.role === 'params') ? new NpyReader(path('params')) : null,
      index: { labels: readNpy(path('labels')).data as Int32Array, splits: readNpy(path('splits')).data as Uint8Array },
      sources: existsSync(sourcesFile) ? (JSON.parse(readFileSync(sourcesFile, 'utf8')) as (string | null)[]) : null,
    };
    this.#open.set(id, open);
    return open;
  }

  #close(id: number): void {
    const open = this.#open.get(id);
    if (!open) return;
    open.images.close();
    open.params?.close();
    this.#open.delete(id);
  }
}
