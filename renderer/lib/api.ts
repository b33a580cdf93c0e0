// Picks the transport: Electron's preload exposes `window.heatlab`; in browser mode the same Api
// runs over a WebSocket to the page's own origin (the token travels as a same-site cookie).
import type { Api } from '../../shared/api.js';
import { HeatlabError, type Result } from '../../shared/errors.js';
import { connectWebSocketApi, type ConnectionState } from '../../shared/ws-client.js';

declare global {
  interface Window {
    heatlab?: Api;
  }
}

export interface Connection {
  api: Api;
  transport: 'electron' | 'websocket';
  /** Browser mode only: lets the UI say when main has gone away. */
  onStateChange?: (listener: (state: ConnectionState) => void) => () => void;
}

export async function connect(): Promise<Connection> {
  if (window.heatlab) return { api: window.heatlab, transport: 'electron' };
  const url = new URL('api', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  const api = await connectWebSocketApi(url.href);
  return { api, transport: 'websocket', onStateChange: (l) => api.onStateChange(l) };
}

/** The value of a result, or a thrown HeatlabError carrying the sentence to show. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new HeatlabError(result.error.code, result.error.message, result.error.details);
}

/** A sentence for any error, for the UI. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
