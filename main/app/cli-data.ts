// `heatlab data …`: generate, import, list and remove datasets from the command line.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Api } from '../../shared/api.js';
import type { Dataset, ImageShape, ImportOptions } from '../../shared/datasets.js';
import { HeatlabError } from '../../shared/errors.js';
import { formatDuration } from '../../shared/format.js';
import { generatorIds, generatorSchemas, type GeneratorId } from '../../shared/generators.js';
import type { Job } from '../../shared/jobs.js';
import { COUNT, parseDecimal, parseId, SEED, wholeOption } from './cli-numbers.js';
import { failJob, followJob, out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';

export const dataUsage = `  data generate GEN      Generate a benchmark dataset; GEN is one of ${generatorIds.join(', ')}
                         (--n N --seed S --size PX --name NAME --split 0.5,0.2,0.3 --set key=value …)
  data import PATH       Import a folder with one sub-folder per class, an IDX file, or .npy/.npz arrays
                         (--name NAME --grey --resize WxH[:stretch|pad|crop] --masks DIR --split … --seed S
                         --shape HxW: cut flat rows (N, H·W) into images; square rows are cut by themselves)
  data list              The datasets in the workspace
  data rm ID             Delete a dataset and its files`;

/** "0.5,0.2,0.3" → { train, validation, test }. */
function parseSplit(text: string): { train: number; validation: number; test: number } {
  const parts = text.split(',').map((p) => parseDecimal(p.trim()));
  if (parts.length !== 3 || parts.some((p) => p === null)) throw new UsageError(`--split takes three fractions such as 0.5,0.2,0.3, not "${text}".`);
  const [train, validation, test] = parts as [number, number, number];
  return { train, validation, test };
}

/** `--set key=value`: numbers, true/false and JSON values are understood; anything else is text. */
function parseSetting(setting: string): [string, unknown] {
  const eq = setting.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set takes key=value, not "${setting}".`);
  const text = setting.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // plain text
  }
  return [setting.slice(0, eq), value];
}

function describe(d: Dataset): string {
  const splits = `${d.splitCounts.train.toLocaleString('en-US')}/${d.splitCounts.validation.toLocaleString('en-US')}/${d.splitCounts.test.toLocaleString('en-US')}`;
  return `Dataset ${d.id} "${d.name}": ${d.count.toLocaleString('en-US')} images ${d.height}×${d.width}×${d.channels} ${d.dtype}, classes ${d.classNames.join(', ')}, train/validation/test ${splits}.`;
}

async function finishDatasetJob(api: Api, started: Job, json: boolean): Promise<Dataset> {
  const job = await followJob(api, started, json);
  if (job.status !== 'done') failJob(job);
  return unwrap(await api['datasets.get']({ id: (job.result as { datasetId: number }).datasetId }));
}

async function generate(options: Options, args: string[]): Promise<void> {
  const [generator, ...extra] = args;
  if (generator === undefined || !(generatorIds as string[]).includes(generator)) {
    throw new UsageError(`data generate needs a generator: one of ${generatorIds.join(', ')}.`);
  }
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  const params: Record<string, unknown> = Object.fromEntries((options.set ?? []).map(parseSetting));
  const count = wholeOption(options.n, 'n', COUNT);
  if (count !== undefined) params.count = count;
  const seed = wholeOption(options.seed, 'seed', SEED);
  if (seed !== undefined) params.seed = seed;
  const size = wholeOption(options.size, 'size', COUNT);
  if (size !== undefined) params.size = size;
  if (options.split !== undefined) params.split = parseSplit(options.split);
  // Validate here too, so a bad value is a usage error naming the option before anything starts.
  const checked = generatorSchemas[generator as GeneratorId].safeParse(params);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new UsageError(`Invalid ${issue.path.join('.') || 'parameters'} for ${generator}: ${issue.message}.`);
  }
  const dataset = await withHeatlab(options, async (api) => {
    const started = unwrap(await api['datasets.generate']({ generator: generator as GeneratorId, params, name: options.name } as never));
    return finishDatasetJob(api, started, options.json);
  });
  if (options.json) out(JSON.stringify(dataset, null, 2));
  else out(`${describe(dataset)} Generated in ${formatDuration(dataset.seconds)}.`);
}

function parseResize(text: string): ImportOptions['size'] {
  const match = /^(\d+)x(\d+)(?::(stretch|pad|crop))?$/.exec(text);
  if (!match) throw new UsageError(`--resize takes WxH with an optional :stretch, :pad or :crop, such as 64x64:pad, not "${text}".`);
  return { policy: 'resize', width: Number(match[1]), height: Number(match[2]), mode: (match[3] ?? 'stretch') as 'stretch' | 'pad' | 'crop' };
}

/** "28x28" → height 28, width 28 (height first, as numpy's shape reads). */
function parseShape(text: string): ImageShape {
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (!match) throw new UsageError(`--shape takes HxW, the height and width of each image, such as 28x28, not "${text}".`);
  return { height: Number(match[1]), width: Number(match[2]) };
}

async function importData(options: Options, args: string[]): Promise<void> {
  if (args.length !== 1) throw new UsageError('data import needs exactly one PATH: a folder, an IDX file, or a .npy/.npz file.');
  const path = resolve(args[0]!);
  if (!existsSync(path)) throw new HeatlabError('not_found', `${path} does not exist.`);
  const request: Partial<ImportOptions> & { path: string } = { path, channels: options.grey ? 'grey' : 'keep' };
  if (options.name !== undefined) request.name = options.name;
  if (options.resize !== undefined) request.size = parseResize(options.resize);
  if (options.masks !== undefined) request.masksPath = resolve(options.masks);
  if (options.shape !== undefined) request.shape = parseShape(options.shape);
  if (options.split !== undefined) request.split = parseSplit(options.split);
  const seed = wholeOption(options.seed, 'seed', SEED);
  if (seed !== undefined) request.seed = seed;
  const dataset = await withHeatlab(options, async (api) => {
    const plan = unwrap(await api['datasets.inspect']({ path, ...(request.shape ? { shape: request.shape } : {}) }));
    if (plan.problems.length > 0) throw new HeatlabError('invalid_request', plan.problems.join(' '));
    const started = unwrap(await api['datasets.import'](request));
    return finishDatasetJob(api, started, options.json);
  });
  if (options.json) out(JSON.stringify(dataset, null, 2));
  else {
    out(describe(dataset));
    const report = dataset.report;
    if (report) {
      out(`Imported ${report.imported.toLocaleString('en-US')} images in ${formatDuration(report.seconds)}; ${report.resized} resized, ${report.hidden} hidden files passed over.`);
      if (report.masksMatched !== null) out(`Masks matched for ${report.masksMatched} images (annotation set ${report.annotationSetId ?? '—'}).`);
      for (const s of report.skipped) out(`Skipped ${s.file}: ${s.reason}`);
    }
  }
}

async function list(options: Options): Promise<void> {
  const datasets = await withHeatlab(options, async (api) => unwrap(await api['datasets.list']({})));
  if (options.json) out(JSON.stringify(datasets, null, 2));
  else if (datasets.length === 0) out('No datasets yet. Make one with `heatlab data generate triangles-squares`.');
  else {
    for (const d of datasets) {
      const source = d.generator ?? 'imported';
      out(`#${d.id}  ${d.name.padEnd(40)} ${source.padEnd(24)} ${String(d.count).padStart(8)}  ${d.height}×${d.width}×${d.channels}  ${d.classNames.length} classes  ${d.createdAt.slice(0, 10)}`);
    }
  }
}

async function remove(options: Options, args: string[]): Promise<void> {
  const id = args.length === 1 ? parseId(args[0]) : null;
  if (id === null) throw new UsageError('data rm needs one dataset id, such as `heatlab data rm 3`.');
  await withHeatlab(options, async (api) => unwrap(await api['datasets.delete']({ id })));
  if (options.json) out(JSON.stringify({ deleted: id }));
  else out(`Deleted dataset ${id} and its files.`);
}

export async function dataCommand(options: Options, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'generate':
      return generate(options, rest);
    case 'import':
      return importData(options, rest);
    case 'list':
    case 'ls':
      if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
      return list(options);
    case 'rm':
    case 'delete':
      return remove(options, rest);
    default:
      throw new UsageError(verb === undefined ? 'data needs a verb: generate, import, list or rm.' : `Unknown data verb "${verb}"; use generate, import, list or rm.`);
  }
}
