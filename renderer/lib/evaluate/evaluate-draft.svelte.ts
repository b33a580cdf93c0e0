// The Evaluate form's live state: which model, which group of its runs and which of them, the
// ground truth, the metrics with their parameters, seed and bootstrap resamples. One draft lives for
// the app's whole life (`evaluateDraft`), so the form keeps its choices while the user reads a
// metric's Help entry or a result and comes back.
import type { MetricInfo } from '../../../shared/evaluations.js';
import type { MaskKind } from '../../../shared/generators.js';
import { initialValues } from '../explain/method-params.js';
import type { Field } from '../schema-fields.js';
import { evaluateRequest, formProblem, type EvaluateForm, type GroundTruthChoice } from './evaluate-request.js';
import { metricFields } from './metric-params.js';

export class EvaluateDraft {
  modelId = $state<number | null>(null);
  groupKey = $state<string | null>(null);
  runIds = $state<number[]>([]);
  groundTruthKind = $state<GroundTruthChoice['kind']>('none');
  mask = $state<Exclude<MaskKind, 'instances'> | null>(null);
  setId = $state<number | null>(null);
  /** 1 = the set's first label; null = any marked region. */
  setLabel = $state<number | null>(null);
  metrics = $state<string[]>([]);
  values = $state<Record<string, Record<string, unknown>>>({});
  seed = $state<number | null>(1);
  resamples = $state<number | null>(2000);
  name = $state('');

  #fields = new Map<string, Field[]>();

  fields(metric: MetricInfo): Field[] {
    let f = this.#fields.get(metric.id);
    if (!f) this.#fields.set(metric.id, (f = metricFields(metric)));
    return f;
  }

  get groundTruth(): GroundTruthChoice {
    if (this.groundTruthKind === 'generated' && this.mask) return { kind: 'generated', mask: this.mask };
    if (this.groundTruthKind === 'set' && this.setId !== null) return { kind: 'set', id: this.setId, label: this.setLabel };
    return { kind: 'none' };
  }

  get form(): EvaluateForm {
    return { runIds: this.runIds, groundTruth: this.groundTruth, metrics: this.metrics, values: this.values, seed: this.seed, resamples: this.resamples, name: this.name };
  }

  /** Adds or removes a metric, keeping the registry's order. */
  toggle(metric: MetricInfo, on: boolean, order: readonly MetricInfo[]): void {
    this.choose(on ? [...this.metrics, metric.id] : this.metrics.filter((id) => id !== metric.id), order);
  }

  choose(ids: readonly string[], order: readonly MetricInfo[]): void {
    for (const m of order) if (ids.includes(m.id) && !this.values[m.id]) this.values[m.id] = initialValues(this.fields(m));
    this.metrics = order.map((m) => m.id).filter((id) => ids.includes(id));
  }

  problem(metrics: readonly MetricInfo[]): string | null {
    if (this.modelId === null) return 'Choose a model.';
    if (this.groundTruthKind === 'generated' && this.mask === null) return 'Choose a generated mask kind.';
    if (this.groundTruthKind === 'set' && this.setId === null) return 'Choose an annotation set.';
    return formProblem(this.form, metrics);
  }

  request(metrics: readonly MetricInfo[]) {
    return evaluateRequest(this.form, metrics);
  }
}

export const evaluateDraft = new EvaluateDraft();
