// Every annotation set of the workspace with its progress, grouped by dataset, for the Annotate
// view's list; refreshed when a dataset import (which may bring a set) finishes.
import type { Api } from '../../../shared/api.js';
import type { AnnotationSet } from '../../../shared/annotations.js';
import type { DatasetSummary } from '../../../shared/datasets.js';
import { toApiError } from '../../../shared/errors.js';
import { unwrap } from '../api.js';
import { CatalogueList } from '../catalogue-list.svelte.js';

export class AnnotationCatalogue extends CatalogueList<DatasetSummary & { sets: AnnotationSet[] }> {
  constructor(api: Api) {
    super(
      api,
      async () => {
        const datasets = await api['datasets.list']({});
        if (!datasets.ok) return datasets;
        try {
          const value = await Promise.all(
            datasets.value.map(async (d) => {
              const summaries = unwrap(await api['annotations.list']({ datasetId: d.id }));
              const sets = await Promise.all(summaries.map(async (s) => unwrap(await api['annotations.get']({ id: s.id }))));
              return { ...d, sets: sets.toSorted((a, b) => b.id - a.id) };
            }),
          );
          return { ok: true, value };
        } catch (err) {
          return { ok: false, error: toApiError(err) };
        }
      },
      ['datasets.generate', 'datasets.import'],
    );
  }

  /** All sets, newest first. */
  get sets(): AnnotationSet[] {
    return this.list.flatMap((d) => d.sets).toSorted((a, b) => b.id - a.id);
  }
}
