// The .npy reader and writer against files numpy itself wrote (test/fixtures/npy, made with
// numpy 2.x `np.save`), plus round trips and the errors a damaged file must give.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import { decodeNpy, encodeNpy, npyDtypes, readNpy, writeNpy, type NpyData, type NpyDtype } from '../../main/workspace/npy.js';

const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'npy');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixtureDir, `${name}.npy`)));

interface Expected {
  dtype: NpyDtype;
  shape: number[];
  values: number[];
  /** Written by numpy in C order, little-endian: our encoder must reproduce it byte for byte. */
  cOrderLittleEndian: boolean;
}

// What numpy put in each fixture, computed by hand from the expressions that made them.
const expected: Record<string, Expected> = {
  'uint8-2x3': { dtype: 'uint8', shape: [2, 3], values: [0, 1, 2, 3, 4, 5], cOrderLittleEndian: true },
  'uint16-4': { dtype: 'uint16', shape: [4], values: [0, 1, 256, 65535], cOrderLittleEndian: true },
  'int32-2x2x2': {
    dtype: 'int32',
    shape: [2, 2, 2],
    values: [-2147483648, -1, 0, 1, 2, 3, 2147483647, 42],
    cOrderLittleEndian: true,
  },
  'float32-3x1x2x2': {
    dtype: 'float32',
    shape: [3, 1, 2, 2],
    values: Array.from({ length: 12 }, (_, i) => Math.fround((i - 5.5) / 3)),
    cOrderLittleEndian: true,
  },
  'float32-scalar': { dtype: 'float32', shape: [], values: [3.25], cOrderLittleEndian: true },
  'float32-empty-0x4': { dtype: 'float32', shape: [0, 4], values: [], cOrderLittleEndian: true },
  'float32-bigendian-3': { dtype: 'float32', shape: [3], values: [1.5, -2, Math.fround(1e-3)], cOrderLittleEndian: false },
  // np.arange(4).reshape(2, 2) saved in Fortran order: logically [[0, 1], [2, 3]].
  'float64-fortran-2x2': { dtype: 'float64', shape: [2, 2], values: [0, 1, 2, 3], cOrderLittleEndian: false },
  'uint8-long-shape': { dtype: 'uint8', shape: [...Array<number>(12).fill(1), 2, 3], values: [0, 0, 0, 0, 0, 0], cOrderLittleEndian: true },
  // One more dimension than the long shape: numpy's spare "growth" spaces push its header to 192 bytes.
  'uint8-growth-padding': { dtype: 'uint8', shape: [...Array<number>(13).fill(1), 2, 3], values: [0, 0, 0, 0, 0, 0], cOrderLittleEndian: true },
};

function thrown(fn: () => unknown): HeatlabError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HeatlabError);
    return err as HeatlabError;
  }
  throw new Error('Expected the call to throw.');
}

/** A fixture-like file with a hand-written header dictionary (padded the way numpy pads). */
function npyWithHeader(dict: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const unpadded = 10 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const text = dict + ' '.repeat(total - unpadded) + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.set(data, total);
  return out;
}

describe('decoding files numpy wrote', () => {
  it('has an expectation for every fixture in the folder', () => {
    const names = readdirSync(fixtureDir)
      .filter((f) => f.endsWith('.npy'))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(names).toEqual(Object.keys(expected).sort());
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`reads ${name} with its dtype, shape and values`, () => {
      const array = decodeNpy(fixture(name));
      expect(array.dtype).toBe(want.dtype);
      expect(array.shape).toEqual(want.shape);
      expect(array.data).toBeInstanceOf(npyDtypes[want.dtype].ctor);
      expect(Array.from(array.data)).toEqual(want.values);
    });
  }

  it('reads every fixture from disk the same as from memory', () => {
    for (const [name, want] of Object.entries(expected)) {
      const array = readNpy(join(fixtureDir, `${name}.npy`));
      expect(array.dtype, name).toBe(want.dtype);
      expect(array.shape, name).toEqual(want.shape);
      expect(Array.from(array.data), name).toEqual(want.values);
    }
  });

  it('reads a file that sits inside a larger buffer at an odd offset', () => {
    const bytes = fixture('float32-3x1x2x2');
    const host = new Uint8Array(bytes.length + 3);
    host.set(bytes, 3);
    const array = decodeNpy(host.subarray(3));
    expect(Array.from(array.data)).toEqual(expected['float32-3x1x2x2']!.values);
  });

  it('leaves the bytes it decodes untouched, even when it swaps a big-endian file', () => {
    const bytes = fixture('float32-bigendian-3');
    const before = Uint8Array.from(bytes);
    decodeNpy(bytes);
    expect(bytes).toEqual(before);
  });
});

