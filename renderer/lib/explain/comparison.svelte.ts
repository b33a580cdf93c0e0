// The runs shown side by side in the Explain grid: their records, every heatmap, the images and
// labels of their rows, and the model's prediction for each row. Runs can be added only when they
// explain the same model on the same dataset images in the same order — then no pixel of a column
// is recomputed, the grid just reads the stored heatmaps.
import type { Api } from '../../../shared/api.js';
import type { ExplanationRun } from '../../../shared/explanations.js';
import { errorText, unwrap } from '../api.js';
import type { Pixels } from '../pixels.js';
import { predictions, type Prediction } from './predictions.js';

/** The grid loads at most this many images per comparison (every heatmap is kept in memory). */
export const MAX_ROWS = 1000;
const CHUNK = 1024;

export interface LoadedRun {
  run: ExplanationRun;
  /** [rows, perImage, H, W] for the loaded rows. */
  heatmaps: Float32Array;
  targets: Int32Array;
}

export interface Column {
  key: string;
  runId: number;
  /** Which of the run's per-image heatmaps (the class, for target "all"). */
  slot: number;
  label: string;
}

export interface ImageRow {
  datasetIndex: number;
  label: number;
  prediction: Prediction;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export class Comparison {
  readonly #api: Api;
  loaded = $state.raw<LoadedRun[]>([]);
  rows = $state.raw<ImageRow[]>([]);
  pixels = $state.raw<Pixels | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  constructor(api: Api) {
    this.#api = api;
  }

  readonly first = $derived(this.loaded[0]?.run ?? null);
  /** Images in the runs; the grid shows the first MAX_ROWS. */
  readonly total = $derived(this.first?.count ?? 0);
  readonly height = $derived(this.first?.height ?? 0);
  readonly width = $derived(this.first?.width ?? 0);
  readonly classNames = $derived(this.first?.classNames ?? []);

  readonly columns: Column[] = $derived(
    this.loaded.flatMap(({ run }) =>
      range(run.perImage).map((slot) => ({
        key: `${run.id}:${slot}`,
        runId: run.id,
        slot,
        label: run.perImage > 1 ? `${run.methodLabel} · ${run.classNames[slot] ?? slot}` : run.methodLabel,
      })),
    ),
  );

  /** Raw relevance of one cell, H×W; null when out of range. */
  cell(row: number, column: number): Float32Array | null {
    const col = this.columns[column];
    const entry = col && this.loaded.find((l) => l.run.id === col.runId);
    if (!col || !entry || row < 0 || row >= this.rows.length) return null;
    const plane = this.height * this.width;
    const start = (row * entry.run.perImage + col.slot) * plane;
    return entry.heatmaps.subarray(start, start + plane);
  }

  async #fetchRun(id: number): Promise<{ entry: LoadedRun; indices: Int32Array; logits: Float32Array }> {
    const run = unwrap(await this.#api['explanations.get']({ id }));
    const rows = Math.min(run.count, MAX_ROWS);
    const plane = run.perImage * run.height * run.width;
    const classes = run.classNames.length;
    const heatmaps = new Float32Array(rows * plane);
    const targets = new Int32Array(rows * run.perImage);
    const indices = new Int32Array(rows);
    const logits = new Float32Array(rows * classes);
    for (let start = 0; start < rows; start += CHUNK) {
      const part = range(Math.min(CHUNK, rows - start)).map((k) => start + k);
      const batch = unwrap(await this.#api['explanations.heatmaps']({ id, rows: part }));
      heatmaps.set(batch.heatmaps, start * plane);
      targets.set(batch.targets, start * run.perImage);
      indices.set(batch.indices, start);
      logits.set(batch.logits, start * classes);
    }
    return { entry: { run, heatmaps, targets }, indices, logits };
  }

  /** Opens the runs; the first decides the images, the others must match it. */
  async open(runIds: number[]): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      if (runIds.length === 0) return;
      // Every run at once, and the grid's state set once: each change would redo every cell's scale.
      const fetched = await Promise.all(runIds.map((id) => this.#fetchRun(id)));
      const { entry, indices, logits } = fetched[0]!;
      const { run } = entry;
      void this.#loadPixels(run.datasetId, indices);
      const index = unwrap(await this.#api['datasets.index']({ id: run.datasetId }));
      for (const other of fetched.slice(1)) this.#check(other.entry.run, other.indices, run, indices);
      const predicted = predictions(logits, run.classNames.length);
      this.rows = Array.from(indices, (datasetIndex, r) => ({ datasetIndex, label: index.labels[datasetIndex] ?? -1, prediction: predicted[r]! }));
      this.loaded = fetched.map((f) => f.entry);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loading = false;
    }
  }

  async #loadPixels(datasetId: number, indices: Int32Array): Promise<void> {
    let shape: [number, number, number, number] | null = null;
    const parts: Pixels[] = [];
    for (let start = 0; start < indices.length; start += CHUNK) {
      const batch = unwrap(await this.#api['datasets.images']({ id: datasetId, indices: Array.from(indices.subarray(start, start + CHUNK)) }));
      parts.push(batch);
      shape = shape ? [shape[0] + batch.shape[0], shape[1], shape[2], shape[3]] : batch.shape;
    }
    if (!shape) return;
    const data = parts[0]!.dtype === 'uint16' ? new Uint16Array(shape.reduce((a, b) => a * b)) : new Uint8Array(shape.reduce((a, b) => a * b));
    let offset = 0;
    for (const p of parts) {
      data.set(p.data, offset);
      offset += p.data.length;
    }
    this.pixels = { shape, dtype: parts[0]!.dtype, data };
  }

  /** Whether a run can join: the same model, dataset and number of images (indices are checked on adding). */
  canJoin(run: { modelId: number; datasetId: number; count: number; id: number; height: number; width: number }): boolean {
    const f = this.first;
    return f !== null && run.id !== f.id && !this.loaded.some((l) => l.run.id === run.id) && run.modelId === f.modelId && run.datasetId === f.datasetId && run.count === f.count && run.height === f.height && run.width === f.width;
  }

  /** Throws unless `run` explains the same model on the same images, in the same order, as `first`. */
  #check(run: ExplanationRun, theirs: Int32Array, first: ExplanationRun, indices: Int32Array): void {
    if (run.modelId !== first.modelId || run.datasetId !== first.datasetId || run.height !== first.height || run.width !== first.width || theirs.length !== indices.length || theirs.some((v, i) => v !== indices[i])) {
      throw new Error(`Run ${run.id} (${run.methodLabel}) explains other images or another model than run ${first.id}, so it cannot be a column of this grid.`);
    }
  }

  async #addLoaded(id: number, indices: Int32Array): Promise<void> {
    const { entry, indices: theirs } = await this.#fetchRun(id);
    const first = this.first;
    if (!first) return;
    this.#check(entry.run, theirs, first, indices);
    this.loaded = [...this.loaded, entry];
  }

  /** Adds an earlier run as columns, after checking it explains the very same images. */
  async add(id: number): Promise<boolean> {
    this.error = null;
    try {
      await this.#addLoaded(id, Int32Array.from(this.rows, (r) => r.datasetIndex));
      return true;
    } catch (err) {
      this.error = errorText(err);
      return false;
    }
  }

  remove(id: number): void {
    if (this.loaded.length > 1) this.loaded = this.loaded.filter((l) => l.run.id !== id);
  }
}
