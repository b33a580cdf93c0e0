// The router: every request is parsed by its method's schema before a handler sees it, and every
// failure comes back as a typed error value a user can read.
import { describe, expect, it } from 'vitest';
import { methodNames, type ApiResults, type MethodName, type ParsedRequest } from '../../shared/api.js';
import { HeatlabError, type ApiError, type Result } from '../../shared/errors.js';
import type { Job } from '../../shared/jobs.js';
import { Router, type Handlers } from '../../main/api/router.js';

const job = (id: number): Job => ({
  id,
  kind: 'engine.check',
  label: 'Engine check',
  status: 'queued',
  params: { seconds: 0 },
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  progress: null,
  error: null,
  result: null,
});

/** Handlers that record what they were given; `override` replaces some of them. */
function routerWith(override: Partial<Handlers> = {}): { router: Router; received: [MethodName, unknown][] } {
  const received: [MethodName, unknown][] = [];
  const record =
    <M extends MethodName>(method: M, answer: (r: ParsedRequest<M>) => ApiResults[M]) =>
    (request: ParsedRequest<M>) => {
      received.push([method, request]);
      return answer(request);
    };
  const unused = Object.fromEntries(
    methodNames.map((m) => [
      m,
      record(m, () => {
        throw new Error(`${m} is not used here`);
      }),
    ]),
  ) as unknown as Handlers;
  const handlers: Handlers = {
    ...unused,
    'jobs.list': record('jobs.list', () => []),
    'jobs.get': record('jobs.get', ({ id }) => job(id)),
    'jobs.cancel': record('jobs.cancel', ({ id }) => job(id)),
    'engine.check': record('engine.check', () => job(1)),
    ...override,
  };
  return { router: new Router(handlers), received };
}

function failure(result: Result<unknown>): ApiError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('Expected a failure.');
  return result.error;
}

