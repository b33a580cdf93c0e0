// Writing a study's bundle: the portable plan, the manifest (parameters, seeds, engines and array
// checksums of every step; software versions), every model's ONNX, every run's and evaluation's
// arrays as the workspace holds them (.npy), the ground-truth masks of the scored images, the
// scores as the Evaluate view's CSV files, the report, and the inputs a recomputation needs
// (imported images and ONNX files). Nothing is written when it would pass the bundle's cap.
import { join } from 'node:path';
import { HeatlabError } from '../../../shared/errors.js';
import { perImageCsv, summaryCsv, testsCsv } from '../../../shared/score-csv.js';
import { BUNDLE_MANIFEST, BUNDLE_PLAN, BUNDLE_REPORT, type BundleArray, type BundleManifest, type BundleStep } from '../../../shared/study-bundle.js';
import type { Study, StudyMember } from '../../../shared/studies.js';
import { encodeNpy } from '../../workspace/npy.js';
import { formatSize } from '../../workspace/read-regular-file.js';
import type { CallApi } from '../ports.js';
import { sha256Bytes, sha256File } from './checksums.js';
import { portablePlan } from './portable-plan.js';
import { BUNDLE_LIMITS } from './zip-read.js';
import { writeZip, type ZipSource } from './zip-write.js';

export interface BundleExportDeps {
  call: CallApi;
  /** The workspace folder the catalogue's relative paths start from. */
  workspace: string;
  software: () => Promise<BundleManifest['software']>;
  reportHtml: (study: Study) => Promise<string>;
  now?: () => Date;
  /** Unpacked bytes the bundle may hold; BUNDLE_LIMITS.bytes unless a test asks for less. */
  maxBytes?: number;
}

/** A slot as a file name: `datasets[0].models[1].explain.methods[2]` → `datasets-0-models-1-explain-methods-2`. */
export const slotFile = (slot: string): string => slot.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-');

const DATASET_SLOT = /^datasets\[(\d+)\]$/;
const MODEL_SLOT = /^datasets\[(\d+)\]\.models\[(\d+)\]$/;

type Entry = ZipSource & { bytes: number; sha256: string };

