// The report's catalogue reads (study/report/sources.ts) answered through the typed Api, so the
// command line — and any transport — builds a report from exactly what the Api serves.
import type { Api } from '../../shared/api.js';
import { HeatlabError, type Result } from '../../shared/errors.js';
import type { ReportSources } from '../study/report/sources.js';

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new HeatlabError(result.error.code, result.error.message, result.error.details);
  return result.value;
}

/** `api` may be given as a function: the composition root makes the report's sources before the router they read. */
export function reportSourcesFromApi(source: Api | (() => Api), version: string): ReportSources {
  const api = (): Api => (typeof source === 'function' ? source() : source);
  return {
    datasets: {
      get: async (id) => unwrap(await api()['datasets.get']({ id })),
      index: async (id) => unwrap(await api()['datasets.index']({ id })),
      images: async (id, indices) => unwrap(await api()['datasets.images']({ id, indices })),
      masks: async (id, kind, indices, options) => unwrap(await api()['datasets.masks']({ id, kind, indices, options })),
    },
    annotations: {
      get: async (id) => unwrap(await api()['annotations.get']({ id })),
      masks: async (id, indices) => unwrap(await api()['annotations.masks']({ id, indices })),
    },
    models: { get: async (id) => unwrap(await api()['models.get']({ id })) },
    explanations: {
      get: async (id) => unwrap(await api()['explanations.get']({ id })),
      gridIndex: async (ids) => unwrap(await api()['explanations.gridIndex']({ ids })),
      heatmaps: async (id, rows) => unwrap(await api()['explanations.heatmaps']({ id, rows })),
    },
    evaluations: {
      get: async (id) => unwrap(await api()['evaluations.get']({ id })),
      curves: async (id, metric) => unwrap(await api()['evaluations.curves']({ id, metric })),
    },
    version,
  };
}
