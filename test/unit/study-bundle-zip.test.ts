// Reading and writing bundle zips: what the streaming writer makes unpacks to the same bytes; an
// entry that would land outside its folder, a symbolic link, a zip declaring more than a bundle may
// hold and an entry inflating past its declared size are each refused with their sentence before
// (or as) anything is written; a bundle whose plan names files outside it is refused; and the score
// CSVs are compared cell by cell, each difference named by its image, method and metric.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { compareCsv, parseCsv } from '../../main/study/bundle/compare-bundle.js';
import { openBundle } from '../../main/study/bundle/open-bundle.js';
import { BUNDLE_LIMITS, readBundleEntries, unpackBundle } from '../../main/study/bundle/zip-read.js';
import { writeZip } from '../../main/study/bundle/zip-write.js';

const root = mkdtempSync(join(tmpdir(), 'heatlab-bundle-zip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const zipped = (name: string, files: Zippable) => {
  const path = join(root, name);
  writeFileSync(path, zipSync(files));
  return path;
};

/** The central directory's declared uncompressed size of the first entry set to `size`. */
function declaring(bytes: Buffer, size: number): Buffer {
  const dir = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt32LE(size, dir + 24);
  return bytes;
}

/** The one-entry zip `single` as a zip of entries a, b and c, each with the same declared sizes. */
function threeOf(single: Buffer): Buffer {
  const dirStart = single.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  const eocdAt = single.indexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const local = single.subarray(0, dirStart);
  const central = single.subarray(dirStart, eocdAt);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of ['a', 'b', 'c']) {
    const l = Buffer.from(local);
    l.write(name, 30, 'latin1');
    const c = Buffer.from(central);
    c.write(name, 46, 'latin1');
    c.writeUInt32LE(offset, 42);
    locals.push(l);
    centrals.push(c);
    offset += l.length;
  }
  const dir = Buffer.concat(centrals);
  const eocd = Buffer.from(single.subarray(eocdAt));
  eocd.writeUInt16LE(3, 8);
  eocd.writeUInt16LE(3, 10);
  eocd.writeUInt32LE(dir.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, eocd]);
}

describe('bundle zips', () => {
  it('unpacks what the streaming writer wrote to the very same bytes, files of several pieces and empty ones included', async () => {
    const big = new Uint8Array(3 * 2 ** 20 + 17).map((_, i) => (i * 7919) % 251);
    const onDisk = join(root, 'big.bin');
    writeFileSync(onDisk, big);
    writeFileSync(join(root, 'empty.bin'), new Uint8Array(0));
    const path = join(root, 'written.zip');
    const bytes = writeZip(path, [
      { name: 'heatlab-bundle.json', data: strToU8('{"a":1}') },
      { name: 'arrays/x/big.bin', file: onDisk },
      { name: 'inputs/empty.bin', file: join(root, 'empty.bin') },
    ]);
    expect(bytes).toBe(readFileSync(path).length);
    const entries = readBundleEntries(path);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['heatlab-bundle.json', 7],
      ['arrays/x/big.bin', big.length],
      ['inputs/empty.bin', 0],
    ]);
    await unpackBundle(path, entries, join(root, 'unpacked'));
    expect(readFileSync(join(root, 'unpacked', 'arrays', 'x', 'big.bin')).equals(Buffer.from(big))).toBe(true);
    expect(readFileSync(join(root, 'unpacked', 'inputs', 'empty.bin')).length).toBe(0);
  });

  it('refuses entries that would unpack outside the bundle’s folder', () => {
    for (const name of ['../../evil.sh', '/etc/cron.d/evil', 'inputs/../../evil', 'inputs\\..\\evil', 'C:/evil']) {
      const path = zipped('escape.zip', { 'heatlab-bundle.json': strToU8('{}'), [name]: strToU8('echo owned') });
      expect(() => readBundleEntries(path), name).toThrow(`The bundle's entry "${name}" would unpack outside the bundle's folder (an absolute path, a backslash or ".."); it is refused.`);
    }
  });

  it('refuses a symbolic link', () => {
    const path = zipped('link.zip', { 'study.json': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] });
    expect(() => readBundleEntries(path)).toThrow(`The bundle's entry "study.json" is a symbolic link; a bundle holds only plain files, so it is refused.`);
  });

  it('refuses a zip that declares more than a bundle may hold before unpacking a byte', () => {
    // Three entries declaring 1 GiB each: 3 GiB, past the 2 GiB cap.
    const path = join(root, 'declared.zip');
    writeFileSync(path, threeOf(declaring(Buffer.from(zipSync({ a: new Uint8Array(1024) })), 2 ** 30)));
    expect(BUNDLE_LIMITS.bytes).toBe(2 ** 31);
    expect(() => readBundleEntries(path)).toThrow('The bundle would unpack to more than the 2 GiB a bundle may hold; it is refused as a possible zip bomb.');
  });

  it('stops unpacking an entry that inflates past the size it declares', async () => {
    // 1 MiB of zeros declaring 10 bytes.
    const path = join(root, 'liar.zip');
    writeFileSync(path, declaring(Buffer.from(zipSync({ a: new Uint8Array(2 ** 20) })), 10));
    await expect(unpackBundle(path, readBundleEntries(path), join(root, 'liar'))).rejects.toThrow(`The bundle's entry "a" inflates to more than the 10 bytes it declares; it is refused as a possible zip bomb.`);
    expect(readFileSync(join(root, 'liar', 'a')).length).toBeLessThanOrEqual(10 + 2 ** 16);
  });

  it('refuses a bundle whose study file names files outside the bundle', async () => {
    const manifest = { format: 'heatlab-study-bundle', version: 1, createdAt: '', study: { id: 1, name: 'x', question: '', status: 'done' }, software: { heatlab: '', node: '', platform: '', ort: null, tfjs: null, tfjsBackend: null }, steps: [], files: [] };
    const plan = { name: 'x', datasets: [{ kind: 'import', path: '/home/someone/secret-images', models: [] }] };
    const path = zipped('outside.zip', { 'heatlab-bundle.json': strToU8(JSON.stringify(manifest)), 'study.json': strToU8(JSON.stringify(plan)) });
    mkdirSync(join(root, 'bundles'), { recursive: true });
    await expect(openBundle(path, join(root, 'bundles'))).rejects.toThrow(
      "The bundle's study.json names datasets[0].path /home/someone/secret-images, outside the bundle; a bundle's plan makes every dataset and model from its own files.",
    );
    const notABundle = zipped('plain.zip', { 'readme.txt': strToU8('hello') });
    await expect(openBundle(notABundle, join(root, 'bundles'))).rejects.toThrow(`${notABundle} is no Heatlab study bundle: it has no heatlab-bundle.json.`);
  });
});

