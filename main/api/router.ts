// One handler table typed from `Api`; every transport calls `dispatch`. Requests are parsed by the
// method's zod schema here, before any service sees them.
import type { z } from 'zod';
import { isMethodName, requestSchemas, type ApiResults, type MethodName, type ParsedRequest } from '../../shared/api.js';
import { HeatlabError, toApiError, type FieldIssue, type Result } from '../../shared/errors.js';

export type Handlers = {
  [M in MethodName]: (request: ParsedRequest<M>) => Promise<ApiResults[M]> | ApiResults[M];
};

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

const typeNames: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'text',
  object: 'an object',
  array: 'a list',
  boolean: 'true or false',
};

function bound(issue: { origin?: string; inclusive?: boolean }, limit: unknown, direction: 'most' | 'least'): string {
  const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
  if (issue.inclusive === false) return `must be ${direction === 'most' ? 'less' : 'more'} than ${String(limit)}${unit}`;
  return `must be at ${direction} ${String(limit)}${unit}`;
}

/** zod issues as "field + what is wrong with it" pairs, in plain words. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = fieldPath(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) issues.push({ path: path ? `${path}.${key}` : key, message: 'is not a known field' });
        break;
      case 'invalid_type':
        issues.push({
          path,
          message: /received undefined/.test(issue.message) ? 'is missing' : `must be ${typeNames[issue.expected] ?? issue.expected}`,
        });
        break;
      case 'too_big':
        issues.push({ path, message: bound(issue, issue.maximum, 'most') });
        break;
      case 'too_small':
        issues.push({ path, message: bound(issue, issue.minimum, 'least') });
        break;
      case 'invalid_value':
        issues.push({ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` });
        break;
      default:
        issues.push({ path, message: `is invalid: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}` });
    }
  }
  return issues;
}

function invalidRequest(method: MethodName, error: z.ZodError): HeatlabError {
  const issues = describeIssues(error);
  const first = issues[0];
  const what = first === undefined || first.path === '' ? `the request ${first?.message ?? 'is invalid'}` : `field "${first.path}" ${first.message}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new HeatlabError('invalid_request', `Invalid ${method} request: ${what}${more}.`, { issues });
}

export class Router {
  readonly #handlers: Handlers;
  readonly #explain: (err: unknown) => unknown;

  /** `explain` may reword what a handler throws before it becomes the error value (e.g. a full disk as a sentence naming it). */
  constructor(handlers: Handlers, explain: (err: unknown) => unknown = (err) => err) {
    this.#handlers = handlers;
    this.#explain = explain;
  }

  async dispatch(method: unknown, request: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `There is no API method ${JSON.stringify(method)}.` } };
    }
    const parsed = requestSchemas[method].safeParse(request ?? {});
    if (!parsed.success) return { ok: false, error: invalidRequest(method, parsed.error).toApiError() };
    try {
      const handler = this.#handlers[method] as (r: unknown) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: toApiError(this.#explain(err)) };
    }
  }
}
