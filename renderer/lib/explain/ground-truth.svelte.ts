// Ground-truth regions for the rows of a comparison: a generated mask kind of the dataset or an
// annotation set, as one contour per image.
import type { Api } from '../../../shared/api.js';
import type { AnnotationSetSummary } from '../../../shared/annotations.js';
import type { MaskKind } from '../../../shared/generators.js';
import { maskKindLabels } from '../../../shared/mask-kinds.js';
import { errorText, unwrap } from '../api.js';
import { contourOf } from '../heatmap/paint.js';

export interface TruthOption {
  value: string;
  label: string;
}

const CHUNK = 1024;

export class GroundTruth {
  readonly #api: Api;
  options = $state.raw<TruthOption[]>([]);
  /** Contours [rows, H·W] of the chosen source; null when none is chosen or it is loading. */
  contours = $state.raw<Uint8Array[] | null>(null);
  error = $state<string | null>(null);
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

  /** Loads the contours of `choice` for the given dataset indices. */
  async choose(choice: string | null, datasetId: number, indices: number[], height: number, width: number): Promise<void> {
    const request = ++this.#request;
    this.contours = null;
    this.error = null;
    if (choice === null || indices.length === 0) return;
    const [source, key] = choice.split(':') as [string, string];
    try {
      const contours: Uint8Array[] = [];
      for (let start = 0; start < indices.length; start += CHUNK) {
        const part = indices.slice(start, start + CHUNK);
        const batch =
          source === 'mask'
            ? unwrap(await this.#api['datasets.masks']({ id: datasetId, indices: part, kind: key as MaskKind }))
            : unwrap(await this.#api['annotations.masks']({ id: Number(key), indices: part }));
        const plane = height * width;
        for (let k = 0; k < part.length; k++) contours.push(contourOf(batch.data.subarray(k * plane, (k + 1) * plane), height, width));
      }
      if (request === this.#request) this.contours = contours;
    } catch (err) {
      if (request === this.#request) this.error = errorText(err);
    }
  }
}