describe('comparing score CSVs', () => {
  const head = 'row,dataset_index,label,label_name,target,target_name,predicted,predicted_name,column,run_id,method,pointing-game,sparseness';
  const csv = (...lines: string[]) => `${[head, ...lines].join('\n')}\n`;

  it('reads quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,"b, ""c""","d\ne"\n1,2,3\n')).toEqual([
      ['a', 'b, "c"', 'd\ne'],
      ['1', '2', '3'],
    ]);
  });

  it('names each differing score by its row, image, method and metric, and ignores the catalogue’s run ids', () => {
    const bundle = csv('0,17,1,square,1,square,1,square,0,7,Gradient,1,0.25', '0,17,1,square,1,square,1,square,1,baseline,Random map,0,0.5');
    const again = csv('0,17,1,square,1,square,1,square,0,12,Gradient,1,0.2500001', '0,17,1,square,1,square,1,square,1,baseline,Random map,0,0.5');
    expect(compareCsv('scores.csv', bundle, again, 'scores/e/scores.csv', 'datasets[0].models[0].evaluations[0]')).toEqual({
      // Ten fields a line besides the key (row, column) and the run id; two of them scores.
      cells: 2 * 10,
      scores: 2 * 2,
      differences: [{ file: 'scores/e/scores.csv', slot: 'datasets[0].models[0].evaluations[0]', what: 'row 0 (image 17), Gradient: sparseness', bundle: '0.25', recomputed: '0.2500001' }],
    });
    expect(compareCsv('scores.csv', bundle, bundle, 'f', 's')).toEqual({ cells: 20, scores: 4, differences: [] });
  });

  it('names a line only one side has', () => {
    const one = csv('0,17,1,square,1,square,1,square,0,7,Gradient,1,0.25');
    const two = csv('0,17,1,square,1,square,1,square,0,7,Gradient,1,0.25', '1,18,0,triangle,0,triangle,0,triangle,0,7,Gradient,0,0.1');
    expect(compareCsv('scores.csv', one, two, 'f', 's').differences).toEqual([{ file: 'f', slot: 's', what: 'row 1 (image 18), Gradient', bundle: 'no such line', recomputed: 'this line' }]);
  });
});
