// WebSocket framing for browser mode. Messages are JSON, except that typed arrays travel as raw
// bytes: a message containing any is sent as one binary frame
//   [u32 LE header length][UTF-8 JSON header][zero padding to 8][buffer 0][pad to 8][buffer 1]…
// where the header holds the message with each typed array replaced by {"$bin": i, "type": T}
// and the list of [offset, byteLength] of the buffers. Messages without arrays are text frames.
import type { ApiEvents, EventName, MethodName } from './api.js';
import type { Result } from './errors.js';

/**
 * Browser mode's limits (main/app/api-socket.ts enforces them; shared/ws-client.ts keeps within them,
 * so the app's own client gets a sentence rather than a closed connection).
 */
export const wireLimits = {
  // The largest message a real client sends is the Explain grid's .npy export of one page through
  // files.save: its heatmaps are what the page budget holds (320 MiB, renderer/lib/explain/pages.ts);
  // 1 MiB more leaves room for the frame's header. Masks (annotations.save, 16 MiB at 4096²) and
  // explain.start's index lists (about 8 MB of JSON at a million images) are far smaller.
  messageBytes: 321 * 2 ** 20,
  // One renderer tab holds one connection; 64 is many tabs and scripts, not thousands of sockets.
  connections: 64,
  // Calls one connection may have unanswered; the client queues the rest (a view may ask for every run at once).
  inFlight: 64,
  // Answers main may hold for a client that does not read them: three of the largest (a page of
  // heatmaps, 320 MiB). Past that the connection is dropped rather than main's memory growing.
  sendBacklogBytes: 3 * 321 * 2 ** 20,
} as const;

export type ClientMessage = { t: 'call'; id: number; method: MethodName | string; request: unknown };
export type ServerMessage =
  // First on every connection: the methods main answers, so a client names them without evaluating
  // the contract's zod schemas (the renderer's start would otherwise build every one of them).
  | { t: 'hello'; methods: MethodName[] }
  | { t: 'result'; id: number; result: Result<unknown> }
  | { t: 'event'; name: EventName; payload: ApiEvents[EventName] };

const typedArrayConstructors = {
  Uint8Array,
  Uint8ClampedArray,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;
type TypedArrayName = keyof typeof typedArrayConstructors;
type TypedArray = InstanceType<(typeof typedArrayConstructors)[TypedArrayName]>;

interface BinMarker {
  $bin: number;
  type: TypedArrayName;
}

function typedArrayName(value: unknown): TypedArrayName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  // instanceof rather than the constructor's name, so that subclasses such as Node's Buffer count.
  for (const [name, ctor] of Object.entries(typedArrayConstructors)) if (value instanceof ctor) return name as TypedArrayName;
  return null;
}

function isBinMarker(value: unknown): value is BinMarker {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.$bin === 'number' && typeof v.type === 'string' && Object.keys(v).length === 2;
}

/** Replaces typed arrays by markers, collecting them in `out`. */
function extract(value: unknown, out: TypedArray[]): unknown {
  const name = typedArrayName(value);
  if (name !== null) {
    out.push(value as TypedArray);
    return { $bin: out.length - 1, type: name } satisfies BinMarker;
  }
  if (Array.isArray(value)) return value.map((v) => extract(v, out));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = extract(v, out);
    return copy;
  }
  return value;
}

function restore(value: unknown, arrays: TypedArray[]): unknown {
  if (isBinMarker(value)) {
    const array = arrays[value.$bin];
    if (array === undefined) throw new Error(`Frame refers to missing binary part ${value.$bin}.`);
    return array;
  }
  if (Array.isArray(value)) return value.map((v) => restore(v, arrays));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = restore(v, arrays);
    return copy;
  }
  return value;
}

const align8 = (n: number) => (n + 7) & ~7;

/** A string for a text frame when the message has no typed arrays, otherwise one binary frame. */
export function encodeMessage(message: ClientMessage | ServerMessage): string | Uint8Array {
  const arrays: TypedArray[] = [];
  const body = extract(message, arrays);
  if (arrays.length === 0) return JSON.stringify(message);

  // Offsets are relative to the data section, which starts at the first multiple of 8 after the header.
  const parts: [number, number][] = [];
  let size = 0;
  for (const a of arrays) {
    parts.push([size, a.byteLength]);
    size = align8(size + a.byteLength);
  }
  const header = new TextEncoder().encode(JSON.stringify({ m: body, b: parts }));
  const dataStart = align8(4 + header.length);
  const frame = new Uint8Array(dataStart + size);
  new DataView(frame.buffer).setUint32(0, header.length, true);
  frame.set(header, 4);
  arrays.forEach((a, i) => frame.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + parts[i]![0]));
  return frame;
}

/** Decodes a text or binary frame; typed arrays come back as fresh copies of their own type. */
export function decodeMessage<T extends ClientMessage | ServerMessage>(data: string | ArrayBuffer | Uint8Array): T {
  if (typeof data === 'string') return JSON.parse(data) as T;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 4) throw new Error('Binary frame is too short.');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.length) throw new Error('Binary frame header is truncated.');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as {
    m: unknown;
    b: [number, number][];
  };
  const dataStart = align8(4 + headerLength);
  const markers: BinMarker[] = [];
  collectMarkers(header.m, markers);
  const arrays: TypedArray[] = header.b.map(([relative, length], i) => {
    const offset = dataStart + relative;
    if (offset + length > bytes.length) throw new Error('Binary frame part is truncated.');
    const type = markers.find((m) => m.$bin === i)?.type ?? 'Uint8Array';
    const ctor = typedArrayConstructors[type];
    if (ctor === undefined) throw new Error(`Unknown typed array ${String(type)} in frame.`);
    // A copy of its own: `bytes` may be a Buffer (from ws), whose slice() is a view into a larger chunk.
    const copy = new Uint8Array(bytes.subarray(offset, offset + length));
    return new ctor(copy.buffer, 0, length / ctor.BYTES_PER_ELEMENT);
  });
  return restore(header.m, arrays) as T;
}

function collectMarkers(value: unknown, out: BinMarker[]): void {
  if (isBinMarker(value)) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectMarkers(v, out));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((v) => collectMarkers(v, out));
}
