// Parameter forms of explanation methods, built from the JSON Schema main sends with each method,
// and the checks that keep values inside the schema's ranges before a job is started.
import type { ExplainMethodInfo } from '../../../shared/explanations.js';
import { fieldsOfJson, type Field, type JsonSchema } from '../schema-fields.js';
import { formatNumber } from '../../../shared/format.js';

export function methodFields(method: ExplainMethodInfo): Field[] {
  return fieldsOfJson(method.params as JsonSchema, undefined, { text: true, terms: true });
}

/** Editable values: the schema's defaults, empty where a parameter has none. */
export function initialValues(fields: Field[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.key, f.kind === 'text' ? (f.default ?? '') : f.default]));
}

export interface CheckedParams {
  /** What to send; null while a value is out of range. */
  params: Record<string, unknown> | null;
  /** A sentence per field that is wrong. */
  errors: Record<string, string>;
}

export function checkParams(fields: Field[], values: Record<string, unknown>): CheckedParams {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (f.kind === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) errors[f.key] = f.integer ? 'Enter a whole number.' : 'Enter a number.';
      else if (f.integer && !Number.isInteger(v)) errors[f.key] = 'Enter a whole number.';
      else if (f.min !== undefined && v < f.min) errors[f.key] = `Must be at least ${formatNumber(f.min)}.`;
      else if (f.max !== undefined && v > f.max) errors[f.key] = `Must be at most ${formatNumber(f.max)}.`;
      else params[f.key] = v;
    } else if (f.kind === 'choice') {
      if (typeof v === 'string' && f.options.includes(v)) params[f.key] = v;
      else errors[f.key] = `Choose one of ${f.options.join(', ')}.`;
    } else if (f.kind === 'boolean') {
      params[f.key] = v === true;
    } else if (f.kind === 'text') {
      // Empty keeps the method's own default.
      if (typeof v === 'string' && v.trim() !== '') params[f.key] = v.trim();
    }
  }
  return { params: Object.keys(errors).length === 0 ? params : null, errors };
}
