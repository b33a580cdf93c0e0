// Annotation sets in main: creating them (empty, or seeded from a generated ground-truth kind),
// saving one image's mask at a time (each save is its own transaction, so an autosaving editor
// loses at most the stroke in progress), and reading masks for any selection of images — a saved
// mask where there is one, else the set's seed (imported files, a generated kind, or nothing).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AnnotationAgreement, AnnotationSet, AnnotationSetSummary, annotationRequestSchemas, SavedMask } from '../../shared/annotations.js';
import type { MaskKind } from '../../shared/generators.js';
import { agreement } from './agreement.js';
import type { MaskBatch } from '../../shared/datasets.js';
import { maskOptionsSchema } from '../../shared/generators.js';
import { HeatlabError } from '../../shared/errors.js';
import type { z } from 'zod';
import type { AnnotationSetsRepository } from '../catalogue/annotation-sets-repository.js';
import type { DatasetsService } from '../data/datasets-service.js';
import { noDeleteGuard, type DeleteGuard } from '../jobs/in-use.js';
import { NpyReader } from '../workspace/npy-stream.js';

type CreateRequest = z.output<(typeof annotationRequestSchemas)['annotations.create']>;

export class AnnotationSets {
  readonly #workspace: string;
  readonly #repo: AnnotationSetsRepository;
  readonly #datasets: DatasetsService;
  readonly #readers = new Map<number, NpyReader>();

  readonly #inUse: DeleteGuard;

  constructor(workspace: string, repo: AnnotationSetsRepository, datasets: DatasetsService, inUse: DeleteGuard = noDeleteGuard) {
    this.#inUse = inUse;
    this.#workspace = workspace;
    this.#repo = repo;
    this.#datasets = datasets;
  }

  list(datasetId: number): AnnotationSetSummary[] {
    this.#datasets.get(datasetId);
    return this.#repo.forDataset(datasetId);
  }

  get(id: number): AnnotationSet {
    const { files: _files, ...set } = this.#set(id);
    return { ...set, annotated: this.#repo.annotated(id), total: this.#datasets.get(set.datasetId).count };
  }

  /** The size of the set's images (and so of its masks). */
  imageSize(id: number): { width: number; height: number } {
    const { width, height } = this.#datasets.get(this.#set(id).datasetId);
    return { width, height };
  }

  create(request: CreateRequest): AnnotationSet {
    const dataset = this.#datasets.get(request.datasetId);
    const { seed } = request;
    if (seed.kind === 'generated') {
      if (dataset.generator === null) throw new HeatlabError('invalid_request', `Dataset "${dataset.name}" was imported, so it has no generated ground truth to start from.`);
      if (!dataset.maskKinds.includes(seed.mask)) throw new HeatlabError('invalid_request', `Dataset "${dataset.name}" has no "${seed.mask}" ground truth; it has ${dataset.maskKinds.join(', ')}.`);
    }
    const duplicate = request.labels.find((l, i) => request.labels.indexOf(l) !== i);
    if (duplicate !== undefined) throw new HeatlabError('invalid_request', `The label "${duplicate}" is given twice.`);
    const id = this.#repo.insert(
      { datasetId: dataset.id, name: request.name, annotator: request.annotator, labels: request.labels, source: seed.kind === 'generated' ? 'generated' : 'empty' },
      [],
      seed,
    );
    return this.get(id);
  }

  /** Masks [k, H, W]: 0 is background (or not annotated), label index + 1 a marked region. */
  masks(id: number, indices: number[]): MaskBatch & { setId: number } {
    const set = this.#set(id);
    const { height, width, count } = this.#datasets.get(set.datasetId);
    const bad = indices.find((i) => i >= count);
    if (bad !== undefined) throw new HeatlabError('invalid_request', `Image ${bad} is outside annotation set ${id}, whose dataset has ${count} images.`);
    const plane = height * width;
    const data = new Uint8Array(indices.length * plane);
    const unsaved: number[] = [];
    indices.forEach((index, k) => {
      const saved = this.#repo.mask(id, index);
      if (saved === null) unsaved.push(k);
      else data.set(inflateRawSync(saved), k * plane);
    });
    if (unsaved.length > 0) {
      const seeded = this.#seedMasks(set, unsaved.map((k) => indices[k]!));
      unsaved.forEach((k, j) => data.set(seeded.subarray(j * plane, (j + 1) * plane), k * plane));
    }
    return { setId: id, kind: 'object', shape: [indices.length, height, width], data };
  }

