// Form fields built from a zod object schema (through its JSON Schema): kind, range, default and
// words for each parameter, and the schema's own issues turned into sentences per field.
import { z } from 'zod';
import type { GeneratorId } from '../../shared/generators.js';
import { paramTerms } from './help/terms.js';
import { paramWords, type ParamWords } from './param-labels.js';
import { formatNumber } from '../../shared/format.js';

interface FieldBase extends ParamWords {
  key: string;
}
export interface NumberField extends FieldBase {
  kind: 'number';
  integer: boolean;
  min: number | undefined;
  max: number | undefined;
  step: number;
  default: number | undefined;
}
export interface BooleanField extends FieldBase {
  kind: 'boolean';
  default: boolean | undefined;
}
export interface ChoiceField extends FieldBase {
  kind: 'choice';
  options: string[];
  default: string | undefined;
}
/** An object of fractions that add up to 1, e.g. the train/validation/test split. */
export interface FractionsField extends FieldBase {
  kind: 'fractions';
  parts: string[];
  default: Record<string, number> | undefined;
}
/** Free text; left empty, the parameter keeps its default (e.g. Grad-CAM's layer: the last convolution). */
export interface TextField extends FieldBase {
  kind: 'text';
  default: string | undefined;
}
export type Field = NumberField | BooleanField | ChoiceField | FractionsField | TextField;

export type JsonSchema = {
  type?: string;
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
};

/** A step that suits the range: whole numbers step by 1, fractions by 0.01 or 0.05. */
function stepFor(integer: boolean, min?: number, max?: number): number {
  if (integer) return 1;
  const span = (max ?? 100) - (min ?? 0);
  return span <= 1 ? 0.01 : span <= 20 ? 0.05 : 0.5;
}

export function fieldsOf(schema: z.ZodType, generator?: GeneratorId): Field[] {
  return fieldsOfJson(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, generator);
}

/**
 * Fields of an object's JSON Schema, as main sends them for explanation methods. Free-text fields
 * only when asked: elsewhere a string without choices is a fixed tag (a layer's `type`), not input.
 * With `terms`, a parameter the glossary explains (ε, baseline, perturbation, …) names its term, so
 * its label shows the explanation on hover and focus; only for method and metric forms, where the
 * keys mean what the glossary says (a leaky ReLU's `alpha` is not LRP's α).
 */
export function fieldsOfJson(json: JsonSchema, generator?: GeneratorId, options: { text?: boolean; terms?: boolean } = {}): Field[] {
  const fields: Field[] = [];
  for (const [key, prop] of Object.entries(json.properties ?? {})) {
    const words = paramWords(key, generator);
    const term = options.terms ? paramTerms[key] : undefined;
    const base = { key, ...words, label: prop.title ?? words.label, help: prop.description ?? words.help, ...(term ? { term } : {}) };
    if (prop.type === 'integer' || prop.type === 'number') {
      const integer = prop.type === 'integer';
      const min = prop.minimum ?? prop.exclusiveMinimum;
      const max = prop.maximum ?? prop.exclusiveMaximum;
      fields.push({ ...base, kind: 'number', integer, min, max, step: stepFor(integer, min, max), default: prop.default as number | undefined });
    } else if (prop.type === 'boolean') {
      fields.push({ ...base, kind: 'boolean', default: prop.default as boolean | undefined });
    } else if (prop.enum) {
      fields.push({ ...base, kind: 'choice', options: prop.enum.map(String), default: prop.default as string | undefined });
    } else if (prop.type === 'object' && prop.properties) {
      fields.push({ ...base, kind: 'fractions', parts: Object.keys(prop.properties), default: prop.default as Record<string, number> | undefined });
    } else if (prop.type === 'string' && options.text && prop.const === undefined) {
      fields.push({ ...base, kind: 'text', default: prop.default as string | undefined });
    }
  }
  return fields;
}

/** The schema's defaults, as editable values (a fresh copy of nested objects). */
export function defaultsOf(fields: Field[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.key, f.kind === 'fractions' ? { ...f.default } : f.default]));
}

/** Empty number inputs give null or undefined, which the schema would quietly replace by the default. */
export function forParsing(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null || v === undefined ? Number.NaN : v]));
}

export function issueSentence(issue: z.core.$ZodIssue, fields: Field[]): string {
  const num = (n: unknown) => (typeof n === 'bigint' || typeof n === 'number' ? formatNumber(n) : String(n));
  switch (issue.code) {
    case 'too_small':
      return issue.inclusive === false ? `Must be more than ${num(issue.minimum)}.` : `Must be at least ${num(issue.minimum)}.`;
    case 'too_big':
      return issue.inclusive === false ? `Must be less than ${num(issue.maximum)}.` : `Must be at most ${num(issue.maximum)}.`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'Enter a whole number.' : issue.expected === 'number' ? 'Enter a number.' : `Expected ${issue.expected}.`;
    case 'not_multiple_of':
      return `Must be a multiple of ${num(issue.divisor)}.`;
    default: {
      // Refinements name fields by key ("radiusMin must not exceed radiusMax"): say their labels.
      let text = issue.message;
      for (const f of fields) text = text.replace(new RegExp(`\\b${f.key}\\b`, 'g'), f.label.toLowerCase());
      return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
    }
  }
}

/** The first issue of each field, keyed by its path cut to `depth` (at 1, an issue of `split.train` belongs to `split`). */
export function issuesByField(error: z.ZodError | undefined, fields: Field[], depth = 1): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error?.issues ?? []) {
    const key = issue.path.slice(0, depth).map(String).join('.');
    out[key] ??= issueSentence(issue, fields);
  }
  return out;
}
