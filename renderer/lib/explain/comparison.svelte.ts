// The runs shown side by side in the Explain grid: their records, every heatmap, the images and
// labels of their rows, and the model's prediction for each row. Runs can be added only when they
// explain the same model on the same dataset images in the same order — then no pixel of a column
// is recomputed, the grid just reads the stored heatmaps. Rows arrive in chunks, the first small,
// so the grid draws before every heatmap has crossed from main.
import type { Api } from '../../../shared/api.js';
import type { ImageBatch } from '../../../shared/datasets.js';
import type { ExplanationRun, GridRows, HeatmapBatch } from '../../../shared/explanations.js';
import { errorText, unwrap } from '../api.js';
import type { Pixels } from '../pixels.js';
import { FIRST_CHUNK, range, takeGridStart } from './grid-start.js';
import { predictions, type Prediction } from './predictions.js';

/** The grid loads at most this many images per comparison (every heatmap is kept in memory). */
export const MAX_ROWS = 1000;
/** After the first rows (grid-start.ts), chunks small enough to keep frames short. */
const CHUNK = 32;

export interface LoadedRun {
  run: ExplanationRun;
  /** [rows, perImage, H, W] for the loaded rows. */
  heatmaps: Float32Array;
  targets: Int32Array;
  /** One view per (row, slot), made when first asked for: a cell keeps its identity, so what shows it redraws only when it changes. */
  views: (Float32Array | undefined)[];
}

export interface Column {
  key: string;
  runId: number;
  /** Which of the run's per-image heatmaps (the class, for target "all"). */
  slot: number;
  label: string;
  /** A method of a running job whose run is not recorded yet (no heatmaps). */
  pending?: boolean;
}

export interface ImageRow {
  datasetIndex: number;
  label: number;
  prediction: Prediction;
}

/** Resolves after the next frame (at once where there are no frames, as in tests). */
const nextFrame = () => new Promise<void>((resolve) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => resolve()) : resolve()));


export class Comparison {
  readonly #api: Api;
  loaded = $state.raw<LoadedRun[]>([]);
  /** The images loaded so far, in the runs' order. */
  rows = $state.raw<ImageRow[]>([]);
  pixels = $state.raw<Pixels | null>(null);
  /** True until every row of every run is in. */
  loading = $state(false);
  error = $state<string | null>(null);
  /** Opening and adding, one after the other; runs ever asked for by follow(). */
  #queue: Promise<void> = Promise.resolve();
  #followed = new Set<number>();

  constructor(api: Api) {
    this.#api = api;
  }

  readonly first = $derived(this.loaded[0]?.run ?? null);
  /** Images in the runs. */
  readonly total = $derived(this.first?.count ?? 0);
  /** Images the grid will hold once loaded. */
  readonly target = $derived(Math.min(this.total, MAX_ROWS));
  readonly height = $derived(this.first?.height ?? 0);
  readonly width = $derived(this.first?.width ?? 0);
  readonly classNames = $derived(this.first?.classNames ?? []);

  readonly columns: Column[] = $derived(
    this.loaded.flatMap(({ run }) =>
      range(0, run.perImage).map((slot) => ({
        key: `${run.id}:${slot}`,
        runId: run.id,
        slot,
        label: run.perImage > 1 ? `${run.methodLabel} · ${run.classNames[slot] ?? slot}` : run.methodLabel,
      })),
    ),
  );

  /** Each column's run, found once per change of the runs rather than once per cell. */
  readonly #entries = $derived(this.columns.map((col) => this.loaded.find((l) => l.run.id === col.runId)));

  /** Raw relevance of one cell, H×W; null when out of range or not loaded yet. The same array each time. */
  cell(row: number, column: number): Float32Array | null {
    const col = this.columns[column];
    const entry = this.#entries[column];
    if (!col || !entry || row < 0 || row >= this.rows.length) return null;
    const { perImage, height, width } = entry.run;
    const k = row * perImage + col.slot;
    let view = entry.views[k];
    if (!view) entry.views[k] = view = entry.heatmaps.subarray(k * height * width, (k + 1) * height * width);
    return view;
  }