describe('encoding', () => {
  for (const [name, want] of Object.entries(expected)) {
    if (!want.cOrderLittleEndian) continue;
    it(`writes ${name} byte for byte as numpy did`, () => {
      const bytes = fixture(name);
      const array = decodeNpy(bytes);
      expect(Buffer.from(encodeNpy(array.data, array.shape)).equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it('writes a big-endian or Fortran-order file back as little-endian C order with the same values', () => {
    for (const name of ['float32-bigendian-3', 'float64-fortran-2x2']) {
      const original = decodeNpy(fixture(name));
      const bytes = encodeNpy(original.data, original.shape);
      const header = new TextDecoder('latin1').decode(bytes.subarray(10, 128));
      expect(header).toContain("'fortran_order': False");
      expect(header).toMatch(/'descr': '<f[48]'/);
      const again = decodeNpy(bytes);
      expect(again.shape).toEqual(original.shape);
      expect(Array.from(again.data)).toEqual(expected[name]!.values);
    }
  });

  it('starts the data at a multiple of 64 bytes and ends the header with a newline', () => {
    for (const shape of [[], [7], [2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9], Array<number>(20).fill(1)]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const bytes = encodeNpy(new Float32Array(count), shape);
      const headerLength = bytes[8]! | (bytes[9]! << 8);
      expect((10 + headerLength) % 64).toBe(0);
      expect(bytes[10 + headerLength - 1]).toBe(0x0a);
      expect(bytes.length).toBe(10 + headerLength + 4 * count);
    }
  });

  const samples: { [D in NpyDtype]: NpyData<D> } = {
    uint8: Uint8Array.from([0, 1, 127, 128, 255, 42]),
    uint16: Uint16Array.from([0, 1, 255, 256, 65534, 65535]),
    int32: Int32Array.from([-2147483648, -65536, -1, 0, 1, 2147483647]),
    float32: Float32Array.from([0, -0, 1.5, -3.25e-38, 3.4e38, Infinity, -Infinity, NaN, 1e-45]),
    float64: Float64Array.from([0, -0, Math.PI, -1e-300, 1.7976931348623157e308, Number.MIN_VALUE, NaN, -Infinity]),
  };

  for (const dtype of Object.keys(npyDtypes) as NpyDtype[]) {
    it(`round-trips ${dtype} arrays through bytes and through a file`, () => {
      const data = samples[dtype];
      const shape = data.length % 2 === 0 ? [2, data.length / 2] : [data.length];
      const decoded = decodeNpy(encodeNpy(data, shape));
      expect(decoded.dtype).toBe(dtype);
      expect(decoded.shape).toEqual(shape);
      // Bit patterns, so that NaN and -0 count too.
      expect(new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength)).toEqual(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );

      const dir = mkdtempSync(join(tmpdir(), 'heatlab-npy-'));
      try {
        const path = join(dir, `${dtype}.npy`);
        writeNpy(path, data, shape);
        const read = readNpy(path);
        expect(read.dtype).toBe(dtype);
        expect(read.shape).toEqual(shape);
        expect(new Uint8Array(read.data.buffer, read.data.byteOffset, read.data.byteLength)).toEqual(
          new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        );
        expect(readdirSync(dir)).toEqual([`${dtype}.npy`]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('writes only the viewed part of a typed array that is a window on a larger buffer', () => {
    const backing = new Float64Array([99, 1, 2, 3, 4, 99]);
    const view = backing.subarray(1, 5);
    const decoded = decodeNpy(encodeNpy(view, [2, 2]));
    expect(Array.from(decoded.data)).toEqual([1, 2, 3, 4]);
  });
});

describe('errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'heatlab-npy-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a file cut short anywhere, saying it is truncated', () => {
    const bytes = fixture('int32-2x2x2');
    for (const length of [3, 7, 9, 11, 64, 127, 128, 131, bytes.length - 1]) {
      const error = thrown(() => decodeNpy(bytes.subarray(0, length), 'cut.npy'));
      expect(error.code, `cut at ${length}`).toBe('invalid_request');
      expect(error.message, `cut at ${length}`).toMatch(/^cut\.npy .*truncated/);
    }
  });

  it('refuses an empty file and a file that is not .npy at all, naming the missing magic bytes', () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode('PK\x03\x04 this is a zip file, not an array')]) {
      const error = thrown(() => decodeNpy(bytes, 'other.bin'));
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/^other\.bin is not a readable \.npy file: .*magic/);
    }
  });

  it('refuses a format version it does not know', () => {
    const bytes = fixture('uint8-2x3').slice();
    bytes[6] = 9;
    expect(thrown(() => decodeNpy(bytes)).message).toMatch(/version 9 is not supported/);
  });

  it('refuses dtypes it cannot hold, naming the dtype', () => {
    for (const descr of ['<i8', '<c8', '|b1', '|O', '<U3', '<f2']) {
      const error = thrown(() => decodeNpy(npyWithHeader(`{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(16))));
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(`'${descr}'`);
      expect(error.message).toContain('float32');
    }
  });

  it('refuses a header without a shape', () => {
    const error = thrown(() => decodeNpy(npyWithHeader(`{'descr': '<f4', 'fortran_order': False, }`)));
    expect(error.message).toMatch(/header dictionary is incomplete/);
  });

  it('refuses a header whose data is shorter than its shape promises', () => {
    const error = thrown(() => decodeNpy(npyWithHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, new Uint8Array(20))));
    expect(error.message).toMatch(/truncated: its header promises 24 bytes/);
  });

  it('refuses to encode data whose length does not match the shape', () => {
    const error = thrown(() => encodeNpy(new Float32Array(5), [2, 3]));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Shape (2, 3) holds 6 values but the data has 5.');
    expect(thrown(() => encodeNpy(new Float32Array(2), [-1, -2])).message).toMatch(/not a non-negative integer/);
    expect(thrown(() => encodeNpy(new Float32Array(3), [1.5, 2])).message).toMatch(/not a non-negative integer/);
  });

  it('refuses to encode typed arrays that have no .npy dtype here', () => {
    expect(thrown(() => encodeNpy(new Int8Array(2) as unknown as NpyData, [2])).message).toMatch(/Int8Array cannot be stored/);
    expect(thrown(() => encodeNpy(new Uint8ClampedArray(2) as unknown as NpyData, [2])).message).toMatch(/Uint8ClampedArray/);
  });

  it('says which file is missing instead of a stack trace', () => {
    const path = join(dir, 'absent.npy');
    const error = thrown(() => readNpy(path));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe(`Cannot read ${path}: ENOENT.`);
  });

  it('names the file in errors about its contents', () => {
    const path = join(dir, 'garbage.npy');
    writeFileSync(path, 'not an array');
    expect(thrown(() => readNpy(path)).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a readable`));
  });
});
