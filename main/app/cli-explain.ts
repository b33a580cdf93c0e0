// `heatlab explain …`: run attribution methods on a model and dataset images, list the methods and
// the recorded runs, delete a run.
import { splitNames } from '../../shared/datasets.js';
import { describeTarget, selectionShortfall, type ExplainMethodInfo, type ExplainRequest, type ExplanationRun, type ExplanationTarget } from '../../shared/explanations.js';
import { formatDuration } from '../../shared/format.js';
import { COUNT, ID, parseDecimal, parseId, parseWholeNumber, SEED, wholeOption } from './cli-numbers.js';
import { dottedParams, failJob, followJob, out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';
import { clusterShards } from './cli-cluster.js';

export const explainUsage = `  explain                Explain a model's predictions (--model ID --dataset ID --methods a,b,c
                         --split test|train|validation|all --n N [--random] [--indices 3,14,15]
                         [--class K] [--outcome correct|incorrect] [--confidence 0.4-0.6]
                         --target predicted|true|all|CLASS --seed S --set method.param=value
                         [--cluster slurm --shards N] to run it as N shards on Slurm)
  explain methods        The attribution methods and their parameters
  explain list           The recorded explanation runs (--model ID, --dataset ID)
  explain rm ID          Delete explanation run ID and its heatmaps`;

function parseTarget(value: string | undefined): ExplanationTarget {
  if (value === undefined) return 'predicted';
  if (value === 'predicted' || value === 'true' || value === 'all') return value;
  const k = parseWholeNumber(value);
  if (k === null || k < 0) throw new UsageError(`--target must be predicted, true, all or a class number, not "${value}".`);
  return { class: k };
}

/** "0.4-0.6" → { min: 0.4, max: 0.6 }. */
function parseConfidence(value: string): { min: number; max: number } {
  const m = /^(\d*\.?\d+)-(\d*\.?\d+)$/.exec(value.trim());
  const [min, max] = m ? [parseDecimal(m[1]!) ?? NaN, parseDecimal(m[2]!) ?? NaN] : [NaN, NaN];
  if (!(min >= 0 && max <= 1 && min <= max)) throw new UsageError(`--confidence takes a range of probabilities such as 0.4-0.6, not "${value}".`);
  return { min, max };
}

function request(options: Options): ExplainRequest {
  const modelId = wholeOption(options.model, 'model', ID);
  const datasetId = wholeOption(options.dataset, 'dataset', ID);
  if (modelId === undefined || datasetId === undefined) throw new UsageError('explain needs --model ID and --dataset ID (see `heatlab models list` and `heatlab data list`).');
  if (!options.methods) throw new UsageError('explain needs --methods, e.g. --methods gradient,integrated-gradients,rise (see `heatlab explain methods`).');
  const methods = options.methods.split(',').map((m) => m.trim()).filter((m) => m !== '');
  const split = (options.split ?? 'test') as ExplainRequest['images']['split'];
  if (split !== 'all' && !(splitNames as readonly string[]).includes(split)) throw new UsageError(`--split must be one of ${splitNames.join(', ')} or all.`);
  const indices = options.indices?.split(',').map((v) => {
    const k = parseWholeNumber(v.trim());
    if (k === null || k < 0) throw new UsageError(`--indices takes image numbers separated by commas, not "${v}".`);
    return k;
  });
  const label = wholeOption(options.class, 'class', { min: 0 });
  if (options.outcome !== undefined && options.outcome !== 'correct' && options.outcome !== 'incorrect') throw new UsageError(`--outcome must be correct or incorrect, not "${options.outcome}".`);
  const seed = wholeOption(options.seed, 'seed', SEED) ?? 1;
  const params = dottedParams(options.set, methods, 'method', 'rise.masks=2000');
  return {
    modelId,
    datasetId,
    images: {
      split,
      pick: indices ? 'indices' : options.random ? 'random' : 'first',
      n: wholeOption(options.n, 'n', COUNT),
      indices,
      seed,
      ...(label !== undefined ? { label } : {}),
      ...(options.outcome !== undefined ? { outcome: options.outcome } : {}),
      ...(options.confidence !== undefined ? { confidence: parseConfidence(options.confidence) } : {}),
    },
    methods: methods.map((id) => ({ id, params: params[id] ?? {} })),
    target: parseTarget(options.target),
    seed,
  };
}

function describeRun(r: ExplanationRun): string {
  const { min, max, nonFinite } = r.stats;
  const bad = nonFinite > 0 ? `, ${nonFinite} values not finite` : '';
  return `Run ${r.id} ${r.methodLabel}: ${r.count.toLocaleString('en-US')} images (${describeTarget(r.target, r.classNames)}) in ${formatDuration(r.seconds)}, ${Math.round(r.imagesPerSecond).toLocaleString('en-US')} images/s, values ${min.toPrecision(3)} … ${max.toPrecision(3)}${bad}.`;
}

function describeMethod(m: ExplainMethodInfo): string {
  const props = (m.params.properties ?? {}) as Record<string, { default?: unknown }>;
  const params = Object.entries(props).map(([k, p]) => (p.default === undefined ? k : `${k}=${JSON.stringify(p.default)}`));
  return `${m.id.padEnd(34)} ${m.label} (${m.kind}${m.random ? ', seeded' : ''}, ranked ${m.relevance === 'signed' ? 'by signed value' : 'by magnitude'})${params.length ? `: ${params.join(' ')}` : ''}`;
}

export async function explainCommand(options: Options, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const noMore = (from: string[]) => {
    if (from.length > 0) throw new UsageError(`Unexpected argument "${from[0]}".`);
  };
  if (verb === 'methods') {
    noMore(rest);
    const methods = await withHeatlab(options, async (api) => unwrap(await api['explain.methods']({})));
    if (options.json) out(JSON.stringify(methods, null, 2));
    else for (const m of methods) out(describeMethod(m));
    return;
  }
  if (verb === 'list' || verb === 'ls') {
    noMore(rest);
    const filter = { modelId: wholeOption(options.model, 'model', ID), datasetId: wholeOption(options.dataset, 'dataset', ID) };
    const runs = await withHeatlab(options, async (api) => unwrap(await api['explanations.list'](filter)));
    if (options.json) out(JSON.stringify(runs, null, 2));
    else if (runs.length === 0) out('No explanation runs yet.');
    else for (const r of runs) out(`${String(r.id).padStart(4)}  ${r.name}  (model ${r.modelId}, dataset ${r.datasetId}, ${formatDuration(r.seconds)})`);
    return;
  }
  if (verb === 'rm' || verb === 'delete') {
    const id = parseId(rest[0]);
    if (id === null || rest.length !== 1) throw new UsageError('explain rm takes one run ID (see `heatlab explain list`).');
    await withHeatlab(options, async (api) => unwrap(await api['explanations.delete']({ id })));
    if (!options.json) out(`Deleted explanation run ${id}.`);
    return;
  }
  if (verb !== undefined) throw new UsageError(`Unknown explain command "${verb}"; use explain (with --model …), explain methods, explain list or explain rm ID.`);
  // Before the workspace opens: a usage mistake leaves no workspace behind.
  const asked = request(options);
  const shards = clusterShards(options);
  const runs = await withHeatlab(options, async (api) => {
    const started = shards === null ? await api['explain.start'](asked) : await api['cluster.explain']({ ...asked, shards });
    const job = await followJob(api, unwrap(started), options.json);
    if (job.status !== 'done') failJob(job);
    const { runIds } = job.result as { runIds: number[] };
    return Promise.all(runIds.map(async (id) => unwrap(await api['explanations.get']({ id }))));
  });
  // On stderr, so --json output stays one document; every run of the job explained the same images.
  const shortfall = runs[0] && selectionShortfall(runs[0].selection, runs[0].count, runs[0].classNames);
  if (shortfall) process.stderr.write(`${shortfall}\n`);
  if (options.json) out(JSON.stringify(runs, null, 2));
  else for (const r of runs) out(describeRun(r));
}
