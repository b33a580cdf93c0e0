// The recomputed study against its bundle, step by step (by the plan's slots): every array by its
// sha256 — the bundle's own file where it carries one, else the checksum its manifest records — every
// model's ONNX, the ground-truth masks, and the score CSV files cell by cell, so a differing score is
// named by its image, method and metric. Run ids are left out: they are this catalogue's numbering.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { perImageCsv, summaryCsv, testsCsv } from '../../../shared/score-csv.js';
import type { BundleArray, BundleDifference, BundleStep, StudyBundleCheck } from '../../../shared/study-bundle.js';
import type { Study } from '../../../shared/studies.js';
import { encodeNpy } from '../../workspace/npy.js';
import type { CallApi } from '../ports.js';
import { sha256Bytes, sha256File } from './checksums.js';
import { groundTruthMasks } from './export-bundle.js';
import type { OpenedBundle } from './open-bundle.js';

/** RFC 4180 records: quoted fields may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (record.push(field), (field = ''));
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      (field = ''), (record = []);
    } else field += c;
  }
  if (field !== '' || record.length > 0) (record.push(field), records.push(record));
  return records;
}

/** How each CSV's lines are keyed and named, and the fields that are this catalogue's own numbering. */
const csvShapes: Record<string, { key: string[]; describe: (r: Record<string, string>) => string; ignore: string[] }> = {
  'scores.csv': { key: ['row', 'column'], describe: (r) => `row ${r.row} (image ${r.dataset_index}), ${r.method}`, ignore: ['run_id'] },
  'summary.csv': { key: ['metric', 'column'], describe: (r) => `${r.method}, ${r.metric}`, ignore: ['run_id'] },
  'tests.csv': { key: ['metric', 'column_a', 'column_b'], describe: (r) => `${r.metric}: ${r.method_a} vs ${r.method_b}`, ignore: [] },
};

/**
 * Cell-by-cell differences of two CSV files of one shape; `cells`: how many values were compared,
 * `scores`: how many of them were scores (the per-image file's fields after `method`, one per metric).
 */
export function compareCsv(role: string, bundleText: string, recomputedText: string, file: string, slot: string): { differences: BundleDifference[]; cells: number; scores: number } {
  const shape = csvShapes[role]!;
  const table = (text: string) => {
    const [head = [], ...rows] = parseCsv(text);
    return { head, rows: new Map(rows.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k] ?? '']))).map((r) => [shape.key.map((k) => r[k]).join('|'), r] as const)) };
  };
  const ours = table(bundleText);
  const theirs = table(recomputedText);
  const differences: BundleDifference[] = [];
  const metrics = role === 'scores.csv' ? new Set(ours.head.slice(ours.head.indexOf('method') + 1)) : new Set<string>();
  let cells = 0;
  let scores = 0;
  for (const [key, row] of ours.rows) {
    const again = theirs.rows.get(key);
    if (again === undefined) {
      differences.push({ file, slot, what: shape.describe(row), bundle: 'this line', recomputed: 'no such line' });
      continue;
    }
    for (const field of ours.head) {
      if (shape.ignore.includes(field) || shape.key.includes(field)) continue;
      cells++;
      if (metrics.has(field)) scores++;
      if (row[field] !== again[field]) differences.push({ file, slot, what: `${shape.describe(row)}: ${field}`, bundle: row[field] ?? '', recomputed: again[field] ?? '' });
    }
  }
  for (const [key, row] of theirs.rows) if (!ours.rows.has(key)) differences.push({ file, slot, what: shape.describe(row), bundle: 'no such line', recomputed: 'this line' });
  return { differences, cells, scores };
}

export interface CompareDeps {
  call: CallApi;
  workspace: string;
}

type Counts = StudyBundleCheck['compared'];

