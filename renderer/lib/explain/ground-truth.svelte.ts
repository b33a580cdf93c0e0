// Ground-truth regions for the rows of a comparison: a generated mask kind of the dataset or an
// annotation set, as one contour per image.
import type { Api } from '../../../shared/api.js';
import type { AnnotationSetSummary } from '../../../shared/annotations.js';
import type { MaskKind } from '../../../shared/generators.js';
import { maskKindLabels } from '../../../shared/mask-kinds.js';
import { errorText, unwrap } from '../api.js';
import { contourOf } from '../../../shared/heatmap/paint.js';

export interface TruthOption {
  value: string;
  label: string;
}

const CHUNK = 1024;
/** Contours kept from images asked for earlier. */
const KEEP = 4096;

export class GroundTruth {
  readonly #api: Api;
  options = $state.raw<TruthOption[]>([]);
  /** Contours (H·W) of the chosen source by dataset index, for the images asked for so far; null when none is chosen. */
  contours = $state.raw<Map<number, Uint8Array> | null>(null);
  error = $state<string | null>(null);
  #choice: string | null = null;
  #request = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  async loadOptions(datasetId: number): Promise<void> {
    try {
      const dataset = unwrap(await this.#api['datasets.get']({ id: datasetId }));
      const sets: AnnotationSetSummary[] = unwrap(await this.#api['annotations.list']({ datasetId }));
      this.options = [
        ...dataset.maskKinds.map((k) => ({ value: `mask:${k}`, label: `Generated: ${maskKindLabels[k].split(' — ')[0]}` })),
        ...sets.map((s) => ({ value: `annotation:${s.id}`, label: `Annotations: ${s.name}` })),
      ];
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** The contour of one image, or null while it is not loaded (or no source is chosen). */
  of(datasetIndex: number): Uint8Array | null {
    return this.contours?.get(datasetIndex) ?? null;
  }

  /** Loads the contours of `choice` for these dataset indices; those of the same choice loaded before are kept. */
  async choose(choice: string | null, datasetId: number, indices: number[], height: number, width: number): Promise<void> {
    const request = ++this.#request;
    this.error = null;
    if (choice !== this.#choice) {
      this.#choice = choice;
      this.contours = choice === null ? null : new Map();
    }
    const known = this.contours;
    if (choice === null || known === null) return;
    const todo = indices.filter((i) => !known.has(i));
    if (todo.length === 0) return;
    const [source, key] = choice.split(':') as [string, string];
    try {
      // Contours of earlier pages are kept, up to a bound (one is H·W bytes).
      const asked = new Set(indices);
      const found = known.size < KEEP ? new Map(known) : new Map([...known].filter(([i]) => asked.has(i)));
      const plane = height * width;
      for (let start = 0; start < todo.length; start += CHUNK) {
        const part = todo.slice(start, start + CHUNK);
        const batch =
          source === 'mask'
            ? unwrap(await this.#api['datasets.masks']({ id: datasetId, indices: part, kind: key as MaskKind }))
            : unwrap(await this.#api['annotations.masks']({ id: Number(key), indices: part }));
        part.forEach((index, k) => found.set(index, contourOf(batch.data.subarray(k * plane, (k + 1) * plane), height, width)));
      }
      if (request === this.#request) this.contours = found;
    } catch (err) {
      if (request === this.#request) this.error = errorText(err);
    }
  }
}
