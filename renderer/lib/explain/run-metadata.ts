// The runs of a grid as metadata files: CSV with one line per column (run and class), and JSON
// with the full run records, the column order of the exported heatmaps and each row's image.
import type { ExplanationRun } from '../../../shared/explanations.js';
import type { Column, ImageRow } from './comparison.svelte.js';

function csvCell(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function runsCsv(runs: readonly ExplanationRun[], columns: readonly Column[]): string {
  const head = ['column', 'run', 'name', 'method', 'method_label', 'kind', 'slot', 'target', 'params', 'seed', 'model_id', 'model', 'dataset_id', 'dataset', 'images', 'height', 'width', 'min', 'max', 'mean_abs', 'seconds', 'created_at'];
  const lines = columns.map((c, k) => {
    const r = runs.find((x) => x.id === c.runId)!;
    return [k, r.id, r.name, r.method, c.label, r.kind, c.slot, r.target, r.params, r.seed, r.modelId, r.modelName, r.datasetId, r.datasetName, r.count, r.height, r.width, r.stats.min, r.stats.max, r.stats.meanAbs, r.seconds, r.createdAt].map(csvCell).join(',');
  });
  return [head.join(','), ...lines].join('\n') + '\n';
}

export function runsJson(runs: readonly ExplanationRun[], columns: readonly Column[], rows: readonly ImageRow[], classNames: readonly string[], display: Record<string, unknown>): string {
  return JSON.stringify(
    {
      heatmapsNpy: { shape: '[images, columns, height, width]', dtype: 'float32', values: 'raw signed relevance as stored' },
      columns: columns.map((c) => ({ label: c.label, runId: c.runId, slot: c.slot })),
      images: rows.map((r) => ({ datasetIndex: r.datasetIndex, trueClass: classNames[r.label] ?? r.label, predicted: classNames[r.prediction.predicted] ?? r.prediction.predicted, probability: r.prediction.probability })),
      display,
      runs,
    },
    null,
    2,
  );
}

/** Saves through the browser's download (browser mode) or Electron's save dialog. */
export function download(name: string, data: Blob | string | Uint8Array, type: string): void {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
