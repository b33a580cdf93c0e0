// The study's plan as a bundle carries it: every path made relative to the unpacked bundle (the
// imported images and masks, the imported ONNX files and labels ride along as inputs), and every
// entity the plan took from this catalogue turned into the step that makes it again — a generated
// dataset into its generator and seed, a trained model into its architecture and training, an
// imported one into its source file and import choices. What cannot be made again elsewhere (a
// hand-drawn annotation set, a model stopped by hand) is refused with one sentence.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HeatlabError } from '../../../shared/errors.js';
import type { StudyDataset, StudyModel, StudyPlan } from '../../../shared/studies.js';
import type { CallApi } from '../ports.js';
import { sha256File } from './checksums.js';

/** A file of this machine the bundle carries, under `name`. */
export interface BundleInput {
  name: string;
  file: string;
  bytes: number;
}

const refuse = (sentence: string): never => {
  throw new HeatlabError('invalid_request', sentence);
};

/** Regular files under `folder` (links to files followed, links to folders and hidden entries left out, as an import does), relative names sorted. */
function filesUnder(folder: string, prefix = ''): { relative: string; file: string; bytes: number }[] {
  const out: { relative: string; file: string; bytes: number }[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const file = join(folder, entry.name);
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(file, relative));
    else if (entry.isFile() || entry.isSymbolicLink()) {
      const s = statSync(file, { throwIfNoEntry: false });
      if (s?.isFile()) out.push({ relative, file, bytes: s.size });
    }
  }
  return out;
}

/**
 * The files beside an array file that an import pairs it with by name (x_train.npy with y_train.npy,
 * train-images-idx3-ubyte with train-labels-idx1-ubyte): the folder's other .npy files, or for IDX
 * its other files; an .npz holds its own pairs.
 */
function companions(path: string): { file: string; bytes: number }[] {
  const lower = path.toLowerCase();
  if (lower.endsWith('.npz')) return [];
  const folder = dirname(path);
  return filesUnder(folder)
    .filter((f) => !f.relative.includes('/') && f.file !== path && (!lower.endsWith('.npy') || f.relative.toLowerCase().endsWith('.npy')))
    .map(({ file, bytes }) => ({ file, bytes }));
}

/** Carries `path` (a file or a folder) under `under`; returns the bundle-relative path the plan names. */
function carry(path: string, under: string, inputs: BundleInput[], what: string, arrays = false): string {
  const s = lstatSync(path, { throwIfNoEntry: false }) && statSync(path, { throwIfNoEntry: false });
  if (!s) return refuse(`The bundle cannot carry ${what}: ${path} is gone.`);
  if (s.isFile()) {
    const name = `${under}/${basename(path)}`;
    inputs.push({ name, file: path, bytes: s.size });
    if (arrays) for (const c of companions(path)) inputs.push({ name: `${under}/${basename(c.file)}`, file: c.file, bytes: c.bytes });
    return name;
  }
  if (!s.isDirectory()) return refuse(`The bundle cannot carry ${what}: ${path} is neither a file nor a folder.`);
  for (const f of filesUnder(path)) inputs.push({ name: `${under}/${f.relative}`, file: f.file, bytes: f.bytes });
  return under;
}

const without = (value: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));

export interface PortablePlan {
  plan: Record<string, unknown>;
  inputs: BundleInput[];
}

/** `datasetIds`/`modelIds`: the catalogue ids the study's steps resolved to, by plan position. */
export async function portablePlan(plan: StudyPlan, call: CallApi, datasetIds: (number | undefined)[], modelIds: (number | undefined)[][]): Promise<PortablePlan> {
  const inputs: BundleInput[] = [];
  plan.groundTruths.forEach((gt, g) => {
    if (gt.kind === 'set')
      refuse(`The bundle cannot carry groundTruths[${g}], annotation set ${gt.id}: it was drawn in this workspace, and another machine could not make it again; use a generated ground truth or masks imported with the dataset.`);
  });
  const datasets = [];
  for (const [d, dataset] of plan.datasets.entries()) {
    const models = [];
    for (const [m, model] of dataset.models.entries()) models.push(await portableModel(model, d, m, call, datasetIds[d], modelIds[d]?.[m], inputs));
    datasets.push({ ...(await portableDataset(dataset, d, call, inputs)), models });
  }
  return { plan: { ...plan, datasets }, inputs };
}

