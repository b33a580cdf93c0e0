// One annotation set open in the editor: the image shown, its mask being drawn on, the tool
// settings, undo/redo per image, and autosave of every completed stroke.
import type { Api } from '../../../shared/api.js';
import type { AnnotationSet } from '../../../shared/annotations.js';
import type { Dataset } from '../../../shared/datasets.js';
import type { MaskKind } from '../../../shared/generators.js';
import { errorText, unwrap } from '../api.js';
import { imageAt } from '../pixels.js';
import { Autosaver, type SaveState } from './autosave.js';
import { MaskHistory } from './history.js';
import { limitLabels, luma, type Mask } from './raster.js';
import type { Tool } from './tools.js';
import { fitViewport, zoomAt, type Viewport } from './viewport.js';
import { nextUnannotated, worklistOf, worklistStep } from './worklist.js';


/** Images whose undo history is kept (Map order: least recently edited first). */
const HISTORIES = 20;

export class AnnotationEditor {
  readonly id: number;
  /** The explanation run whose images are the worklist; null to step through the whole dataset. */
  readonly runId: number | null;
  readonly #api: Api;
  readonly #saver: Autosaver;
  readonly #histories = new Map<number, MaskHistory>();
  set = $state.raw<AnnotationSet | null>(null);
  dataset = $state.raw<Dataset | null>(null);
  /** The run's images in dataset order, which Next and Previous step through; null without a run. */
  worklist = $state.raw<number[] | null>(null);
  /** The dataset's generated mask of the image shown (0/1), shown faintly while drawing; null when off or none. */
  reference = $state.raw<Uint8Array | null>(null);
  showReference = $state(false);
  error = $state<string | null>(null);
  /** Dataset index of the image shown. */
  index = $state(0);
  /** The image at full resolution, and its grey values for flood fill; null while loading. */
  image = $state.raw<ImageData | null>(null);
  grey: Uint8Array | null = null;
  /** The mask of the image shown, edited in place; `revision` bumps on every change. */
  mask: Mask | null = null;
  revision = $state(0);
  /** Images with a saved mask (from the server, plus those saved here). */
  annotated = $state.raw<ReadonlySet<number>>(new Set());
  saving = $state<SaveState>({ status: 'saved', error: null });
  tool = $state<Tool>('brush');
  size = $state(3);
  /** Label value drawn (1 = the set's first label). */
  label = $state(1);
  opacity = $state(0.55);
  /** Flood fill follows image edges within this grey-level difference; 255 fills by mask only. */
  tolerance = $state(40);
  /** Zoom and pan; null until the canvas fits the image. */
  view = $state.raw<Viewport | null>(null);
  /** The image size the view was last fitted to, and the canvas's size (for zoom buttons). */
  fittedTo = '';
  box = { width: 0, height: 0 };
  canUndo = $state(false);
  canRedo = $state(false);
  #opening = 0;
  #before: Uint8Array | null = null;

