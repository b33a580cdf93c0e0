// Parameter forms of metrics, from the JSON Schema main sends with each: as the Explain view's
// method forms, and also numbers a metric may leave unset (an optional count, or a nullable value
// whose null means "decide from the data"), which stay empty in the form and are not sent.
import type { MetricInfo } from '../../../shared/evaluations.js';
import { checkParams, type CheckedParams } from '../explain/method-params.js';
import { fieldsOfJson, type Field, type JsonSchema } from '../schema-fields.js';

type Property = JsonSchema & { anyOf?: JsonSchema[] };

/** A nullable number ({ anyOf: [number, null] }) as the plain number it is when set. */
function unwrapNullable(p: Property): Property {
  const number = p.anyOf?.find((s) => s.type === 'number' || s.type === 'integer');
  if (!number || !p.anyOf?.some((s) => s.type === 'null')) return p;
  return { ...number, title: p.title, description: p.description };
}

export function metricFields(metric: MetricInfo): Field[] {
  const json = metric.params as JsonSchema & { properties?: Record<string, Property> };
  const properties = Object.fromEntries(Object.entries(json.properties ?? {}).map(([k, p]) => [k, unwrapNullable(p)]));
  return fieldsOfJson({ ...json, properties }, undefined, { text: true, terms: true });
}

/** A number the schema gives no default for may be left empty. */
const mayBeEmpty = (f: Field) => f.kind === 'number' && f.default === undefined;
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));

export function checkMetricParams(fields: Field[], values: Record<string, unknown>): CheckedParams {
  const set = fields.filter((f) => !(mayBeEmpty(f) && isEmpty(values[f.key])));
  return checkParams(set, values);
}
