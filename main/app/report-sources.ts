// The report's catalogue reads (study/report/sources.ts) answered through the typed Api, so the
// command line — and any transport — builds a report from exactly what the Api serves.
import type { Api } from '../../shared/api.js';
import type { ReportSources } from '../study/report/sources.js';
import { unwrap } from './cli-support.js';

export function reportSourcesFromApi(api: Api, version: string): ReportSources {
  return {
    datasets: {
      get: async (id) => unwrap(await api['datasets.get']({ id })),
      index: async (id) => unwrap(await api['datasets.index']({ id })),
      images: async (id, indices) => unwrap(await api['datasets.images']({ id, indices })),
      masks: async (id, kind, indices, options) => unwrap(await api['datasets.masks']({ id, kind, indices, options })),
    },
    annotations: {
      get: async (id) => unwrap(await api['annotations.get']({ id })),
      masks: async (id, indices) => unwrap(await api['annotations.masks']({ id, indices })),
    },
    models: { get: async (id) => unwrap(await api['models.get']({ id })) },
    explanations: {
      get: async (id) => unwrap(await api['explanations.get']({ id })),
      gridIndex: async (ids) => unwrap(await api['explanations.gridIndex']({ ids })),
      heatmaps: async (id, rows) => unwrap(await api['explanations.heatmaps']({ id, rows })),
    },
    evaluations: {
      get: async (id) => unwrap(await api['evaluations.get']({ id })),
      curves: async (id, metric) => unwrap(await api['evaluations.curves']({ id, metric })),
    },
    version,
  };
}
