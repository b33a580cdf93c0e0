// The heatmap figure's data: for each dataset, images explained by every run as rows and each
// model's methods as a column group. Runs that explained different images cannot share rows, so
// they are grouped as widely as their images allow: by dataset, else by dataset and model, else by
// image selection (runs of one explanation job always share their images).
import { HeatlabError } from '../../../shared/errors.js';
import type { Dataset } from '../../../shared/datasets.js';
import { explanationRoles, type ExplanationRun } from '../../../shared/explanations.js';
import type { Model } from '../../../shared/models.js';
import type { ReportGroundTruth, ReportHeatmapColumn, ReportHeatmapGrid, ReportImage } from '../../../shared/study-report.js';
import type { ReportSources } from './sources.js';

export interface GridOptions {
  runs: ExplanationRun[];
  models: Model[];
  datasets: Dataset[];
  /** Positions in the group's common image order; default the first `count`. */
  rows: number[] | undefined;
  count: number;
  images(dataset: Dataset, indices: number[]): Promise<ReportImage[]>;
  groundTruth(datasetId: number): ReportGroundTruth | null;
}

interface Indexed {
  run: ExplanationRun;
  indices: Int32Array;
  logits: Float32Array;
}

/** Dataset indices every run of the group explained, in the first run's order. */
function common(group: readonly Indexed[]): number[] {
  const sets = group.slice(1).map((g) => new Set(g.indices));
  return Array.from(group[0]!.indices).filter((i) => sets.every((s) => s.has(i)));
}

function groupBy(runs: readonly Indexed[], key: (r: Indexed) => string): Indexed[][] {
  const groups = new Map<string, Indexed[]>();
  for (const r of runs) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.values()];
}

export async function gatherGrids(sources: ReportSources, options: GridOptions): Promise<ReportHeatmapGrid[]> {
  if (options.runs.length === 0) return [];
  const indexed: Indexed[] = [];
  for (const run of options.runs) indexed.push({ run, ...(await sources.explanations.gridIndex([run.id])) });
  const selection = (r: Indexed) => r.run.files.find((f) => f.role === explanationRoles.indices)?.sha256 ?? String(r.run.id);
  const groupings = [
    groupBy(indexed, (r) => String(r.run.datasetId)),
    groupBy(indexed, (r) => `${r.run.datasetId}:${r.run.modelId}`),
    groupBy(indexed, (r) => `${r.run.datasetId}:${selection(r)}`),
  ];
  const groups = groupings.find((g) => g.every((group) => common(group).length > 0)) ?? groupings[2]!;
  const grids: ReportHeatmapGrid[] = [];
  for (const group of groups) grids.push(await gridOf(sources, group, options));
  return grids;
}

async function gridOf(sources: ReportSources, group: Indexed[], options: GridOptions): Promise<ReportHeatmapGrid> {
  const dataset = options.datasets.find((d) => d.id === group[0]!.run.datasetId)!;
  const shared = common(group);
  const rows = options.rows ?? Array.from({ length: Math.min(options.count, shared.length) }, (_, k) => k);
  const outside = rows.find((r) => !Number.isInteger(r) || r < 0 || r >= shared.length);
  if (outside !== undefined)
    throw new HeatlabError('invalid_request', `The heatmap figure of dataset "${dataset.name}" has ${shared.length} image${shared.length === 1 ? '' : 's'} explained by every run (rows 0–${shared.length - 1}), so it has no row ${outside}.`);
  const indices = rows.map((r) => shared[r]!);
  const modelOrder = (id: number) => options.models.findIndex((m) => m.id === id);
  const ordered = [...group].sort((a, b) => modelOrder(a.run.modelId) - modelOrder(b.run.modelId));
  const columns: ReportHeatmapColumn[] = [];
  for (const { run, indices: runIndices, logits } of ordered) {
    const position = new Map(Array.from(runIndices, (i, row) => [i, row] as const));
    const runRows = indices.map((i) => position.get(i)!);
    const batch = await sources.explanations.heatmaps(run.id, runRows);
    const size = run.height * run.width;
    const classes = logits.length / Math.max(1, run.count);
    const heatmaps = runRows.map((row, k) => {
      // Target "all" gives one map per class: show the predicted class's, as the Explain grid does.
      let pick = 0;
      if (run.perImage > 1) {
        let best = -Infinity;
        for (let c = 0; c < classes; c++) if (logits[row * classes + c]! > best) (best = logits[row * classes + c]!), (pick = c);
        const at = Array.from(batch.targets.subarray(k * run.perImage, (k + 1) * run.perImage)).indexOf(pick);
        pick = Math.max(0, at);
      }
      const start = (k * run.perImage + pick) * size;
      return batch.heatmaps.slice(start, start + size);
    });
    const model = options.models.find((m) => m.id === run.modelId);
    const twin = group.some((g) => g.run.id !== run.id && g.run.modelId === run.modelId && g.run.methodLabel === run.methodLabel);
    columns.push({ runId: run.id, modelId: run.modelId, modelName: model?.name ?? `model ${run.modelId}`, method: run.method, label: twin ? `${run.methodLabel} (run ${run.id})` : run.methodLabel, heatmaps });
  }
  return {
    datasetId: dataset.id,
    datasetName: dataset.name,
    classNames: dataset.classNames,
    groundTruth: options.groundTruth(dataset.id),
    rows,
    images: await options.images(dataset, indices),
    columns,
    height: dataset.height,
    width: dataset.width,
  };
}
