// Explanation runs that can be evaluated together: one model's heatmaps of the same images of one
// dataset for the same targets. Runs are grouped by what decides those images and targets, so the
// user ticks methods inside one group and never pairs heatmaps of different images.
import { describeSelection, describeTarget, type ExplanationRunSummary, type ImageSelection } from '../../../shared/explanations.js';
import { formatCount } from '../../../shared/format.js';

/** A run with the selection it was made from (explanations.get), when known. */
export type GroupableRun = ExplanationRunSummary & { selection?: ImageSelection };

export interface RunGroup {
  key: string;
  modelId: number;
  datasetId: number;
  datasetName: string | null;
  count: number;
  perImage: number;
  /** In words: dataset, images and target. */
  label: string;
  /** Oldest first, so columns keep the order the methods were run in. */
  runs: GroupableRun[];
}

/** The selection as a stable key: the fields that decide which images, in a fixed order. */
function selectionKey(s: ImageSelection | undefined): string {
  if (!s) return '?';
  if (s.pick === 'indices') return `indices:${(s.indices ?? []).join(',')}`;
  return `${s.pick}:${s.split}:${s.n ?? 'all'}${s.pick === 'random' ? `:${s.seed}` : ''}`;
}

export function groupKey(r: GroupableRun): string {
  return [r.modelId, r.datasetId, r.count, r.perImage, r.height, r.width, JSON.stringify(r.target), selectionKey(r.selection)].join('|');
}

/** Groups of the runs, the group with the newest run first. */
export function groupRuns(runs: readonly GroupableRun[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const r of runs) {
    const key = groupKey(r);
    let g = groups.get(key);
    if (!g) {
      const images = r.selection ? describeSelection(r.selection, [], r.count) : `${formatCount(r.count)} images`;
      const label = `${r.datasetName ?? `dataset ${r.datasetId}`} · ${images} · ${describeTarget(r.target)}`;
      g = { key, modelId: r.modelId, datasetId: r.datasetId, datasetName: r.datasetName, count: r.count, perImage: r.perImage, label, runs: [] };
      groups.set(key, g);
    }
    g.runs.push(r);
  }
  const out = [...groups.values()];
  for (const g of out) g.runs.sort((a, b) => a.id - b.id);
  return out.sort((a, b) => Math.max(...b.runs.map((r) => r.id)) - Math.max(...a.runs.map((r) => r.id)));
}
