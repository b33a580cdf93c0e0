// Annotation sets in main: listing them and reading their masks for any selection of images.
// (Imported masks arrive here; drawing and editing belong to the Annotate view.)
import { join } from 'node:path';
import type { AnnotationSetSummary } from '../../shared/annotations.js';
import type { MaskBatch } from '../../shared/datasets.js';
import { HeatlabError } from '../../shared/errors.js';
import type { AnnotationSetsRepository } from '../catalogue/annotation-sets-repository.js';
import { NpyReader } from '../workspace/npy-stream.js';

export class AnnotationSets {
  readonly #workspace: string;
  readonly #repo: AnnotationSetsRepository;
  readonly #readers = new Map<number, NpyReader>();

  constructor(workspace: string, repo: AnnotationSetsRepository) {
    this.#workspace = workspace;
    this.#repo = repo;
  }

  list(datasetId: number): AnnotationSetSummary[] {
    return this.#repo.forDataset(datasetId);
  }

  /** Masks [k, H, W]: 0 is background (or not annotated), anything else is a marked region. */
  masks(id: number, indices: number[]): MaskBatch & { setId: number } {
    const reader = this.#reader(id);
    const bad = indices.find((i) => i >= reader.rows);
    if (bad !== undefined) throw new HeatlabError('invalid_request', `Image ${bad} is outside annotation set ${id}, which covers ${reader.rows} images.`);
    const [, height = 0, width = 0] = reader.shape;
    return { setId: id, kind: 'object', shape: [indices.length, height, width], data: reader.readRows(indices) as Uint8Array };
  }

  /** Closes the open files of sets that belong to a dataset about to be deleted. */
  forget(datasetId: number): void {
    for (const set of this.#repo.forDataset(datasetId)) {
      this.#readers.get(set.id)?.close();
      this.#readers.delete(set.id);
    }
  }

  close(): void {
    for (const r of this.#readers.values()) r.close();
    this.#readers.clear();
  }

  #reader(id: number): NpyReader {
    const cached = this.#readers.get(id);
    if (cached) return cached;
    const set = this.#repo.get(id);
    if (set === null) throw new HeatlabError('not_found', `There is no annotation set ${id}.`);
    const file = set.files.find((f) => f.role === 'masks');
    if (file === undefined) throw new HeatlabError('not_found', `Annotation set ${id} has no masks yet.`);
    const reader = new NpyReader(join(this.#workspace, file.path));
    this.#readers.set(id, reader);
    return reader;
  }
}
