// WebSocket framing: JSON text frames for plain messages, one binary frame with raw bytes when a
// message carries typed arrays (layout documented at the top of shared/wire.ts).
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, wireLimits, type ClientMessage, type ServerMessage } from '../../shared/wire.js';
import { PAGE_BYTES } from '../../renderer/lib/explain/pages.js';

type AnyTypedArray =
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

const samples: AnyTypedArray[] = [
  Uint8Array.from([0, 1, 128, 255]),
  Uint8ClampedArray.from([0, 17, 255]),
  Int8Array.from([-128, -1, 0, 127]),
  Uint16Array.from([0, 1, 65535]),
  Int16Array.from([-32768, -1, 32767]),
  Uint32Array.from([0, 1, 4294967295]),
  Int32Array.from([-2147483648, 0, 2147483647]),
  Float32Array.from([0.5, -1e-30, Infinity, NaN]),
  Float64Array.from([Math.PI, -0, Number.MAX_VALUE, Number.MIN_VALUE, NaN]),
];

const result = (value: unknown): ServerMessage => ({ t: 'result', id: 7, result: { ok: true, value } });

/** The bytes a typed array views, to compare arrays bit for bit (NaN and -0 included). */
const bytesOf = (a: ArrayBufferView): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function roundTrip<T extends ClientMessage | ServerMessage>(message: T): T {
  const frame = encodeMessage(message);
  expect(frame).toBeInstanceOf(Uint8Array);
  return decodeMessage<T>(frame);
}

function valueOf(message: ServerMessage): unknown {
  if (message.t !== 'result' || !message.result.ok) throw new Error('Expected a successful result.');
  return message.result.value;
}

describe('text frames', () => {
  it('sends a message without typed arrays as its JSON text', () => {
    const call: ClientMessage = { t: 'call', id: 3, method: 'jobs.list', request: { status: ['done'], limit: 5 } };
    const frame = encodeMessage(call);
    expect(typeof frame).toBe('string');
    expect(JSON.parse(frame as string)).toEqual(call);
    expect(decodeMessage(frame)).toEqual(call);
  });

  it('sends errors and events as text', () => {
    const failure: ServerMessage = { t: 'result', id: 1, result: { ok: false, error: { code: 'not_found', message: 'There is no job 9.' } } };
    expect(decodeMessage(encodeMessage(failure))).toEqual(failure);
    const event = {
      t: 'event',
      name: 'job.progress',
      payload: { jobId: 1, kind: 'engine.check', progress: { done: 1, total: 2, fraction: 0.5, message: 'ü → ✓', etaSeconds: null, rate: null, unit: 's' } },
    } satisfies ServerMessage;
    expect(decodeMessage(encodeMessage(event))).toEqual(event);
  });
});