  /** A run's record with room for all its rows. */
  #allocate(run: ExplanationRun): LoadedRun {
    const rows = Math.min(run.count, MAX_ROWS);
    return { run, heatmaps: new Float32Array(rows * run.perImage * run.height * run.width), targets: new Int32Array(rows * run.perImage), views: [] };
  }

  async #get(id: number): Promise<ExplanationRun> {
    return unwrap(await this.#api['explanations.get']({ id }));
  }

  /** Rows [from, to) of every run, with their images, in one call. */
  async #read(ids: number[], from: number, to: number): Promise<GridRows> {
    return unwrap(await this.#api['explanations.gridRows']({ ids, rows: range(from, to) }));
  }

  /** A batch of rows from `from` on into its run's arrays. */
  #fill(entry: LoadedRun, batch: HeatmapBatch, from: number): void {
    const { run } = entry;
    entry.heatmaps.set(batch.heatmaps, from * run.perImage * run.height * run.width);
    entry.targets.set(batch.targets, from * run.perImage);
  }

  /** Throws unless `run` explains the same model on the same images, in the same order, as `first`. */
  #check(run: ExplanationRun, theirs: Int32Array, first: ExplanationRun, indices: ArrayLike<number>): void {
    if (run.modelId !== first.modelId || run.datasetId !== first.datasetId || run.height !== first.height || run.width !== first.width || theirs.length !== indices.length || theirs.some((v, i) => v !== indices[i])) {
      throw new Error(`Run ${run.id} (${run.methodLabel}) explains other images or another model than run ${first.id}, so it cannot be a column of this grid.`);
    }
  }

  /**
   * Opens the runs, then adds as columns those asked for later — a job's runs as each is recorded —
   * without reloading what is shown. A run is followed once: removing it keeps it removed.
   */
  follow(runIds: number[]): Promise<void> {
    const fresh = runIds.filter((id) => !this.#followed.has(id));
    fresh.forEach((id) => this.#followed.add(id));
    if (fresh.length === 0) return this.#queue;
    this.#queue = this.#queue.then(async () => {
      if (this.loaded.length === 0) await this.open(fresh);
      else for (const id of fresh) await this.add(id);
    });
    return this.#queue;
  }

  /** Opens the runs; the first decides the images, the others must match it. */
  async open(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    this.loading = true;
    this.error = null;
    try {
      // The runs' records and their first rows travel together (asked for already, if the address
      // was known before this grid's code ran); each next chunk is asked for while the one before
      // is being shown.
      const start = takeGridStart(this.#api, runIds);
      const load = (from: number, to: number) => {
        const chunk = this.#read(runIds, from, to);
        chunk.catch(() => undefined); // A failure is reported where the chunk is awaited.
        return chunk;
      };
      let next = start.first;
      const entries = (await start.records).map((run) => this.#allocate(run));
      const first = entries[0]!.run;
      const total = Math.min(first.count, MAX_ROWS);
      const end = (from: number) => Math.min(total, from + (from === 0 ? FIRST_CHUNK : CHUNK));
      for (let from = 0; from < total; ) {
        const to = end(from);
        const { batches, images, labels } = await next;
        // The first rows go on screen before the next chunk is asked for: on a busy machine main's
        // reading and sending it would compete with the first paint.
        if (from > 0 && to < total) next = load(to, end(to));
        const { indices, logits } = batches[0]!;
        entries.forEach((e, k) => this.#check(e.run, batches[k]!.indices, first, indices));
        entries.forEach((e, k) => this.#fill(e, batches[k]!, from));
        this.#appendPixels(images, total);
        const predicted = predictions(logits, first.classNames.length);
        // One state change per chunk: each one redoes the scales of every loaded cell.
        this.rows = [...this.rows, ...Array.from(indices, (datasetIndex, r) => ({ datasetIndex, label: labels[r] ?? -1, prediction: predicted[r]! }))];
        if (from === 0) this.loaded = entries;
        else this.loaded = [...this.loaded];
        // Let the rows just added reach the screen before the next chunk's arrival competes with them.
        await nextFrame();
        if (from === 0 && to < total) next = load(to, end(to));
        from = to;
      }
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loading = false;
    }
  }

  /** Adds the pixels of the next rows; the buffer is sized for every row at the first chunk. */
  #appendPixels(batch: ImageBatch, total: number): void {
    const [k, h, w, c] = batch.shape;
    const start = this.rows.length;
    const data = this.pixels?.data ?? (batch.dtype === 'uint16' ? new Uint16Array(total * h * w * c) : new Uint8Array(total * h * w * c));
    data.set(batch.data, start * h * w * c);
    this.pixels = { shape: [start + k, h, w, c], dtype: batch.dtype, data };
  }

  /** Whether a run can join: the same model, dataset and number of images (indices are checked on adding). */
  canJoin(run: { modelId: number; datasetId: number; count: number; id: number; height: number; width: number }): boolean {
    const f = this.first;
    return f !== null && run.id !== f.id && !this.loaded.some((l) => l.run.id === run.id) && run.modelId === f.modelId && run.datasetId === f.datasetId && run.count === f.count && run.height === f.height && run.width === f.width;
  }

  /** Adds an earlier run as columns, after checking it explains the very same images. */
  async add(id: number): Promise<boolean> {
    const first = this.first;
    if (!first || this.loading) return false;
    this.error = null;
    try {
      const entry = this.#allocate(await this.#get(id));
      const indices = Int32Array.from(this.rows, (r) => r.datasetIndex);
      for (let from = 0; from < indices.length; from += CHUNK) {
        const to = Math.min(indices.length, from + CHUNK);
        const [batch] = (await this.#read([id], from, to)).batches;
        this.#check(entry.run, batch!.indices, first, indices.subarray(from, to));
        this.#fill(entry, batch!, from);
      }
      this.loaded = [...this.loaded, entry];
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