/** Compares the recomputed `study` with the opened bundle; `scores` counts the per-image score values compared. */
export async function compareWithBundle(study: Study, bundle: OpenedBundle, deps: CompareDeps): Promise<{ differences: BundleDifference[]; compared: Counts }> {
  const differences: BundleDifference[] = [];
  const compared: Counts = { scores: 0, arrays: 0, models: 0 };
  for (const step of bundle.manifest.steps) {
    const member = study.members.find((m) => m.slot === step.slot && m.kind === step.entity.kind);
    if (member === undefined) {
      differences.push({ file: 'heatlab-bundle.json', slot: step.slot, what: `the ${step.entity.kind}`, bundle: `${step.entity.kind} ${step.entity.id}`, recomputed: 'not made' });
      continue;
    }
    const recomputed = await recomputedArrays(step, member.id, deps);
    for (const array of step.arrays) {
      const file = array.name ?? 'heatlab-bundle.json';
      const again = recomputed.get(array.role);
      if (again === undefined) {
        differences.push({ file, slot: step.slot, what: `the ${array.role} array`, bundle: short(array.sha256), recomputed: 'none' });
        continue;
      }
      if (csvShapes[array.role] !== undefined && typeof again === 'object') {
        const text = array.name !== null && existsSync(unpacked(bundle, array.name)) ? readFileSync(unpacked(bundle, array.name), 'utf8') : '';
        const result = compareCsv(array.role, text, again.text, file, step.slot);
        differences.push(...result.differences);
        compared.scores += result.scores;
        continue;
      }
      const ours = await bundleSha(bundle, array);
      const theirs = typeof again === 'string' ? again : again.sha256;
      if (array.role === 'onnx') compared.models++;
      else compared.arrays++;
      if (ours !== theirs) differences.push({ file, slot: step.slot, what: array.role === 'onnx' ? 'the model (ONNX)' : `the ${array.role} array`, bundle: short(ours), recomputed: short(theirs) });
    }
  }
  return { differences, compared };
}

const short = (sha: string) => `sha256 ${sha.slice(0, 16)}…`;
const unpacked = (bundle: OpenedBundle, name: string) => join(bundle.folder, ...name.split('/'));

/** The bundle's value of an array: its carried file's checksum, or the manifest's when it carries none (or lost it). */
async function bundleSha(bundle: OpenedBundle, array: BundleArray): Promise<string> {
  if (array.name === null || !existsSync(unpacked(bundle, array.name))) return array.sha256;
  return sha256File(unpacked(bundle, array.name));
}

/** The recomputed entity's arrays by role: checksums, and the CSV files' text. */
async function recomputedArrays(step: BundleStep, id: number, { call }: CompareDeps): Promise<Map<string, string | { sha256: string; text: string }>> {
  const out = new Map<string, string | { sha256: string; text: string }>();
  const files = (list: { role: string; sha256: string }[]) => list.forEach((f) => out.set(f.role, f.sha256));
  if (step.entity.kind === 'dataset') files((await call('datasets.get', { id })).files);
  else if (step.entity.kind === 'model') out.set('onnx', (await call('models.get', { id })).onnx.sha256);
  else if (step.entity.kind === 'run') files((await call('explanations.get', { id })).files);
  else {
    const e = await call('evaluations.get', { id });
    files(e.files);
    const scores = await call('evaluations.scores', { id });
    const classNames = (await call('datasets.get', { id: e.datasetId }).catch(() => null))?.classNames ?? [];
    const text = (t: string) => ({ sha256: sha256Bytes(t), text: t });
    out.set('scores.csv', text(perImageCsv(e, scores, classNames)));
    out.set('summary.csv', text(summaryCsv(e)));
    out.set('tests.csv', text(testsCsv(e)));
    const masks = await groundTruthMasks(call, e.datasetId, e.groundTruth, Array.from(scores.indices));
    if (masks !== null) out.set('masks', sha256Bytes(encodeNpy(masks.data, masks.shape)));
  }
  return out;
}