  /** Saves image `index`'s whole mask, replacing what was saved before. */
  save(id: number, index: number, mask: Uint8Array): SavedMask {
    const set = this.#set(id);
    const { height, width, count } = this.#datasets.get(set.datasetId);
    if (index >= count) throw new HeatlabError('invalid_request', `Image ${index} is outside annotation set ${id}, whose dataset has ${count} images.`);
    if (mask.length !== height * width) throw new HeatlabError('invalid_request', `A mask for this dataset holds ${height}×${width} = ${height * width} values, not ${mask.length}.`);
    let highest = 0;
    for (let p = 0; p < mask.length; p++) if (mask[p]! > highest) highest = mask[p]!;
    if (highest > set.labels.length) throw new HeatlabError('invalid_request', `The mask uses label ${highest}, and the set has ${set.labels.length} label${set.labels.length === 1 ? '' : 's'} (values 0–${set.labels.length}).`);
    const savedAt = new Date().toISOString();
    const annotated = this.#repo.saveMask(id, index, deflateRawSync(mask, { level: 1 }), savedAt);
    return { setId: id, index, annotated, savedAt };
  }

  /** Forgets image `index`'s saved mask: it shows the set's seed again. */
  revert(id: number, index: number): SavedMask {
    this.#set(id);
    return { setId: id, index, annotated: this.#repo.revertMask(id, index), savedAt: new Date().toISOString() };
  }

  /** IoU and Dice against another set (on the images both annotated) or a generated kind (on this set's annotated images). */
  agreement(id: number, other: { kind: 'set'; id: number } | { kind: 'generated'; mask: Exclude<MaskKind, 'instances'> }, label?: number): AnnotationAgreement {
    const set = this.#set(id);
    let indices = Array.from(this.#repo.annotated(id));
    if (other.kind === 'set') {
      const second = this.#set(other.id);
      if (second.datasetId !== set.datasetId) throw new HeatlabError('invalid_request', `Annotation sets ${id} and ${other.id} are on different datasets, so they cannot be compared.`);
      const theirs = new Set(this.#repo.annotated(other.id));
      indices = indices.filter((i) => theirs.has(i));
    }
    if (indices.length === 0) throw new HeatlabError('invalid_request', other.kind === 'set' ? `Annotation sets ${id} and ${other.id} have no annotated image in common.` : `Annotation set ${id} has no annotated image yet.`);
    const mine = this.masks(id, indices).data;
    const theirs = other.kind === 'set' ? this.masks(other.id, indices).data : this.#datasets.masks(set.datasetId, other.mask, indices, maskOptionsSchema.parse({})).data;
    // A generated ground truth marks its region with 1 whatever label is asked of the set.
    const result = other.kind === 'generated' && label !== undefined ? agreement(Uint8Array.from(mine, (v) => (v === label ? 1 : 0)), theirs, indices.length) : agreement(mine, theirs, indices.length, label);
    return { indices: Int32Array.from(indices), iou: result.iou, dice: result.dice, overall: result.overall };
  }

  rename(id: number, name: string): AnnotationSet {
    this.#set(id);
    this.#repo.rename(id, name);
    return this.get(id);
  }

  /** Removes the row (and its saved masks) first, then its files (DESIGN.md: a row never points at missing files). */
  delete(id: number): void {
    const set = this.#set(id);
    this.#inUse.refuseIfInUse({ kind: 'annotationSet', id });
    this.#readers.get(id)?.close();
    this.#readers.delete(id);
    this.#repo.delete(id);
    for (const f of set.files) rmSync(join(this.#workspace, f.path), { force: true });
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

  #set(id: number) {
    const set = this.#repo.get(id);
    if (set === null) throw new HeatlabError('not_found', `There is no annotation set ${id}.`);
    return set;
  }

  /** The seed's masks of images nobody saved a mask for. */
  #seedMasks(set: NonNullable<ReturnType<AnnotationSetsRepository['get']>>, indices: number[]): Uint8Array {
    const { seed } = set;
    if (seed.kind === 'generated') return this.#datasets.masks(set.datasetId, seed.mask, indices, maskOptionsSchema.parse({})).data;
    if (seed.kind === 'imported') return this.#reader(set).readRows(indices) as Uint8Array;
    const { height, width } = this.#datasets.get(set.datasetId);
    return new Uint8Array(indices.length * height * width);
  }

  #reader(set: NonNullable<ReturnType<AnnotationSetsRepository['get']>>): NpyReader {
    const cached = this.#readers.get(set.id);
    if (cached) return cached;
    const file = set.files.find((f) => f.role === 'masks');
    if (file === undefined) throw new HeatlabError('not_found', `Annotation set ${set.id} has no imported masks.`);
    const reader = new NpyReader(join(this.#workspace, file.path));
    this.#readers.set(set.id, reader);
    return reader;
  }
}
