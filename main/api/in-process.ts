// The in-process transport: the CLI and integration tests call the router directly, with the same
// copying semantics as IPC (structured clone), so nothing can share mutable state with main.
import { methodNames, type Api, type ApiMethods } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';
import type { EventBus } from '../jobs/event-bus.js';
import type { Router } from './router.js';

export function createInProcessApi(router: Router, events: EventBus): Api {
  const methods = Object.fromEntries(
    methodNames.map((name) => [
      name,
      async (request: unknown) => structuredClone(await router.dispatch(name, structuredClone(request))) as Result<unknown>,
    ]),
  ) as unknown as ApiMethods;
  return { ...methods, on: (event, listener) => events.on(event, (payload) => listener(structuredClone(payload))) };
}