describe('binary frames', () => {
  for (const sample of samples) {
    it(`round-trips a ${sample.constructor.name} with its type and exact bits`, () => {
      const back = valueOf(roundTrip(result({ array: sample }))) as { array: AnyTypedArray };
      expect(back.array.constructor).toBe(sample.constructor);
      expect(back.array.length).toBe(sample.length);
      expect(bytesOf(back.array)).toEqual(bytesOf(sample));
    });
  }

  it('sends only the viewed bytes of arrays that start at a non-zero byteOffset', () => {
    const backing = new ArrayBuffer(64);
    new Uint8Array(backing).fill(0xee);
    const f64 = new Float64Array(backing, 8, 3);
    f64.set([1.25, -2.5, 1e300]);
    const i16 = new Int16Array(backing, 34, 3);
    i16.set([-7, 0, 30000]);
    const u8 = new Uint8Array(backing, 41, 5);
    u8.set([1, 2, 3, 4, 5]);
    const frame = encodeMessage(result({ f64, i16, u8 })) as Uint8Array;
    // Header, then three parts each padded to 8: 24 + 8 + 8 bytes, not the 64-byte buffer three times.
    const headerLength = new DataView(frame.buffer, frame.byteOffset).getUint32(0, true);
    const dataStart = (4 + headerLength + 7) & ~7;
    expect(frame.length).toBe(dataStart + 24 + 8 + 8);
    const back = valueOf(decodeMessage(frame)) as { f64: Float64Array; i16: Int16Array; u8: Uint8Array };
    expect(Array.from(back.f64)).toEqual([1.25, -2.5, 1e300]);
    expect(Array.from(back.i16)).toEqual([-7, 0, 30000]);
    expect(Array.from(back.u8)).toEqual([1, 2, 3, 4, 5]);
  });

  it('lays the frame out as documented: header length, JSON header, parts at multiples of 8', () => {
    const a = Uint8Array.from([9, 8, 7]);
    const b = Float64Array.from([0.5]);
    const frame = encodeMessage(result([a, { nested: b }])) as Uint8Array;
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const headerLength = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLength))) as { m: unknown; b: [number, number][] };
    expect(header.m).toEqual({ t: 'result', id: 7, result: { ok: true, value: [{ $bin: 0, type: 'Uint8Array' }, { nested: { $bin: 1, type: 'Float64Array' } }] } });
    expect(header.b).toEqual([
      [0, 3],
      [8, 8],
    ]);
    const dataStart = Math.ceil((4 + headerLength) / 8) * 8;
    expect(frame.subarray(4 + headerLength, dataStart).every((x) => x === 0)).toBe(true);
    expect(Array.from(frame.subarray(dataStart, dataStart + 3))).toEqual([9, 8, 7]);
    expect(view.getFloat64(dataStart + 8, true)).toBe(0.5);
    expect(frame.length).toBe(dataStart + 16);
  });

  it('restores several arrays nested in objects and lists, next to plain values', () => {
    const heatmap = Float32Array.from({ length: 9 }, (_, i) => i / 8);
    const mask = Uint8Array.from([1, 0, 1]);
    const message = result({
      name: 'run 1',
      maps: [{ method: 'lrp', heatmap, shape: [3, 3] }, { method: 'none', heatmap: null }],
      masks: { first: mask, list: [Int32Array.from([-5]), 'text', 4] },
      empty: new Float64Array(0),
    });
    const back = valueOf(roundTrip(message)) as {
      name: string;
      maps: [{ method: string; heatmap: Float32Array; shape: number[] }, { method: string; heatmap: null }];
      masks: { first: Uint8Array; list: [Int32Array, string, number] };
      empty: Float64Array;
    };
    expect(back.name).toBe('run 1');
    expect(back.maps[0].heatmap).toBeInstanceOf(Float32Array);
    expect(Array.from(back.maps[0].heatmap)).toEqual(Array.from(heatmap));
    expect(back.maps[0].shape).toEqual([3, 3]);
    expect(back.maps[1]).toEqual({ method: 'none', heatmap: null });
    expect(back.masks.first).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.masks.first)).toEqual([1, 0, 1]);
    expect(back.masks.list[0]).toBeInstanceOf(Int32Array);
    expect(Array.from(back.masks.list[0])).toEqual([-5]);
    expect(back.masks.list.slice(1)).toEqual(['text', 4]);
    expect(back.empty).toBeInstanceOf(Float64Array);
    expect(back.empty.length).toBe(0);
  });

  it('sends a call whose request carries an array', () => {
    const call: ClientMessage = { t: 'call', id: 12, method: 'annotations.save', request: { mask: Uint8Array.from([0, 255]) } };
    const back = roundTrip(call);
    expect(back.t).toBe('call');
    expect(back.id).toBe(12);
    expect(Array.from((back.request as { mask: Uint8Array }).mask)).toEqual([0, 255]);
  });

  it('sends a Node Buffer as a Uint8Array rather than as an object of numbered keys', () => {
    const back = valueOf(roundTrip(result({ png: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }))) as { png: Uint8Array };
    expect(back.png).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.png)).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('decodes a frame received as an ArrayBuffer, as a Uint8Array, or as a Buffer inside a larger one', () => {
    const f64 = Float64Array.from([1.5, -2]);
    const frame = encodeMessage(result({ f64 })) as Uint8Array;
    const arrayBuffer = new Uint8Array(frame).buffer;
    // ws hands the server (and Node clients) Buffers that are views into a larger socket chunk.
    const chunk = Buffer.alloc(frame.length + 13, 0xab);
    chunk.set(frame, 5);
    const inChunk = chunk.subarray(5, 5 + frame.length);
    for (const data of [arrayBuffer, new Uint8Array(arrayBuffer), inChunk]) {
      const back = valueOf(decodeMessage(data)) as { f64: Float64Array };
      expect(back.f64).toBeInstanceOf(Float64Array);
      expect(Array.from(back.f64)).toEqual([1.5, -2]);
    }
  });

  it('gives decoded arrays memory of their own, so later changes to the frame do not reach them', () => {
    const frame = encodeMessage(result({ u8: Uint8Array.from([1, 2, 3]) })) as Uint8Array;
    const back = valueOf(decodeMessage(frame)) as { u8: Uint8Array };
    frame.fill(0);
    expect(Array.from(back.u8)).toEqual([1, 2, 3]);
    expect(back.u8.byteOffset).toBe(0);
    expect(back.u8.buffer.byteLength).toBe(3);
  });

  it('refuses frames that are cut short', () => {
    const frame = encodeMessage(result({ f32: Float32Array.from([1, 2, 3, 4]) })) as Uint8Array;
    expect(() => decodeMessage(frame.subarray(0, 3))).toThrow(/too short/);
    expect(() => decodeMessage(frame.subarray(0, 10))).toThrow(/header is truncated/);
    expect(() => decodeMessage(frame.subarray(0, frame.length - 1))).toThrow(/part is truncated/);
  });
});

describe('the message limit', () => {
  it('carries the largest message the app sends: a files.save of one Explain page’s heatmaps as .npy', () => {
    // The page budget holds a page's heatmaps to PAGE_BYTES; the .npy header and the frame's header are a few hundred bytes.
    const frame = encodeMessage({ t: 'call', id: 1, method: 'files.save', request: { folder: `/${'x'.repeat(4096)}`, name: 'n'.repeat(255), data: new Uint8Array(1024) } });
    const overhead = (frame as Uint8Array).byteLength - 1024 + 128;
    expect(PAGE_BYTES + overhead).toBeLessThanOrEqual(wireLimits.messageBytes);
    // …and no more than a mebibyte beyond it: the limit is not a round number picked large.
    expect(wireLimits.messageBytes - PAGE_BYTES).toBeLessThanOrEqual(2 ** 20);
  });
});
