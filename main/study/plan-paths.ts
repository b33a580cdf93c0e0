// A study file's relative paths (imported images and masks, ONNX files, labels files) resolved
// against a folder — the study file's own, or an unpacked bundle's — so a plan can travel with its data.
import { isAbsolute, resolve } from 'node:path';

export function withAbsolutePaths(plan: Record<string, unknown>, folder: string): Record<string, unknown> {
  const absolute = (value: unknown) => (typeof value === 'string' && value !== '' && !isAbsolute(value) ? resolve(folder, value) : value);
  const withPaths = (entry: unknown, keys: string[]) => {
    if (entry === null || typeof entry !== 'object') return entry;
    const copy = { ...(entry as Record<string, unknown>) };
    for (const key of keys) if (key in copy) copy[key] = absolute(copy[key]);
    return copy;
  };
  const datasets = (plan as { datasets?: unknown }).datasets;
  if (!Array.isArray(datasets)) return plan;
  return {
    ...plan,
    datasets: datasets.map((d) => {
      const dataset = withPaths(d, ['path', 'masksPath']);
      const models = (dataset as { models?: unknown } | null)?.models;
      return Array.isArray(models) ? { ...(dataset as object), models: models.map((m) => withPaths(m, ['path', 'labelsFile'])) } : dataset;
    }),
  };
}
