// Links from a study to every entity it holds: its datasets and models, each model's runs as one
// heatmap grid (and the models of one dataset side by side), each evaluation, and — where a dataset
// has several models scored the same way — the comparison of those models' evaluations.
import type { StudyMember } from '../../../shared/studies.js';

export interface ModelLinks {
  /** The model's place in the plan, "datasets[0].models[1]". */
  slot: string;
  modelId: number | null;
  /** The model's runs in the plan's method order (those made so far). */
  runIds: number[];
  evaluationIds: number[];
}

export interface DatasetLinks {
  slot: string;
  datasetId: number | null;
  models: ModelLinks[];
  /** Every model's runs together (one grid, a column group per model), when there are two or more models with runs. */
  sideBySide: number[] | null;
  /** Per ground-truth place (evaluations[g]), the evaluations of two or more models on this dataset, to compare. */
  comparisons: { place: number; evaluationIds: number[] }[];
}

const slotPattern = /^datasets\[(\d+)\](?:\.models\[(\d+)\](?:\.explain\.methods\[(\d+)\]|\.evaluations\[(\d+)\])?)?$/;

export function memberLinks(members: readonly StudyMember[], shape: { models: number }[]): DatasetLinks[] {
  const datasets: DatasetLinks[] = shape.map((d, i) => ({
    slot: `datasets[${i}]`,
    datasetId: null,
    models: Array.from({ length: d.models }, (_, m) => ({ slot: `datasets[${i}].models[${m}]`, modelId: null, runIds: [], evaluationIds: [] })),
    sideBySide: null,
    comparisons: [],
  }));
  const runOrder = new Map<number, number>();
  const evalPlace = new Map<number, number>();
  for (const member of members) {
    const match = slotPattern.exec(member.slot);
    const dataset = match ? datasets[Number(match[1])] : undefined;
    if (!match || !dataset) continue;
    const model = match[2] === undefined ? undefined : dataset.models[Number(match[2])];
    if (member.kind === 'dataset' && match[2] === undefined) dataset.datasetId = member.id;
    else if (model && member.kind === 'model' && match[3] === undefined && match[4] === undefined) model.modelId = member.id;
    else if (model && member.kind === 'run' && match[3] !== undefined) {
      model.runIds.push(member.id);
      runOrder.set(member.id, Number(match[3]));
    } else if (model && member.kind === 'evaluation' && match[4] !== undefined) {
      model.evaluationIds.push(member.id);
      evalPlace.set(member.id, Number(match[4]));
    }
  }
  for (const dataset of datasets) {
    for (const model of dataset.models) {
      model.runIds.sort((a, b) => runOrder.get(a)! - runOrder.get(b)!);
      model.evaluationIds.sort((a, b) => evalPlace.get(a)! - evalPlace.get(b)!);
    }
    const withRuns = dataset.models.filter((m) => m.runIds.length > 0);
    if (withRuns.length >= 2) dataset.sideBySide = withRuns.flatMap((m) => m.runIds);
    const places = [...new Set(dataset.models.flatMap((m) => m.evaluationIds.map((id) => evalPlace.get(id)!)))].sort((a, b) => a - b);
    for (const place of places) {
      const ids = dataset.models.flatMap((m) => m.evaluationIds.filter((id) => evalPlace.get(id) === place));
      if (ids.length >= 2) dataset.comparisons.push({ place, evaluationIds: ids });
    }
  }
  return datasets;
}
