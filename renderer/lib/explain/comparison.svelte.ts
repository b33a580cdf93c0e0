// The runs shown side by side in the Explain grid: their records, every image's row (dataset index,
// true class, the first model's prediction) and, for the rows asked for, the heatmaps and images. Runs
// can be added only when they explain the same dataset images in the same order — of the same model,
// or of another one, whose columns then form a group of their own — so no pixel of a column is
// recomputed, the grid just reads the stored heatmaps.
//
// A run may hold 100,000 images: the rows are all known (filters see every image), but heatmaps
// are fetched for the rows the grid asks for (a page of them), in chunks, the first small so the
// grid draws before every heatmap has crossed from main. Rows kept from earlier pages are dropped
// once they would take more memory than two pages.
import type { Api } from '../../../shared/api.js';
import type { ExplanationRun, GridRows } from '../../../shared/explanations.js';
import { errorText, unwrap } from '../api.js';
import { nextFrame } from '../frames.js';
import type { Pixels } from '../pixels.js';
import { FIRST_CHUNK, range, takeGridStart } from './grid-start.js';
import { gridColumns, modelsOf, type GroupedColumn } from './model-groups.js';
import { bytesPerRow, MAX_PAGE, pageSizeFor } from './pages.js';
import { predictions, softmax, type Prediction } from './predictions.js';

/** After the first rows (grid-start.ts), chunks growing to this size: the next screenful soon, then few calls. */
const CHUNK = 32;

export interface LoadedRun {
  run: ExplanationRun;
  /** Per loaded row (position in the runs): one H×W view per heatmap of the row (the class, for target "all"). */
  rows: Map<number, Float32Array[]>;
  /** Per loaded row: the model's logits (its own prediction, when the grid shows several models). */
  logits: Map<number, Float32Array>;
}

/** A column of the grid; `pending` marks a method of a running job whose run is not recorded yet (no heatmaps). */
export type Column = GroupedColumn;

export interface ImageRow {
  datasetIndex: number;
  label: number;
  prediction: Prediction;
}

export class Comparison {
  readonly #api: Api;
  loaded = $state.raw<LoadedRun[]>([]);
  /** Every image of the runs, in their order. */
  rows = $state.raw<ImageRow[]>([]);
  /** Bumped when rows' heatmaps or images arrive or leave: what reads cells reads this too, so it re-derives. */
  version = $state(0);
  /** True while rows asked for are not all in (and while the runs open). */
  loading = $state(false);
  /** How many of the rows last asked for are in. */
  ready = $state(0);
  /** How many rows were last asked for. */
  wanted = $state(0);
  /** Whether any row's heatmaps have arrived yet: until then the grid has nothing to draw but placeholders. */
  started = $state(false);
  error = $state<string | null>(null);
  /** Rows per page, set when the runs open (by their size). */
  pageSize = $state(MAX_PAGE);
  /** Each loaded row's image, [1, H, W, C]. */
  #pixels = new Map<number, Pixels>();
  /** Opening and adding, one after the other; runs ever asked for by follow(). */
  #queue: Promise<void> = Promise.resolve();
  #followed = new Set<number>();
  /** The rows last asked for, and which asking is current (a newer one stops an older one's loading). */
  #want: number[] = [];
  #generation = 0;
  /** The first rows, fetched with the records; taken by the first want() that asks for them. */
  #head: Promise<GridRows> | null = null;

  constructor(api: Api) {
    this.#api = api;
  }

  readonly first = $derived(this.loaded[0]?.run ?? null);
  /** Images in the runs. */
  readonly total = $derived(this.rows.length);
  readonly height = $derived(this.first?.height ?? 0);
  readonly width = $derived(this.first?.width ?? 0);
  readonly classNames = $derived(this.first?.classNames ?? []);

  /** One column per heatmap slot of each run, grouped by model when the runs come from several. */
  readonly columns: Column[] = $derived(gridColumns(this.loaded.map((l) => l.run)));
  /** The models of the runs, in order of first appearance. */
  readonly models = $derived(modelsOf(this.loaded.map((l) => l.run)));

  /** Each column's run, found once per change of the runs rather than once per cell. */
  readonly #entries = $derived(this.columns.map((col) => this.loaded.find((l) => l.run.id === col.runId)));