/** The bundle's entries and manifest for a finished study; refused in one sentence when it cannot be carried or would pass the cap. */
export async function bundleEntries(study: Study, deps: BundleExportDeps): Promise<Entry[]> {
  if (study.status !== 'done') throw new HeatlabError('conflict', `Study ${study.id} is ${study.status}, not done; run it to its end (heatlab study run ${study.id}) before exporting its bundle.`);
  const { call, workspace } = deps;
  const datasetIds: (number | undefined)[] = [];
  const modelIds: (number | undefined)[][] = [];
  for (const m of study.members) {
    const dataset = DATASET_SLOT.exec(m.slot);
    const model = MODEL_SLOT.exec(m.slot);
    if (dataset && m.kind === 'dataset') datasetIds[Number(dataset[1])] = m.id;
    if (model && m.kind === 'model') (modelIds[Number(model[1])] ??= [])[Number(model[2])] = m.id;
  }
  const { plan, inputs } = await portablePlan(study.plan, call, datasetIds, modelIds);

  const entries: Entry[] = [];
  const add = (name: string, data: Uint8Array | string) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    entries.push({ name, data: bytes, bytes: bytes.length, sha256: sha256Bytes(bytes) });
  };
  const carry = (name: string, file: string, bytes: number, sha256: string) => entries.push({ name, file, bytes, sha256 });

  const kinds = new Map(study.pipeline.map((s) => [s.slot, s.kind]));
  const steps: BundleStep[] = [];
  for (const member of study.members) steps.push(await bundleStep(member, kinds.get(member.slot), deps, add, carry));

  // Checked before the inputs are hashed: a study too big to carry is refused at once.
  const inputBytes = inputs.reduce((sum, i) => sum + i.bytes, 0);
  const total = entries.reduce((sum, e) => sum + e.bytes, 0) + inputBytes;
  const cap = deps.maxBytes ?? BUNDLE_LIMITS.bytes;
  if (total > cap) {
    const share = inputBytes > 0 ? `, ${formatSize(inputBytes)} of it imported images and ONNX files` : '';
    throw new HeatlabError('invalid_request', `The bundle of study ${study.id} would hold ${formatSize(total)}${share}, more than the ${formatSize(cap)} a bundle may hold; explain fewer images or carry the data another way.`);
  }
  for (const input of inputs) carry(input.name, input.file, input.bytes, await sha256File(input.file));

  add(BUNDLE_PLAN, `${JSON.stringify(plan, null, 2)}\n`);
  add(BUNDLE_REPORT, await deps.reportHtml(study));
  const template = study.plan.template;
  const manifest: BundleManifest = {
    format: 'heatlab-study-bundle',
    version: 1,
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
    study: { id: study.id, name: study.name, question: study.question, status: study.status, template: template === undefined ? null : { id: template.id, size: template.size, citation: template.citation } },
    software: await deps.software(),
    steps,
    files: entries.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 })),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  return [{ name: BUNDLE_MANIFEST, data: manifestBytes, bytes: manifestBytes.length, sha256: sha256Bytes(manifestBytes) }, ...entries];

  /** One member's record, carrying its arrays as it goes. */
  async function bundleStep(
    member: StudyMember,
    kind: BundleStep['kind'] | undefined,
    { call }: BundleExportDeps,
    addBytes: typeof add,
    carryFile: typeof carry,
  ): Promise<BundleStep> {
    const base = slotFile(member.slot);
    const arraysOf = (files: { role: string; path: string; sha256: string; bytes: number; dtype: string; shape: number[] }[], carried: boolean): BundleArray[] =>
      files.map((f) => {
        // Roles such as `curve:region-perturbation` become portable file names.
        const name = carried ? `arrays/${base}/${f.role.replace(/[^\w.-]+/g, '-')}.npy` : null;
        if (name !== null) carryFile(name, join(workspace, f.path), f.bytes, f.sha256);
        return { role: f.role, name, sha256: f.sha256, bytes: f.bytes, dtype: f.dtype, shape: f.shape };
      });
    const step = (entity: { id: number; name: string; createdAt: string; heatlabVersion: string }, rest: Pick<BundleStep, 'params' | 'seeds' | 'engine' | 'arrays'>): BundleStep => ({
      slot: member.slot,
      kind: kind ?? (member.kind === 'run' ? 'run' : 'explain'),
      stepKey: member.stepKey,
      entity: { kind: member.kind, id: entity.id, name: entity.name, createdAt: entity.createdAt, heatlabVersion: entity.heatlabVersion },
      ...rest,
    });
    if (member.kind === 'dataset') {
      const d = await call('datasets.get', { id: member.id });
      // Generated images are made again from the seed, imported ones from the carried files: only their checksums travel.
      return step(d, { params: { source: d.source, generator: d.generator, ...d.params }, seeds: d.seed === null ? {} : { seed: d.seed }, engine: {}, arrays: arraysOf(d.files, false) });
    }
    if (member.kind === 'model') {
      const m = await call('models.get', { id: member.id });
      const name = `models/${base}.onnx`;
      carryFile(name, join(workspace, m.onnx.path), m.onnx.bytes, m.onnx.sha256);
      return step(m, {
        params: { source: m.source, architecture: m.architectureSpec, training: m.training, preprocessing: m.preprocessing, imported: m.onnx.imported ?? null, testAccuracy: m.testAccuracy },
        seeds: m.training === null ? {} : { seed: m.training.seed },
        engine: { tfjsBackend: m.backend, opset: m.onnx.opset },
        arrays: [{ role: 'onnx', name, sha256: m.onnx.sha256, bytes: m.onnx.bytes }],
      });
    }
    if (member.kind === 'run') {
      const r = await call('explanations.get', { id: member.id });
      return step(r, { params: { method: r.method, params: r.params, selection: r.selection, target: r.target }, seeds: { seed: r.seed }, engine: { ...r.engine }, arrays: arraysOf(r.files, true) });
    }
    const e = await call('evaluations.get', { id: member.id });
    const scores = await call('evaluations.scores', { id: member.id });
    const dataset = await call('datasets.get', { id: e.datasetId }).catch(() => null);
    const arrays = arraysOf(e.files, true);
    const csv = (role: string, text: string) => {
      const name = `scores/${base}/${role}.csv`;
      addBytes(name, text);
      arrays.push({ role: `${role}.csv`, name, sha256: sha256Bytes(text), bytes: Buffer.byteLength(text) });
    };
    csv('scores', perImageCsv(e, scores, dataset?.classNames ?? []));
    csv('summary', summaryCsv(e));
    csv('tests', testsCsv(e));
    const masks = await groundTruthMasks(call, e.datasetId, e.groundTruth, Array.from(scores.indices));
    if (masks !== null) {
      const name = `arrays/${base}/masks.npy`;
      const bytes = encodeNpy(masks.data, masks.shape);
      addBytes(name, bytes);
      arrays.push({ role: 'masks', name, sha256: sha256Bytes(bytes), bytes: bytes.length, dtype: 'uint8', shape: masks.shape });
    }
    return step(e, {
      params: { metrics: e.metricDetails.map((m) => ({ id: m.id, params: m.params })), groundTruth: e.groundTruth, resamples: e.resamples, level: e.level, columns: e.columns.map((c) => c.label) },
      seeds: { seed: e.seed },
      engine: { ...e.engine },
      arrays,
    });
  }
}

/** The ground truth an evaluation scored against, for its rows' images, [rows, H, W] uint8; null without one. */
export async function groundTruthMasks(
  call: CallApi,
  datasetId: number,
  gt: { kind: 'generated'; mask: string } | { kind: 'set'; id: number; label?: number } | null,
  indices: number[],
): Promise<{ data: Uint8Array; shape: number[] } | null> {
  if (gt === null || indices.length === 0) return null;
  // The API serves masks 4,096 images at a time.
  const parts: Uint8Array[] = [];
  let shape: number[] = [];
  for (let at = 0; at < indices.length; at += 4096) {
    const some = indices.slice(at, at + 4096);
    const batch = gt.kind === 'generated' ? await call('datasets.masks', { id: datasetId, kind: gt.mask as never, indices: some }) : await call('annotations.masks', { id: gt.id, indices: some });
    parts.push(batch.data);
    shape = [...batch.shape];
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) (data.set(p, offset), (offset += p.length));
  return { data, shape: [indices.length, shape[1]!, shape[2]!] };
}

/** Writes the bundle of `study` as the zip `path`; returns its size in bytes. */
export async function exportBundle(study: Study, deps: BundleExportDeps, path: string): Promise<number> {
  return writeZip(path, await bundleEntries(study, deps));
}
