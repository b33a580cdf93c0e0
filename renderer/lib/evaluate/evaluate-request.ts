// The Evaluate form as plain data, what stands in the way of starting it, and the evaluate.start
// request it makes. Metric parameter forms come from each metric's JSON Schema, as the Explain
// view's method forms do.
import type { z } from 'zod';
import type { evaluateRequestSchema, GroundTruth, MetricInfo } from '../../../shared/evaluations.js';
import type { MaskKind } from '../../../shared/generators.js';
import { checkMetricParams, metricFields } from './metric-params.js';

export type GroundTruthChoice = { kind: 'none' } | { kind: 'generated'; mask: Exclude<MaskKind, 'instances'> } | { kind: 'set'; id: number; label: number | null };

export interface EvaluateForm {
  runIds: number[];
  groundTruth: GroundTruthChoice;
  /** Chosen metric ids, in the registry's order. */
  metrics: string[];
  /** Editable parameter values per metric id. */
  values: Record<string, Record<string, unknown>>;
  seed: number | null;
  resamples: number | null;
  name: string;
}

/** Why a metric cannot be chosen with this ground truth, or null when it can. */
export function unavailableReason(metric: MetricInfo, groundTruth: GroundTruthChoice): string | null {
  if (metric.needs.mask && groundTruth.kind === 'none') return 'Needs a ground truth: choose a generated mask kind or an annotation set.';
  return null;
}

export function groundTruthOf(choice: GroundTruthChoice): GroundTruth | undefined {
  if (choice.kind === 'none') return undefined;
  if (choice.kind === 'generated') return { kind: 'generated', mask: choice.mask };
  return choice.label === null ? { kind: 'set', id: choice.id } : { kind: 'set', id: choice.id, label: choice.label };
}

const whole = (v: number | null, min: number, max: number) => v !== null && Number.isInteger(v) && v >= min && v <= max;

/** What stands in the way of starting, as one sentence; null when the form is complete. */
export function formProblem(form: EvaluateForm, metrics: readonly MetricInfo[]): string | null {
  if (form.runIds.length === 0) return 'Choose at least one explanation run.';
  if (form.runIds.length > 32) return 'Choose at most 32 runs.';
  if (form.metrics.length === 0) return 'Choose at least one metric.';
  for (const id of form.metrics) {
    const m = metrics.find((x) => x.id === id);
    if (!m) return `The metric ${id} is not offered any more.`;
    const reason = unavailableReason(m, form.groundTruth);
    if (reason) return `${m.label}: ${reason}`;
    if (checkMetricParams(metricFields(m), form.values[id] ?? {}).params === null) return `Correct the parameters of ${m.label}.`;
  }
  if (!whole(form.seed, 0, 0xffffffff)) return 'Enter a seed (a whole number from 0).';
  if (!whole(form.resamples, 100, 100_000)) return 'Enter the bootstrap resamples (a whole number from 100 to 100,000).';
  return null;
}

/** The request to start, or a thrown sentence. */
export function evaluateRequest(form: EvaluateForm, metrics: readonly MetricInfo[]): z.input<typeof evaluateRequestSchema> {
  const problem = formProblem(form, metrics);
  if (problem) throw new Error(problem);
  const groundTruth = groundTruthOf(form.groundTruth);
  const name = form.name.trim();
  return {
    runIds: form.runIds,
    metrics: form.metrics.map((id) => ({ id, params: checkMetricParams(metricFields(metrics.find((m) => m.id === id)!), form.values[id] ?? {}).params ?? {} })),
    ...(groundTruth ? { groundTruth } : {}),
    seed: form.seed!,
    resamples: form.resamples!,
    ...(name ? { name } : {}),
  };
}
