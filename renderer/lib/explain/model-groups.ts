// The Explain grid's columns when its runs come from several models: grouped by model (in the
// order the models first appear), each group a header naming the model over its methods' columns,
// and each column told which method it shows, so one method can share a colour scale across models.
import type { ExplanationRun } from '../../../shared/explanations.js';

/** A grid column: one heatmap slot of one run. */
export interface GroupedColumn {
  key: string;
  runId: number;
  /** Which of the run's per-image heatmaps (the class, for target "all"). */
  slot: number;
  /** The full label: "Model · Method" when the grid has several models, else the method. */
  label: string;
  /** The method (and class) alone, under its model's header. */
  method?: string;
  /** The model's label when the grid has several models, else null. */
  group?: string | null;
  modelId?: number;
  /** The same for one method with the same parameters and slot on any model. */
  methodKey?: string;
  pending?: boolean;
}

type RunFacts = Pick<ExplanationRun, 'id' | 'modelId' | 'modelName' | 'method' | 'methodLabel' | 'params' | 'perImage' | 'classNames'>;

/** Each model of the runs, in order of first appearance, labelled by name (with its id when two share one). */
export function modelsOf(runs: readonly Pick<RunFacts, 'modelId' | 'modelName'>[]): { modelId: number; label: string }[] {
  const models: { modelId: number; name: string }[] = [];
  for (const r of runs) if (!models.some((m) => m.modelId === r.modelId)) models.push({ modelId: r.modelId, name: r.modelName ?? `Model ${r.modelId}` });
  return models.map((m) => ({ modelId: m.modelId, label: models.some((o) => o !== m && o.name === m.name) ? `${m.name} (model ${m.modelId})` : m.name }));
}

/** Key of a method with its parameters (keys sorted) and slot. */
export function methodKey(run: Pick<RunFacts, 'method' | 'params'>, slot: number): string {
  const params = Object.keys(run.params)
    .sort()
    .map((k) => `${k}=${JSON.stringify(run.params[k])}`)
    .join('&');
  return `${run.method}?${params}#${slot}`;
}

/** A method of a running job whose run is not recorded yet: an empty column (one per class for target "all") in its model's group. */
export interface PendingMethod {
  label: string;
  modelId: number;
  modelName: string | null;
  perImage: number;
  classNames: readonly string[];
}

/**
 * The columns of these runs, and empty ones for the pending methods of running jobs: one per heatmap
 * slot, grouped by model when there are several, each model's recorded runs before its pending ones.
 */
export function gridColumns(runs: readonly RunFacts[], pending: readonly PendingMethod[] = []): GroupedColumn[] {
  const models = modelsOf([...runs, ...pending]);
  const grouped = models.length > 1;
  const slotLabel = (label: string, perImage: number, classNames: readonly string[], slot: number) => (perImage > 1 ? `${label} · ${classNames[slot] ?? slot}` : label);
  return models.flatMap((model) => {
    const group = grouped ? model.label : null;
    const full = (method: string) => (group === null ? method : `${group} · ${method}`);
    const recorded = runs
      .filter((r) => r.modelId === model.modelId)
      .flatMap((run) =>
        Array.from({ length: run.perImage }, (_, slot) => {
          const method = slotLabel(run.methodLabel, run.perImage, run.classNames, slot);
          return { key: `${run.id}:${slot}`, runId: run.id, slot, label: full(method), method, group, modelId: run.modelId, methodKey: methodKey(run, slot) };
        }),
      );
    const waiting = pending.flatMap((p, k) =>
      p.modelId !== model.modelId
        ? []
        : Array.from({ length: p.perImage }, (_, slot) => {
            const method = slotLabel(p.label, p.perImage, p.classNames, slot);
            return { key: `pending:${k}:${slot}`, runId: 0, slot, label: full(method), method, group, modelId: p.modelId, pending: true };
          }),
    );
    return [...recorded, ...waiting];
  });
}

/** Contiguous spans of columns of one model, for the header naming each model over its columns; none for a grid of one model. */
export function columnGroups(columns: readonly Pick<GroupedColumn, 'group'>[]): { label: string; start: number; end: number }[] {
  const spans: { label: string; start: number; end: number }[] = [];
  columns.forEach((c, j) => {
    if (c.group === null || c.group === undefined) return;
    const last = spans.at(-1);
    if (last !== undefined && last.label === c.group && last.end === j) last.end = j + 1;
    else spans.push({ label: c.group, start: j, end: j + 1 });
  });
  return spans;
}