  constructor(api: Api, id: number, runId: number | null = null) {
    this.#api = api;
    this.id = id;
    this.runId = runId;
    this.#saver = new Autosaver(
      async (index, mask) => {
        const saved = unwrap(await api['annotations.save']({ id, index, mask }));
        this.annotated = new Set(this.annotated).add(saved.index);
      },
      (state) => (this.saving = state),
    );
  }

  get total(): number {
    return this.set?.total ?? 0;
  }

  async load(index: number): Promise<void> {
    try {
      const set = unwrap(await this.#api['annotations.get']({ id: this.id }));
      this.dataset = unwrap(await this.#api['datasets.get']({ id: set.datasetId }));
      if (this.runId !== null) {
        const run = unwrap(await this.#api['explanations.get']({ id: this.runId }));
        if (run.datasetId !== set.datasetId) throw new Error(`Explanation run ${this.runId} explains another dataset (${run.datasetName ?? run.datasetId}), not this set's.`);
        this.worklist = worklistOf(unwrap(await this.#api['explanations.gridIndex']({ ids: [this.runId] })).indices);
      }
      this.set = set;
      this.annotated = new Set(set.annotated);
      const start = this.worklist && !this.worklist.includes(index) ? (this.worklist[0] ?? 0) : index;
      await this.open(Math.min(Math.max(0, start), set.total - 1));
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** Shows image `index`, saving what was drawn on the one before. */
  async open(index: number): Promise<void> {
    if (!this.set || index < 0 || index >= this.set.total) return;
    void this.#saver.flush();
    const ticket = ++this.#opening;
    this.index = index;
    try {
      const [images, masks] = await Promise.all([
        this.#api['datasets.images']({ id: this.set.datasetId, indices: [index] }),
        this.#api['annotations.masks']({ id: this.id, indices: [index] }),
      ]);
      if (ticket !== this.#opening) return;
      const picture = imageAt(unwrap(images), 0);
      const { shape, data } = unwrap(masks);
      this.image = picture;
      this.grey = luma(picture.data);
      this.mask = { width: shape[2], height: shape[1], data };
      limitLabels(this.mask, this.set.labels.length);
      this.#before = null;
      this.#syncHistory();
      this.revision++;
      this.error = null;
      void this.#loadReference(ticket);
    } catch (err) {
      if (ticket === this.#opening) this.error = errorText(err);
    }
  }

  /** The generated region mask to show faintly: the set's seed kind, else the dataset's first region kind; null for imported data. */
  get referenceKind(): Exclude<MaskKind, 'instances'> | null {
    const d = this.dataset;
    if (!d || d.source !== 'generated') return null;
    if (this.set?.seed.kind === 'generated') return this.set.seed.mask as Exclude<MaskKind, 'instances'>;
    return (d.maskKinds.find((k) => k !== 'instances') as Exclude<MaskKind, 'instances'> | undefined) ?? null;
  }

  /** Shows or hides the dataset's generated mask under the one being drawn. */
  toggleReference(on: boolean): void {
    this.showReference = on;
    if (on) void this.#loadReference(this.#opening);
    else this.reference = null;
  }

  async #loadReference(ticket: number): Promise<void> {
    const kind = this.referenceKind;
    if (!this.showReference || kind === null || !this.set) return void (this.reference = null);
    const r = await this.#api['datasets.masks']({ id: this.set.datasetId, indices: [this.index], kind });
    if (ticket !== this.#opening || !this.showReference) return;
    this.reference = r.ok ? r.value.data : null;
    if (!r.ok) this.error = `The generated mask could not be read: ${r.error.message}`;
  }

  next(step = 1): void {
    if (this.worklist) {
      const to = worklistStep(this.worklist, this.index, step);
      if (to !== null) void this.open(to);
      return;
    }
    void this.open(Math.min(this.total - 1, Math.max(0, this.index + step)));
  }

  /** Whether Next (1) or Previous (−1) leads anywhere: within the worklist, or the dataset. */
  canStep(step: 1 | -1): boolean {
    if (this.worklist) return worklistStep(this.worklist, this.index, step) !== this.index;
    return step > 0 ? this.index < this.total - 1 : this.index > 0;
  }

  /** Images of the worklist (or the dataset) with a saved mask. */
  get annotatedCount(): number {
    return this.worklist ? this.worklist.filter((i) => this.annotated.has(i)).length : this.annotated.size;
  }

  /** The first image after the current one (wrapping round) nobody has saved a mask for, within the worklist when there is one. */
  nextUnannotated(): void {
    if (this.worklist) {
      const to = nextUnannotated(this.worklist, this.index, this.annotated);
      if (to !== null) void this.open(to);
      return;
    }
    for (let k = 1; k <= this.total; k++) {
      const i = (this.index + k) % this.total;
      if (!this.annotated.has(i)) return void this.open(i);
    }
  }

  /** Zooms about the middle of the canvas. */
  zoom(factor: number): void {
    if (this.view) this.view = zoomAt(this.view, factor, { x: this.box.width / 2, y: this.box.height / 2 });
  }

  /** Shows the whole image again. */
  fit(): void {
    if (this.image) this.view = fitViewport(this.image.width, this.image.height, this.box.width, this.box.height);
  }

  /** Starts a drag edit (brush, eraser): remembers the mask for undo. */
  begin(): void {
    if (this.mask) this.#before = this.mask.data.slice();
  }

  /** Call after changing the mask in place during a drag, to redraw it. */
  touch(): void {
    this.revision++;
  }

  /** Ends a drag edit: one undo step and one save if anything changed. */
  end(): void {
    const before = this.#before;
    this.#before = null;
    if (!before || !this.mask) return;
    if (before.every((v, i) => v === this.mask!.data[i])) return;
    this.#commit(before);
  }

  /** A one-step edit (shape, fill, clear): `edit` changes the mask and returns how many pixels it changed. */
  apply(edit: (mask: Mask) => number): void {
    if (!this.mask) return;
    const before = this.mask.data.slice();
    if (edit(this.mask) > 0) this.#commit(before);
  }

  undo(): void {
    this.#step((h, m) => h.undo(m));
  }

  redo(): void {
    this.#step((h, m) => h.redo(m));
  }

  /** Forgets this image's saved mask so it shows the set's seed again (undoable). */
  async revert(): Promise<void> {
    if (!this.mask) return;
    const index = this.index;
    const before = this.mask.data.slice();
    try {
      await this.#saver.flush();
      unwrap(await this.#api['annotations.revert']({ id: this.id, index }));
      const seed = unwrap(await this.#api['annotations.masks']({ id: this.id, indices: [index] })).data;
      const next = new Set(this.annotated);
      next.delete(index);
      this.annotated = next;
      if (index !== this.index || !this.mask) return;
      this.mask.data.set(seed);
      limitLabels(this.mask, this.set!.labels.length);
      this.#history().record(before);
      this.#syncHistory();
      this.revision++;
    } catch (err) {
      this.saving = { status: 'failed', error: `Image ${index} could not be reverted (${errorText(err).replace(/\.$/, '')}).` };
    }
  }

  /** Saves now whatever is waiting (image change, page hidden, retry after a failure). */
  flush(): Promise<boolean> {
    return this.#saver.flush();
  }

  #commit(before: Uint8Array): void {
    this.#history().record(before);
    this.#syncHistory();
    this.revision++;
    this.#saver.schedule(this.index, this.mask!.data);
  }

  #step(move: (history: MaskHistory, current: Uint8Array) => Uint8Array | null): void {
    if (!this.mask) return;
    const target = move(this.#history(), this.mask.data);
    if (!target) return;
    this.mask.data.set(target);
    this.#syncHistory();
    this.revision++;
    this.#saver.schedule(this.index, this.mask.data);
  }

  /** Undo history of the image shown; only the most recently edited images keep theirs. */
  #history(): MaskHistory {
    let history = this.#histories.get(this.index);
    if (history) this.#histories.delete(this.index);
    else history = new MaskHistory(50);
    this.#histories.set(this.index, history);
    if (this.#histories.size > HISTORIES) this.#histories.delete(this.#histories.keys().next().value!);
    return history;
  }

  #syncHistory(): void {
    const history = this.#histories.get(this.index);
    this.canUndo = history?.canUndo ?? false;
    this.canRedo = history?.canRedo ?? false;
  }
}
