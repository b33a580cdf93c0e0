// Opening a bundle on this machine: its zip checked and unpacked (zip-read.ts) into the
// workspace's bundles/ folder under the zip's own hash — the same bundle always lands in the same
// place, so running it again finds the imports it made — its manifest read, every entry checked
// against the checksum the manifest records, and its study file's paths pointed at the unpacked files.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';
import { HeatlabError } from '../../../shared/errors.js';
import { BUNDLE_MANIFEST, BUNDLE_PLAN, type BundleManifest, type StudyBundleCheck } from '../../../shared/study-bundle.js';
import { withAbsolutePaths } from '../plan-paths.js';
import { sha256File } from './checksums.js';
import { readBundleEntries, unpackBundle } from './zip-read.js';

export interface OpenedBundle {
  zip: string;
  folder: string;
  manifest: BundleManifest;
  /** The study file with its paths made absolute inside `folder`. */
  plan: Record<string, unknown>;
  altered: StudyBundleCheck['altered'];
}

const software = z.object({ heatlab: z.string(), node: z.string(), platform: z.string(), ort: z.string().nullable(), tfjs: z.string().nullable(), tfjsBackend: z.string().nullable() });
const manifestSchema = z.object({
  format: z.literal('heatlab-study-bundle'),
  version: z.literal(1),
  createdAt: z.string(),
  study: z.object({ id: z.number(), name: z.string(), question: z.string(), status: z.string() }).loose(),
  software,
  steps: z.array(
    z
      .object({
        slot: z.string(),
        kind: z.string(),
        stepKey: z.string(),
        entity: z.object({ kind: z.string(), id: z.number() }).loose(),
        arrays: z.array(z.object({ role: z.string(), name: z.string().nullable(), sha256: z.string(), bytes: z.number() }).loose()),
      })
      .loose(),
  ),
  files: z.array(z.object({ name: z.string(), bytes: z.number(), sha256: z.string() })),
});

async function zipHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function filesIn(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)).split('\\').join('/'));
}

/** What a bundle's plan names outside the bundle — a path out of its folder, an entity of some catalogue — in words, or null. */
function foreignPart(plan: Record<string, unknown>): string | null {
  const outside = (value: unknown) => typeof value === 'string' && (isAbsolute(value) || value.split(/[\\/]/).includes('..'));
  const datasets = Array.isArray(plan.datasets) ? (plan.datasets as Record<string, unknown>[]) : [];
  for (const [d, dataset] of datasets.entries()) {
    if (dataset?.kind === 'existing') return `takes datasets[${d}] from a catalogue`;
    for (const key of ['path', 'masksPath']) if (outside(dataset?.[key])) return `names datasets[${d}].${key} ${String(dataset[key])}, outside the bundle`;
    const models = Array.isArray(dataset?.models) ? (dataset.models as Record<string, unknown>[]) : [];
    for (const [m, model] of models.entries()) {
      if (model?.kind === 'existing') return `takes datasets[${d}].models[${m}] from a catalogue`;
      for (const key of ['path', 'labelsFile']) if (outside(model?.[key])) return `names datasets[${d}].models[${m}].${key} ${String(model[key])}, outside the bundle`;
    }
  }
  const truths = Array.isArray(plan.groundTruths) ? (plan.groundTruths as Record<string, unknown>[]) : [];
  const set = truths.findIndex((g) => g?.kind === 'set');
  return set >= 0 ? `takes groundTruths[${set}] from an annotation set of a catalogue` : null;
}

/** Checks and unpacks the bundle `zip` under `bundlesDir`; refuses what is no Heatlab bundle in one sentence. */
export async function openBundle(zip: string, bundlesDir: string): Promise<OpenedBundle> {
  const entries = readBundleEntries(zip);
  for (const required of [BUNDLE_MANIFEST, BUNDLE_PLAN])
    if (!entries.some((e) => e.name === required)) throw new HeatlabError('invalid_request', `${zip} is no Heatlab study bundle: it has no ${required}.`);
  const folder = join(bundlesDir, (await zipHash(zip)).slice(0, 16));
  // Unpacked beside its place and moved there whole: a crash leaves no half-unpacked bundle to be taken for a whole one.
  mkdirSync(bundlesDir, { recursive: true });
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    await unpackBundle(zip, entries, partial);
    rmSync(folder, { recursive: true, force: true });
    renameSync(partial, folder);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }

  let manifest: BundleManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(join(folder, BUNDLE_MANIFEST), 'utf8'))) as unknown as BundleManifest;
  } catch (err) {
    throw new HeatlabError('invalid_request', `The bundle's ${BUNDLE_MANIFEST} is not a Heatlab bundle manifest of format 1 (${err instanceof SyntaxError ? err.message : 'a field is missing or of the wrong kind'}).`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(join(folder, BUNDLE_PLAN), 'utf8'));
  } catch (err) {
    throw new HeatlabError('invalid_request', `The bundle's ${BUNDLE_PLAN} is not JSON (${(err as Error).message}).`);
  }
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) throw new HeatlabError('invalid_request', `The bundle's ${BUNDLE_PLAN} must hold one JSON object.`);
  const foreign = foreignPart(plan as Record<string, unknown>);
  if (foreign !== null) throw new HeatlabError('invalid_request', `The bundle's ${BUNDLE_PLAN} ${foreign}; a bundle's plan makes every dataset and model from its own files.`);

  const altered: OpenedBundle['altered'] = [];
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const file of manifest.files) {
    const path = join(folder, ...file.name.split('/'));
    if (!existsSync(path)) altered.push({ file: file.name, how: 'missing' });
    else if ((await sha256File(path)) !== file.sha256) altered.push({ file: file.name, how: 'changed' });
  }
  for (const name of filesIn(folder)) if (name !== BUNDLE_MANIFEST && !listed.has(name)) altered.push({ file: name, how: 'added' });
  return { zip, folder, manifest, plan: withAbsolutePaths(plan as Record<string, unknown>, folder), altered };
}
