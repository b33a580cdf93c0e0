// The metrics as the API lists them (parameters as JSON Schema, for the Evaluate view's forms) and
// as a request names them (an unknown id or parameter is one sentence).
import { HeatlabError } from '../../shared/errors.js';
import type { MetricInfo } from '../../shared/evaluations.js';
import { parseParams, schemaInfo } from '../explain/params.js';
import type { Metric } from './metric.js';
import { metricById, metrics } from './registry.js';

export function metricInfo(m: Metric): MetricInfo {
  return { id: m.id, label: m.label, family: m.family, citation: m.citation, higherIsBetter: m.higherIsBetter, needs: m.needs, curve: m.curve === true, ...schemaInfo(m.params) };
}

export function resolveMetric(id: string, params: Record<string, unknown>): { metric: Metric; params: Record<string, unknown> } {
  const metric = metricById(id);
  if (metric === undefined) throw new HeatlabError('invalid_request', `There is no metric "${id}"; the metrics are ${metrics.map((m) => m.id).join(', ')}.`);
  return { metric, params: parseParams(metric.label, metric.params, params) };
}