async function portableDataset(dataset: StudyDataset, d: number, call: CallApi, inputs: BundleInput[]): Promise<Record<string, unknown>> {
  const under = `inputs/datasets-${d}`;
  const importOf = (options: Record<string, unknown>) => {
    const path = carry(String(options.path), `${under}/images`, inputs, `the images of datasets[${d}]`, true);
    const masksPath = typeof options.masksPath === 'string' ? carry(options.masksPath, `${under}/masks`, inputs, `the masks of datasets[${d}]`) : undefined;
    return { ...without(options, 'models', 'kind', 'path', 'masksPath'), kind: 'import', path, ...(masksPath === undefined ? {} : { masksPath }) };
  };
  if (dataset.kind === 'generate') return without(dataset, 'models');
  if (dataset.kind === 'import') return importOf(dataset);
  const found = await call('datasets.get', { id: dataset.datasetId });
  if (found.source === 'generated' && found.generator !== null) {
    const { seed, ...params } = found.params as Record<string, unknown> & { seed: number };
    return { kind: 'generate', generator: found.generator, params, seed, name: found.name };
  }
  return importOf({ ...found.params, name: found.name });
}

async function portableModel(model: StudyModel, d: number, m: number, call: CallApi, datasetId: number | undefined, modelId: number | undefined, inputs: BundleInput[]): Promise<Record<string, unknown>> {
  const under = `inputs/models-${d}-${m}`;
  const slot = `datasets[${d}].models[${m}]`;
  if (model.kind === 'train') return model;
  if (model.kind === 'onnx') {
    // The file the study imported must still be that file: the model's record holds its hash.
    if (modelId !== undefined) await sameSource(call, modelId, model.path, slot);
    const path = carry(model.path, under, inputs, `the ONNX file of ${slot}`);
    const labelsFile = model.labelsFile === undefined ? undefined : carry(model.labelsFile, `${under}/labels`, inputs, `the labels file of ${slot}`);
    return { ...model, path, ...(labelsFile === undefined ? {} : { labelsFile }) };
  }
  const found = await call('models.get', { id: model.modelId });
  if (found.source === 'trained') {
    if (found.architectureSpec === null || found.training === null) return refuse(`The bundle cannot carry ${slot}, model ${found.id}: its record lacks the architecture or training it was made with.`);
    if (found.stopReason === 'stopped') return refuse(`The bundle cannot carry ${slot}, model ${found.id}: its training was stopped by hand, so its parameters do not make it again.`);
    if (found.datasetId !== datasetId) return refuse(`The bundle cannot carry ${slot}, model ${found.id}: it was trained on dataset ${found.datasetId ?? 'gone'}, which is not datasets[${d}] of the study.`);
    return { kind: 'train', name: found.name, architecture: found.architectureSpec, training: found.training };
  }
  const imported = found.onnx.imported;
  if (imported === undefined) return refuse(`The bundle cannot carry ${slot}, model ${found.id}: its record lacks the file it was imported from.`);
  await sameSource(call, found.id, imported.sourcePath, slot);
  const job = found.jobId === null ? null : await call('jobs.get', { id: found.jobId }).catch(() => null);
  const params = (job?.params ?? {}) as Record<string, unknown>;
  const choices = without(params, 'path', 'name', 'testDatasetId', 'labelsFile');
  const classNames = params.labelsFile === undefined ? {} : { classNames: found.classNames };
  const path = carry(imported.sourcePath, under, inputs, `the ONNX file of ${slot}`);
  return {
    kind: 'onnx',
    name: found.name,
    input: imported.input,
    output: imported.output,
    layout: imported.layout,
    outputKind: imported.outputKind,
    ...choices,
    ...classNames,
    path,
  };
}

/** Refuses when the file a model was imported from has changed since (its recorded sha256). */
async function sameSource(call: CallApi, modelId: number, path: string, slot: string): Promise<void> {
  const imported = (await call('models.get', { id: modelId })).onnx.imported;
  if (imported === undefined) return;
  let hash: string | null = null;
  try {
    hash = await sha256File(path);
  } catch {
    hash = null;
  }
  if (hash !== imported.sourceSha256) refuse(`The bundle cannot carry ${slot}: ${path}, which model ${modelId} was imported from, ${hash === null ? 'is gone' : 'has changed since'}.`);
}
