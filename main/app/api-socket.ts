// Browser mode's Api over WebSockets, for connections serve.ts has already authenticated. Whatever a
// client sends — a malformed frame, a message over the limit, too many calls — ends at most that
// client's connection with a reason; it never reaches the process (DESIGN.md, "Security and offline
// promise": every connection's failure ends that connection, never the process).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { eventNames, methodNames } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';
import { decodeMessage, encodeMessage, wireLimits, type ClientMessage, type ServerMessage } from '../../shared/wire.js';
import type { EventBus } from '../jobs/event-bus.js';
import type { Router } from '../api/router.js';

type SocketLimits = { [K in keyof typeof wireLimits]: number };

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MiB`;

/**
 * ws closes a connection whose frames break the protocol with the status code alone (1002, 1007,
 * 1008, 1009) before it emits 'error'; this subclass adds the reason, so the client learns which
 * rule or limit it broke.
 */
function socketClass(limits: SocketLimits): typeof WebSocket {
  const reasons: Record<number, string> = {
    1002: 'The frame breaks the WebSocket protocol.',
    1007: 'A text message was not valid UTF-8.',
    1008: 'A message came in too many pieces.',
    1009: `Messages to Heatlab are limited to ${mib(limits.messageBytes)}.`,
  };
  return class ReasonedSocket extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      super.close(code, data ?? (code === undefined ? undefined : reasons[code]));
    }
  };
}

export interface ApiSocketServer {
  /** Takes over an authenticated upgrade request. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Connections open or being opened. */
  readonly connections: number;
  close(): void;
}

export function createApiSocketServer(router: Router, events: EventBus, limits: SocketLimits = wireLimits): ApiSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.messageBytes, WebSocket: socketClass(limits) });
  let connections = 0;

  const send = (ws: WebSocket, message: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    // A client that stops reading would otherwise make main hold every answer and event it is sent.
    if (ws.bufferedAmount > limits.sendBacklogBytes) {
      console.error(`Heatlab dropped a WebSocket connection that left ${mib(ws.bufferedAmount)} of answers unread (the limit is ${mib(limits.sendBacklogBytes)}).`);
      ws.terminate();
      return;
    }
    ws.send(encodeMessage(message));
  };

  const serve = (ws: WebSocket) => {
    // Unhandled, ws's 'error' (a malformed frame, an oversized message) would be thrown and end the process.
    ws.on('error', (err: Error) => console.error(`Heatlab closed a WebSocket connection: ${err.message}.`));
    send(ws, { t: 'hello', methods: methodNames });
    const off = events.onAny((name, payload) => send(ws, { t: 'event', name, payload }), eventNames);
    ws.on('close', off);
    let inFlight = 0;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      let message: ClientMessage;
      try {
        message = decodeMessage<ClientMessage>(isBinary ? new Uint8Array(data) : data.toString('utf8'));
        if (message.t !== 'call' || typeof message.id !== 'number') throw new Error('not a call');
      } catch {
        ws.close(1003, 'Malformed message.');
        return;
      }
      const { id } = message;
      if (inFlight >= limits.inFlight) {
        const refused: Result<never> = { ok: false, error: { code: 'busy', message: `This connection already has ${limits.inFlight} calls waiting for an answer; send more once some are answered.` } };
        send(ws, { t: 'result', id, result: refused });
        return;
      }
      inFlight++;
      void router
        .dispatch(message.method, message.request)
        .then((result) => send(ws, { t: 'result', id, result }))
        // A result that cannot be encoded is that call's failure, not an unhandled rejection that would end the process.
        .catch((err: unknown) => {
          console.error(`Heatlab could not send the answer to ${String(message.method)}: ${err instanceof Error ? err.message : String(err)}`);
          send(ws, { t: 'result', id, result: { ok: false, error: { code: 'internal', message: `The answer to ${String(message.method)} could not be encoded for the WebSocket.` } } });
        })
        .finally(() => inFlight--);
    });
  };

  return {
    get connections() {
      return connections;
    },
    accept(req, socket, head) {
      connections++;
      socket.once('close', () => connections--);
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Over the cap the handshake completes so that the browser sees why in the close reason.
        if (connections > limits.connections) {
          ws.on('error', () => undefined);
          ws.close(1013, `Heatlab accepts at most ${limits.connections} connections at once; close a tab and reload.`);
          return;
        }
        serve(ws);
      });
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
