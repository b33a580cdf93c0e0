// The browser-mode transport: the Api over one WebSocket to main/app/serve.ts. Calls are matched
// to results by id; typed arrays travel as binary frames (shared/wire.ts). The method names come
// from main's hello, so this module imports only types from the contract (no zod at start).
import type { Api, ApiEvents, ApiMethods, EventName, Listener } from './api.js';
import type { Result } from './errors.js';
import { decodeMessage, encodeMessage, wireLimits, type ServerMessage } from './wire.js';

/** The subset of the WebSocket constructor this client needs (the browser's, or `ws` in Node tests). */
export type WebSocketConstructor = new (url: string) => WebSocket;

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WebSocketApi extends Api {
  readonly state: ConnectionState;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

const lost = (): Result<never> => ({
  ok: false,
  error: { code: 'interrupted', message: 'The connection to Heatlab was lost; reload the page once it is running again.' },
});

const size = (bytes: number) => (bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(2)} GiB`);

/** The frame's size in bytes, or a lower bound where that is surely within the limit (measuring a long string costs a copy). */
function frameBytes(frame: string | Uint8Array): number {
  if (typeof frame !== 'string') return frame.byteLength;
  return frame.length * 3 <= wireLimits.messageBytes ? frame.length : new TextEncoder().encode(frame).byteLength;
}

/** Opens the socket and resolves once it is connected; rejects with a sentence if it cannot. */
export function connectWebSocketApi(url: string, WS: WebSocketConstructor = WebSocket): Promise<WebSocketApi> {
  return new Promise((resolve, reject) => {
    const socket = new WS(url);
    socket.binaryType = 'arraybuffer';
    const pending = new Map<number, (result: Result<unknown>) => void>();
    const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
    const stateListeners = new Set<(state: ConnectionState) => void>();
    let state: ConnectionState = 'connecting';
    let nextId = 1;

    const setState = (next: ConnectionState) => {
      state = next;
      for (const l of stateListeners) l(next);
    };

    // Calls past main's in-flight limit wait here, so a view that asks for many things at once is slowed, not refused.
    const waiting: (() => void)[] = [];
    const sendNext = () => {
      while (waiting.length > 0 && pending.size < wireLimits.inFlight) waiting.shift()!();
    };

    const call = (method: string, request: unknown): Promise<Result<unknown>> => {
      if (state !== 'open') return Promise.resolve(lost());
      const id = nextId++;
      const frame = encodeMessage({ t: 'call', id, method, request: request ?? {} });
      const bytes = frameBytes(frame);
      if (bytes > wireLimits.messageBytes) {
        const message = `This ${method} request is ${size(bytes)}, more than the ${wireLimits.messageBytes / 2 ** 20} MiB browser mode carries in one message.`;
        return Promise.resolve({ ok: false, error: { code: 'invalid_request', message } });
      }
      return new Promise((done) => {
        const go = () => {
          if (state !== 'open') return done(lost());
          pending.set(id, done);
          socket.send(frame);
        };
        waiting.push(go);
        sendNext();
      });
    };

    const withMethods = (names: readonly string[]): WebSocketApi => ({
      ...(Object.fromEntries(names.map((m) => [m, (request: unknown) => call(m, request)])) as unknown as ApiMethods),
      get state() {
        return state;
      },
      on<E extends EventName>(event: E, listener: Listener<E>) {
        let set = listeners.get(event);
        if (!set) listeners.set(event, (set = new Set()));
        const l = listener as (payload: unknown) => void;
        set.add(l);
        return () => void set.delete(l);
      },
      onStateChange(listener) {
        stateListeners.add(listener);
        return () => void stateListeners.delete(listener);
      },
      close: () => socket.close(),
    });

    socket.addEventListener('message', (event: MessageEvent) => {
      const message = decodeMessage<ServerMessage>(event.data as string | ArrayBuffer);
      if (message.t === 'hello') {
        setState('open');
        resolve(withMethods(message.methods));
      } else if (message.t === 'result') {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
        sendNext();
      } else if (message.t === 'event') {
        // An event no one listens to (or main's newer one) finds no listeners.
        for (const l of listeners.get(message.name) ?? []) l(message.payload as ApiEvents[typeof message.name]);
      }
    });
    // The 'close' that follows every error reports it; without a listener Node's `ws` would throw instead.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', (event: { reason?: string }) => {
      const wasOpen = state === 'open';
      setState('closed');
      for (const done of pending.values()) done(lost());
      pending.clear();
      for (const go of waiting.splice(0)) go();
      // main says why it closed a connection it accepted (e.g. too many connections) in the close reason.
      if (!wasOpen) reject(new Error(`Could not connect to Heatlab at ${url}${event.reason ? `: ${event.reason.replace(/\.$/, '')}` : ''}.`));
    });
  });
}
