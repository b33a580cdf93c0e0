// Exports an annotation set into a folder the user picked: a new sub-folder named after the set
// holding one palette PNG per image (named by dataset index), masks.npy (uint8 [n, H, W]),
// indices.npy (int32 [n], the dataset index of each mask) and labels.json (value → label).
// Every file is written atomically; nothing is written outside the new folder.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import type { AnnotationExport, annotationRequestSchemas } from '../../shared/annotations.js';
import { HeatlabError } from '../../shared/errors.js';
import { temporaryPathFor, writeFileAtomic } from '../workspace/atomic-write.js';
import { npyHeader, writeNpy } from '../workspace/npy.js';
import type { AnnotationSets } from './annotation-sets.js';
import { encodeMaskPng } from './mask-png.js';

type ExportRequest = z.output<(typeof annotationRequestSchemas)['annotations.export']>;

/** Masks are read this many images at a time, so an export of a large dataset streams. */
const CHUNK = 256;

/** A folder name from a set name: letters, digits, dot, dash and underscore kept. */
export function exportFolderName(name: string, id: number): string {
  const safe = name.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return `${safe === '' ? `set-${id}` : safe}-masks`;
}

export function exportMasks(sets: AnnotationSets, request: ExportRequest): AnnotationExport {
  const { id, folder, formats, images } = request;
  if (!isAbsolute(folder)) throw new HeatlabError('invalid_request', `"${folder}" is not an absolute path.`);
  const parent = resolve(folder);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new HeatlabError('invalid_request', `${parent} is not a folder.`);
  const set = sets.get(id);
  const indices = images === 'all' ? Array.from({ length: set.total }, (_, i) => i) : Array.from(set.annotated);
  if (indices.length === 0) throw new HeatlabError('invalid_request', `Annotation set "${set.name}" has no annotated image yet, so there is nothing to export.`);

  const base = exportFolderName(set.name, id);
  let target = join(parent, base);
  for (let k = 2; existsSync(target); k++) target = join(parent, `${base} (${k})`);
  try {
    mkdirSync(target);
  } catch (err) {
    throw new HeatlabError('invalid_request', `The export folder could not be made in ${parent}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }

  const files: string[] = [];
  const digits = Math.max(5, String(set.total - 1).length);
  let npy: { fd: number; temp: string } | null = null;
  try {
    for (let start = 0; start < indices.length; start += CHUNK) {
      const chunk = indices.slice(start, start + CHUNK);
      const batch = sets.masks(id, chunk);
      const [, height, width] = batch.shape;
      if (formats.includes('npy')) {
        if (npy === null) {
          const temp = temporaryPathFor(join(target, 'masks.npy'));
          npy = { fd: openSync(temp, 'wx'), temp };
          writeAll(npy.fd, npyHeader('uint8', [indices.length, height, width]));
        }
        writeAll(npy.fd, batch.data);
      }
      if (formats.includes('png')) {
        chunk.forEach((index, k) => {
          const name = `${String(index).padStart(digits, '0')}.png`;
          writeFileAtomic(join(target, name), encodeMaskPng(batch.data.subarray(k * height * width, (k + 1) * height * width), width, height, set.labels.length));
          files.push(name);
        });
      }
    }
    if (npy !== null) {
      fsyncSync(npy.fd);
      closeSync(npy.fd);
      renameSync(npy.temp, join(target, 'masks.npy'));
      npy = null;
      writeNpy(join(target, 'indices.npy'), Int32Array.from(indices), [indices.length]);
      files.push('masks.npy', 'indices.npy');
    }
    const labels = Object.fromEntries([['0', '(none)'], ...set.labels.map((l, k) => [String(k + 1), l])]);
    writeFileAtomic(join(target, 'labels.json'), JSON.stringify({ set: set.name, annotator: set.annotator, datasetId: set.datasetId, labels, images: indices.length }, null, 2) + '\n');
    files.push('labels.json');
  } catch (err) {
    if (npy !== null) {
      closeSync(npy.fd);
      rmSync(npy.temp, { force: true });
    }
    if (err instanceof HeatlabError) throw err;
    throw new HeatlabError('invalid_request', `The export could not be written to ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  return { folder: target, images: indices.length, files };
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}
