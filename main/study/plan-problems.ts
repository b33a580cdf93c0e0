// A bad plan is one sentence naming the bad part: "Study plan: methods[2] "lrp-epsilon" has epsilon
// -1; it must be at least 0." These helpers turn zod issues and paths into those words.
import { z } from 'zod';
import { HeatlabError } from '../../shared/errors.js';

/** ['datasets', 0, 'models', 1, 'training'] → "datasets[0].models[1].training". */
export function slotOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out;
}

/** A value as a sentence shows it: numbers and true/false plainly, text quoted, anything else as JSON. */
export function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const typeNames: Record<string, string> = { number: 'a number', int: 'a whole number', string: 'text', object: 'an object', array: 'a list', boolean: 'true or false' };

function unit(origin: unknown): string {
  return origin === 'array' ? ' items' : origin === 'string' ? ' characters' : '';
}

/** What the rule an issue broke asks for: "must be at least 1", "must be one of "grid", "greedy"". */
function rule(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return issue.inclusive === false ? `must be more than ${String(issue.minimum)}${unit(issue.origin)}` : `must be at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'too_big':
      return issue.inclusive === false ? `must be less than ${String(issue.maximum)}${unit(issue.origin)}` : `must be at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? shown(issue.values[0]) : `one of ${issue.values.map(shown).join(', ')}`}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      return options === undefined ? 'is not one of the allowed forms' : `must be one of ${options.map(shown).join(', ')}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default: {
      const message = issue.message.replace(/\.$/, '');
      return message.charAt(0).toLowerCase() + message.slice(1);
    }
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** One issue as "<where> <what is wrong>", where is the slot of `prefix` + the issue's path. */
export function issueWords(issue: z.core.$ZodIssue, input: unknown, prefix: readonly PropertyKey[] = []): string {
  if (issue.code === 'unrecognized_keys') return `${slotOf([...prefix, ...issue.path, issue.keys[0]!])} is not a known field`;
  const where = slotOf([...prefix, ...issue.path]);
  const value = valueAt(input, issue.path);
  const subject = where === '' ? 'the plan' : where;
  if (value === undefined && issue.code === 'invalid_type') return `${subject} is missing`;
  if (issue.code === 'custom') return `${subject}: ${rule(issue)}`;
  if (value === undefined || typeof value === 'object') return `${subject} ${rule(issue)}`;
  return `${subject} is ${shown(value)}; it ${rule(issue)}`;
}

/** The refusal of a plan: "Study plan: <what>." */
export function planProblem(what: string, details?: Record<string, unknown>): HeatlabError {
  const text = what.replace(/[.\s]+$/, '');
  return new HeatlabError('invalid_request', `Study plan: ${text}.`, details);
}

/** Parses `value` with `schema`, or throws the first issue as the plan's problem at `prefix`. */
export function parseAt<S extends z.ZodType>(schema: S, value: unknown, prefix: readonly PropertyKey[]): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw planProblem(issueWords(parsed.error.issues[0]!, value, prefix), { path: slotOf(prefix) });
}

/** A registry entry's parameters with defaults filled in, or the sentence naming the bad one: `methods[2] "lrp-epsilon" has epsilon -1; it must be at least 0`. */
export function parseEntryParams(slot: string, id: string, schema: z.ZodType, params: Record<string, unknown>): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown> };
  const known = Object.keys(json.properties ?? {});
  const unknown = Object.keys(params).find((k) => !known.includes(k));
  if (unknown !== undefined) {
    const takes = known.length === 0 ? 'takes no parameters' : `takes ${known.join(', ')}`;
    throw planProblem(`${slot} "${id}" has no parameter "${unknown}" (it ${takes})`, { path: slot });
  }
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0]!;
  const key = slotOf(issue.path);
  const value = valueAt(params, issue.path);
  if (key === '' || issue.code === 'custom') throw planProblem(`${slot} "${id}": ${rule(issue)}`, { path: slot });
  if (value === undefined) throw planProblem(`${slot} "${id}" needs ${key}`, { path: slot });
  throw planProblem(`${slot} "${id}" has ${key} ${shown(value)}; it ${rule(issue)}`, { path: slot });
}
