// One dataset's page: its facts, the class/split index for filtering, the selection, and the
// loaders that fetch thumbnails and ground-truth masks for whatever the grid shows.
import type { Api } from '../../shared/api.js';
import type { AnnotationSetSummary } from '../../shared/annotations.js';
import type { Dataset, DatasetIndex } from '../../shared/datasets.js';
import { errorText, unwrap } from './api.js';
import { annotationSources, generatedSources, OverlaySettings, parseSource, type OverlaySource } from './overlay.svelte.js';
import { PagedLoader } from './paged-loader.svelte.js';
import { imageAt, maskAt, maskPicture, shrinkFactor } from './pixels.js';

/** Thumbnails are kept at most this many pixels on a side (box-averaged from larger images). */
const THUMB_SIDE = 96;
/** Memory for cached thumbnails, and the pixel bytes one request may ask for. */
const CACHE_BYTES = 64 * 2 ** 20;
const PAGE_BYTES = 8 * 2 ** 20;

export class DatasetBrowser {
  readonly id: number;
  readonly #api: Api;
  dataset = $state.raw<Dataset | null>(null);
  index = $state.raw<DatasetIndex | null>(null);
  error = $state<string | null>(null);
  /** Class label to show, or -1 for all. */
  classFilter = $state(-1);
  /** Split code to show, or -1 for all. */
  splitFilter = $state(-1);
  /** Dataset index of the selected image. */
  selected = $state<number | null>(null);
  readonly overlay = new OverlaySettings(false);
  images = $state.raw<PagedLoader<ImageBitmap> | null>(null);
  #masks = $state.raw<Map<string, PagedLoader<ImageBitmap>>>(new Map());
  /** What can be drawn over the images: generated mask kinds, then annotation sets. */
  sources = $state.raw<OverlaySource[]>([]);
  /** How much thumbnails are shrunk (1: full resolution). */
  factor = $state(1);

  /** Dataset indices that pass the filters, in order. */
  readonly filtered = $derived.by(() => {
    const index = this.index;
    if (!index) return new Int32Array(0);
    const { labels, splits } = index;
    const c = this.classFilter;
    const s = this.splitFilter;
    const out = new Int32Array(labels.length);
    let k = 0;
    for (let i = 0; i < labels.length; i++) if ((c < 0 || labels[i] === c) && (s < 0 || splits[i] === s)) out[k++] = i;
    return out.subarray(0, k);
  });

  constructor(api: Api, id: number) {
    this.#api = api;
    this.id = id;
    void this.load();
  }

  /** The mask loader for the overlay now shown, or null when the overlay is off. */
  get masks(): PagedLoader<ImageBitmap> | null {
    return this.overlay.on ? (this.#masks.get(this.overlay.source) ?? null) : null;
  }

  /** Masks [k, H, W] of one overlay source for some images. */
  async fetchMasks(source: string, indices: number[]): Promise<Uint8Array> {
    const what = parseSource(source);
    const result = 'setId' in what ? await this.#api['annotations.masks']({ id: what.setId, indices }) : await this.#api['datasets.masks']({ id: this.id, kind: what.kind, indices });
    return unwrap(result).data;
  }

  className(label: number): string {
    return this.dataset?.classNames[label] ?? String(label);
  }

  async load(): Promise<void> {
    try {
      const [dataset, index, sets] = await Promise.all([
        this.#api['datasets.get']({ id: this.id }),
        this.#api['datasets.index']({ id: this.id }),
        this.#api['annotations.list']({ datasetId: this.id }),
      ]);
      this.#start(unwrap(dataset), unwrap(index), unwrap(sets));
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async rename(name: string): Promise<string | null> {
    const result = await this.#api['datasets.rename']({ id: this.id, name });
    if (!result.ok) return result.error.message;
    this.dataset = result.value;
    return null;
  }

  async remove(): Promise<string | null> {
    const result = await this.#api['datasets.delete']({ id: this.id });
    return result.ok ? null : result.error.message;
  }

  #start(dataset: Dataset, index: DatasetIndex, sets: AnnotationSetSummary[]): void {
    const { id, height: h, width: w, channels: c } = dataset;
    const factor = shrinkFactor(h, w, THUMB_SIDE);
    const thumbBytes = Math.ceil(h / factor) * Math.ceil(w / factor) * 4;
    const capacity = Math.max(1000, Math.floor(CACHE_BYTES / thumbBytes));
    const pageSize = Math.max(1, Math.min(512, Math.floor(PAGE_BYTES / (h * w * c * (dataset.dtype === 'uint16' ? 2 : 1)))));
    const api = this.#api;
    this.images = new PagedLoader(
      async (indices) => {
        const batch = unwrap(await api['datasets.images']({ id, indices }));
        return Promise.all(indices.map((_, k) => createImageBitmap(imageAt(batch, k, factor))));
      },
      { capacity, pageSize, dispose: (bitmap) => bitmap.close() },
    );
    const masks = new Map<string, PagedLoader<ImageBitmap>>();
    const [th, tw] = [Math.ceil(h / factor), Math.ceil(w / factor)];
    const sources = [...generatedSources(dataset.generator ? dataset.maskKinds : []), ...annotationSources(sets)];
    for (const { value } of sources) {
      const loader = new PagedLoader(
        async (indices) => {
          const data = await this.fetchMasks(value, indices);
          return Promise.all(indices.map((_, k) => createImageBitmap(maskPicture(maskAt(data, k, h, w, factor), tw, th, value === 'instances'))));
        },
        { capacity, pageSize: Math.min(512, pageSize * c), dispose: (bitmap) => bitmap.close() },
      );
      masks.set(value, loader);
    }
    this.#masks = masks;
    this.sources = sources;
    this.overlay.keepValid(sources);
    this.factor = factor;
    this.dataset = dataset;
    this.index = index;
  }
}
