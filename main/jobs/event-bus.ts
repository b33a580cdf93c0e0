import type { ApiEvents, EventName, Listener } from '../../shared/api.js';

/** Main's typed event bus; every transport forwards its events to its renderers. */
export class EventBus {
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  /** Subscribes to every event; used by transports that forward all of them. */
  onAny(listener: <E extends EventName>(event: E, payload: ApiEvents[E]) => void, events: readonly EventName[]): () => void {
    const offs = events.map((e) => this.on(e, (payload) => listener(e, payload)));
    return () => offs.forEach((off) => off());
  }

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch (err) {
        console.error(`A listener of ${event} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
