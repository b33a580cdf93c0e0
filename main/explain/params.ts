// Parameters of registry entries (explanation methods, metrics): the JSON Schema the UI builds its
// forms from, and parsing a request's values with one sentence for anything wrong.
import { z } from 'zod';
import { HeatlabError } from '../../shared/errors.js';

/** The schema as JSON Schema (inputs: defaults may be left out) and its default values. */
export function schemaInfo(schema: z.ZodType): { params: Record<string, unknown>; defaults: Record<string, unknown> } {
  const { $schema: _schema, ...params } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return { params, defaults: schema.parse({}) as Record<string, unknown> };
}

/** The values with defaults filled in; an unknown or bad parameter of `label` is a bad request in one sentence. */
export function parseParams(label: string, schema: z.ZodType, params: Record<string, unknown>): Record<string, unknown> {
  const known = Object.keys((schemaInfo(schema).params.properties ?? {}) as object);
  const unknown = Object.keys(params).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const has = known.length === 0 ? 'takes no parameters' : `takes ${known.join(', ')}`;
    throw new HeatlabError('invalid_request', `${label} has no parameter "${unknown[0]}" (it ${has}).`);
  }
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HeatlabError('invalid_request', `${label}: parameter "${issue.path.join('.')}" ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}.`);
  }
  return parsed.data as Record<string, unknown>;
}