  /** Raw relevance of one cell (row = position in the runs), H×W; null when out of range or not loaded. The same array each time. */
  cell(row: number, column: number): Float32Array | null {
    void this.version;
    const col = this.columns[column];
    return (col && this.#entries[column]?.rows.get(row)?.[col.slot]) ?? null;
  }

  /** A run's model's prediction for a row (position in the runs), from the logits stored with the run; null while not loaded. */
  predictionOf(row: number, runId: number): Prediction | null {
    void this.version;
    const logits = this.loaded.find((l) => l.run.id === runId)?.logits.get(row);
    if (!logits) return null;
    const p = softmax(logits);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return { predicted: best, probability: p[best]! };
  }

  /** The image of a row (position in the runs), or null while it is not loaded. */
  image(row: number): Pixels | null {
    void this.version;
    return this.#pixels.get(row) ?? null;
  }

  /** Opens the runs; the first decides the images, the others must match it (main checks). */
  async open(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    this.loading = true;
    this.error = null;
    try {
      // The records, every row's index and the first rows travel together (asked for already, if
      // the address was known before this grid's code ran).
      const start = takeGridStart(this.#api, runIds);
      const [records, index] = await Promise.all([start.records, start.index]);
      const first = records[0]!;
      const predicted = predictions(index.logits, first.classNames.length);
      this.pageSize = pageSizeFor(bytesPerRow(records));
      this.rows = Array.from(index.indices, (datasetIndex, r) => ({ datasetIndex, label: index.labels[r] ?? -1, prediction: predicted[r]! }));
      this.loaded = records.map((run) => ({ run, rows: new Map(), logits: new Map() }));
      // The first rows already asked for count as the start of the grid's first page.
      this.#head = start.first;
    } catch (err) {
      this.error = errorText(err);
      this.loading = false;
    }
  }

  /**
   * Loads the heatmaps and images of these rows (positions in the runs) that are not loaded yet, in
   * order, in chunks; a later call supersedes this one. Rows not asked for are dropped when more
   * than two pages are kept.
   */
  async want(rows: number[]): Promise<void> {
    const generation = ++this.#generation;
    this.#want = rows;
    this.wanted = rows.length;
    this.#evict(new Set(rows));
    // Only the runs that lack some of the rows are read (a run just added, say); the images come along.
    const lacking = this.loaded.filter((l) => rows.some((r) => !l.rows.has(r)));
    const missing = rows.filter((r) => !this.#pixels.has(r) || lacking.some((l) => !l.rows.has(r)));
    this.ready = rows.length - missing.length;
    if (missing.length === 0) {
      this.loading = false;
      return;
    }
    this.loading = true;
    this.error = null;
    const ids = (lacking.length > 0 ? lacking : this.loaded).map((l) => l.run.id);
    const head = this.#head;
    this.#head = null;
    const chunks: number[][] = [];
    for (let k = 0, size = FIRST_CHUNK; k < missing.length; k += size, size = Math.min(CHUNK, 2 * size)) chunks.push(missing.slice(k, k + size));
    const read = (positions: number[]) => {
      const headRows = head && ids.length === this.loaded.length && positions.length <= FIRST_CHUNK && positions.every((p, i) => p === i) ? head : null;
      const chunk = headRows ?? this.#api['explanations.gridRows']({ ids, rows: positions }).then(unwrap);
      chunk.catch(() => undefined); // A failure is reported where the chunk is awaited.
      return chunk;
    };
    try {
      let next = read(chunks[0]!);
      for (let k = 0; k < chunks.length; k++) {
        const data = await next;
        if (generation !== this.#generation) return;
        // The first rows go on screen before the next chunk is asked for: on a busy machine main's
        // reading and sending it would compete with the first paint.
        if (k > 0 && k + 1 < chunks.length) next = read(chunks[k + 1]!);
        this.#fill(data, ids);
        this.ready += chunks[k]!.length;
        this.version++;
        this.started = true;
        // Let the rows just added reach the screen before the next chunk's arrival competes with them.
        await nextFrame();
        if (generation !== this.#generation) return;
        if (k === 0 && chunks.length > 1) next = read(chunks[1]!);
      }
      // Runs added while this was loading lack these rows: ask again for what is still missing.
      if (this.#want.some((r) => !this.#has(r))) return this.want(this.#want);
      this.loading = false;
    } catch (err) {
      if (generation !== this.#generation) return;
      this.error = errorText(err);
      this.loading = false;
    }
  }

  #has(row: number): boolean {
    return this.#pixels.has(row) && this.loaded.every((l) => l.rows.has(row));
  }

  /** Keeps a chunk's rows of the runs that are still columns. */
  #fill({ batches, images }: GridRows, ids: number[]): void {
    for (const entry of this.loaded) {
      const batch = batches[ids.indexOf(entry.run.id)];
      if (!batch) continue;
      const { perImage, height, width } = entry.run;
      const plane = height * width;
      const classes = batch.rows.length > 0 ? batch.logits.length / batch.rows.length : 0;
      batch.rows.forEach((row, r) => {
        entry.rows.set(row, range(0, perImage).map((slot) => batch.heatmaps.subarray((r * perImage + slot) * plane, (r * perImage + slot + 1) * plane)));
        entry.logits.set(row, batch.logits.subarray(r * classes, (r + 1) * classes));
      });
    }
    const [, h, w, c] = images.shape;
    const positions = batches[0]!.rows;
    positions.forEach((row, r) => this.#pixels.set(row, { shape: [1, h, w, c], dtype: images.dtype, data: images.data.subarray(r * h * w * c, (r + 1) * h * w * c) }));
  }

  /** Drops the oldest rows not in `keep` while more than two pages are kept. */
  #evict(keep: Set<number>): void {
    const limit = 2 * this.pageSize;
    if (this.#pixels.size <= limit) return;
    let excess = this.#pixels.size - Math.max(limit, keep.size);
    for (const row of this.#pixels.keys()) {
      if (excess <= 0) break;
      if (keep.has(row)) continue;
      this.#pixels.delete(row);
      for (const l of this.loaded) (l.rows.delete(row), l.logits.delete(row));
      excess--;
    }
    this.version++;
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

  /** Whether a run can join: the same dataset and number of images, of any model (main checks the images on adding). */
  canJoin(run: { datasetId: number; count: number; id: number; height: number; width: number }): boolean {
    const f = this.first;
    return f !== null && run.id !== f.id && !this.loaded.some((l) => l.run.id === run.id) && run.datasetId === f.datasetId && run.count === f.count && run.height === f.height && run.width === f.width;
  }

  /** Adds an earlier run as columns, after main checks it explains the very same images; its heatmaps load for the rows asked for. */
  async add(id: number): Promise<boolean> {
    const first = this.first;
    if (!first) return false;
    this.error = null;
    try {
      const [run] = await Promise.all([this.#api['explanations.get']({ id }).then(unwrap), this.#api['explanations.gridIndex']({ ids: [first.id, id] }).then(unwrap)]);
      this.loaded = [...this.loaded, { run, rows: new Map(), logits: new Map() }];
      void this.want(this.#want);
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