describe('validation', () => {
  it('names a missing field and never calls the handler', async () => {
    const { router, received } = routerWith();
    const error = failure(await router.dispatch('jobs.get', {}));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Invalid jobs.get request: field "id" is missing.');
    expect(error.details?.issues).toEqual([{ path: 'id', message: 'is missing' }]);
    expect(received).toEqual([]);
  });

  it('names a field of the wrong type', async () => {
    const { router } = routerWith();
    const error = failure(await router.dispatch('jobs.get', { id: 'seven' }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Invalid jobs.get request: field "id" must be a number.');
    expect(error.details?.issues).toEqual([{ path: 'id', message: 'must be a number' }]);
    const list = failure(await router.dispatch('jobs.list', { status: 'done' }));
    expect(list.message).toBe('Invalid jobs.list request: field "status" must be a list.');
  });

  it('refuses a fractional id as not an integer', async () => {
    const { router } = routerWith();
    const error = failure(await router.dispatch('jobs.cancel', { id: 1.5 }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Invalid jobs.cancel request: field "id" must be an integer.');
  });

  it('names a field out of range, with the bound', async () => {
    const { router } = routerWith();
    const tooBig = failure(await router.dispatch('jobs.list', { limit: 1001 }));
    expect(tooBig.message).toBe('Invalid jobs.list request: field "limit" must be at most 1000.');
    const tooSmall = failure(await router.dispatch('jobs.list', { limit: 0 }));
    expect(tooSmall.message).toBe('Invalid jobs.list request: field "limit" must be at least 1.');
    const negative = failure(await router.dispatch('engine.check', { seconds: -1 }));
    expect(negative.message).toBe('Invalid engine.check request: field "seconds" must be at least 0.');
    expect(failure(await router.dispatch('jobs.get', { id: 0 })).message).toBe('Invalid jobs.get request: field "id" must be at least 1.');
  });

  it('refuses an unknown extra field by name', async () => {
    const { router, received } = routerWith();
    const error = failure(await router.dispatch('jobs.get', { id: 3, verbose: true }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Invalid jobs.get request: field "verbose" is not a known field.');
    expect(error.details?.issues).toEqual([{ path: 'verbose', message: 'is not a known field' }]);
    expect(received).toEqual([]);
  });

  it('names a bad entry of a list by its index and lists the allowed values', async () => {
    const { router } = routerWith();
    const error = failure(await router.dispatch('jobs.list', { status: ['done', 'bogus'] }));
    expect(error.details?.issues?.[0]?.path).toBe('status.1');
    expect(error.message).toMatch(/^Invalid jobs\.list request: field "status\.1" must be one of "queued", "running", "done", "failed", "cancelled", "interrupted"\.$/);
  });

  it('counts the further problems when there are several', async () => {
    const { router } = routerWith();
    const error = failure(await router.dispatch('jobs.list', { limit: 0, status: 'done', extra: 1 }));
    expect(error.details?.issues).toHaveLength(3);
    expect(error.message).toMatch(/\(and 2 more problems\)\.$/);
  });

  it('refuses a request that is not an object', async () => {
    const { router } = routerWith();
    for (const request of ['id=1', 42, [1]]) {
      const error = failure(await router.dispatch('jobs.get', request));
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/^Invalid jobs\.get request: the request must be an object\.$/);
    }
  });

  it('hands the handler the parsed request with defaults filled in', async () => {
    const { router, received } = routerWith();
    expect(await router.dispatch('jobs.list', {})).toEqual({ ok: true, value: [] });
    expect(await router.dispatch('engine.check', undefined)).toEqual({ ok: true, value: job(1) });
    expect(received).toEqual([
      ['jobs.list', { limit: 100 }],
      ['engine.check', { seconds: 0 }],
    ]);
  });
});

describe('methods and handler errors', () => {
  it('answers an unknown method with unknown_method, naming it', async () => {
    const { router, received } = routerWith();
    const error = failure(await router.dispatch('jobs.delete', { id: 1 }));
    expect(error).toEqual({ code: 'unknown_method', message: 'There is no API method "jobs.delete".' });
    expect(failure(await router.dispatch('toString', {})).code).toBe('unknown_method');
    expect(failure(await router.dispatch(undefined, {})).code).toBe('unknown_method');
    expect(received).toEqual([]);
  });

  it('keeps the code, message and details of a HeatlabError a handler throws', async () => {
    const { router } = routerWith({
      'jobs.get': ({ id }) => {
        throw new HeatlabError('not_found', `There is no job ${id}.`, { id });
      },
      'jobs.cancel': async ({ id }) => {
        await Promise.resolve();
        throw new HeatlabError('conflict', `Job ${id} has already finished (done).`);
      },
    });
    expect(failure(await router.dispatch('jobs.get', { id: 12 }))).toEqual({ code: 'not_found', message: 'There is no job 12.', details: { id: 12 } });
    expect(failure(await router.dispatch('jobs.cancel', { id: 4 }))).toEqual({ code: 'conflict', message: 'Job 4 has already finished (done).' });
  });

  it('turns any other throw into internal with its message as a sentence and no stack', async () => {
    const { router } = routerWith({
      'jobs.get': () => {
        throw new TypeError("cannot read properties of undefined (reading 'status')");
      },
      'jobs.cancel': () => Promise.reject(new Error('')),
      'jobs.list': () => {
        throw 'a plain string';
      },
    });
    const typeError = failure(await router.dispatch('jobs.get', { id: 1 }));
    expect(typeError).toEqual({ code: 'internal', message: "Cannot read properties of undefined (reading 'status')." });
    expect(JSON.stringify(typeError)).not.toMatch(/\bat |\.ts:\d+/);
    expect(failure(await router.dispatch('jobs.cancel', { id: 1 }))).toEqual({ code: 'internal', message: 'An unexpected error occurred.' });
    expect(failure(await router.dispatch('jobs.list', {}))).toEqual({ code: 'internal', message: 'A plain string.' });
  });

  it('does not mistake a Node system error code for a Heatlab error code', async () => {
    const { router } = routerWith({
      'jobs.get': () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    });
    expect(failure(await router.dispatch('jobs.get', { id: 1 }))).toEqual({ code: 'internal', message: 'EACCES: permission denied.' });
  });
});
