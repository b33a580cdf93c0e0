// `heatlab evaluate …`: score explanation runs with heatmap-quality metrics, list the metrics and
// the recorded evaluations, show one as a table, delete one.
import { chanceMarks, chanceOf, chanceSentence, imageCountWords, validityFacts, validityHeadline } from '../../shared/evaluation-words.js';
import type { Api } from '../../shared/api.js';
import { reliabilityWords } from '../../shared/reliability-words.js';
import { isBaseline, type Evaluation, type GroundTruth, type MetricInfo } from '../../shared/evaluations.js';
import { formatDuration } from '../../shared/format.js';
import { seedMaskKinds } from '../../shared/annotations.js';
import { bestColumns, identicalPair, identicalWords } from '../../shared/ties-with-best.js';
import { compareCommand } from './cli-compare.js';
import { COUNT, ID, parseId, SEED, wholeOption } from './cli-numbers.js';
import { dottedParams, failJob, followJob, out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';
import { clusterShards } from './cli-cluster.js';

export const evaluateUsage = `  evaluate               Score explanation runs (--runs ID,ID --metrics a,b,c
                         --ground-truth ${seedMaskKinds.join('|')}|set:ID[:LABEL]
                         --seed S --resamples B --set metric.param=value --name NAME
                         [--cluster slurm --shards N] to run it as N shards on Slurm)
  evaluate metrics       The metrics and their parameters
  evaluate list          The recorded evaluations (--model ID, --dataset ID)
  evaluate show ID       An evaluation's table, ranking and tests
  evaluate compare ID,ID Evaluations of different models on the same images, method by method,
                         with paired tests between the models (--csv for a table)
  evaluate rm ID         Delete evaluation ID and its scores`;

function idList(value: string | undefined, name: string): number[] {
  return (value ?? '').split(',').filter((v) => v.trim() !== '').map((v) => {
    const id = parseId(v.trim());
    if (id === null) throw new UsageError(`--${name} takes ids separated by commas, not "${v}".`);
    return id;
  });
}

function parseGroundTruth(value: string | undefined): GroundTruth | undefined {
  if (value === undefined) return undefined;
  if ((seedMaskKinds as readonly string[]).includes(value)) return { kind: 'generated', mask: value as (typeof seedMaskKinds)[number] };
  const match = /^set:(\d+)(?::(\d+))?$/.exec(value);
  if (match === null) throw new UsageError(`--ground-truth takes a generated kind (${seedMaskKinds.join(', ')}) or set:ID[:LABEL], not "${value}".`);
  return { kind: 'set', id: Number(match[1]), ...(match[2] === undefined ? {} : { label: Number(match[2]) }) };
}

const fixed = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(3)) : '–');
const pValue = (p: number) => (Number.isNaN(p) ? 'n/a' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** The table: one line per column (methods, then the baseline), one cell per metric: mean [CI] n, the best marked *, a method no better than a random map marked. Then the evidence: removal checks, and per metric the comparison with chance and the significant pairs. */
export function formatEvaluation(e: Evaluation, classNames: readonly string[] = []): string[] {
  const width = Math.max(...e.columns.map((c) => c.label.length));
  const bests = e.metricDetails.map((m, k) => bestColumns(e.rankings[k], e.table[k]!.map((s) => s.mean)));
  const cells = e.metricDetails.map((m, k) =>
    e.columns.map((_, c) => {
      const s = e.table[k]![c]!;
      const chance = chanceOf(e.rankings[k], c);
      const mark = chance === undefined || isBaseline(e.columns[c]!) ? '' : chanceMarks[chance.verdict];
      return `${bests[k]!.has(c) ? '*' : ' '}${fixed(s.mean)} [${fixed(s.low)}, ${fixed(s.high)}] n=${s.n}${mark ? ` ${mark}` : ''}`;
    }),
  );
  const widths = e.metricDetails.map((m, k) => Math.max(`${m.label} ${m.higherIsBetter ? '↑' : '↓'}`.length, ...cells[k]!.map((c) => c.length)));
  const lines = [
    `Evaluation ${e.id} "${e.name}": ${imageCountWords(e)}, ground truth ${e.groundTruthLabel ?? 'none'}, seed ${e.seed}, ${Math.round(e.level * 100)} % bootstrap CIs (${e.resamples} resamples), ${formatDuration(e.seconds)}.`,
    `${''.padEnd(width)}  ${e.metricDetails.map((m, k) => `${m.label} ${m.higherIsBetter ? '↑' : '↓'}`.padEnd(widths[k]!)).join('  ')}`,
    ...e.columns.map((col, c) => `${col.label.padEnd(width)}  ${cells.map((cell, k) => cell[c]!.padEnd(widths[k]!)).join('  ')}`),
  ];
  if (e.evidence !== null && e.evidence.validity.length > 0) {
    lines.push('', 'Is the perturbation a removal? (seeded sample of the evaluated images, before scoring)');
    for (const v of e.evidence.validity) {
      lines.push(`  ${validityHeadline(v)} — ${v.metrics.join(', ')}`);
      for (const fact of validityFacts(v, classNames)) lines.push(`    ${fact}`);
      for (const w of v.warnings) lines.push(`    ! ${w}`);
      for (const note of v.notes) lines.push(`    Note: ${note}`);
    }
  }
  if (e.evidence !== null) {
    const words = reliabilityWords(e.evidence.reliability, { metrics: Object.fromEntries(e.metricDetails.map((m) => [m.id, m.label])) });
    lines.push('', 'How reliable are the rankings? (Tomsett et al. 2020)');
    for (const m of words.metrics) lines.push(`  ${m.interRater}`, `  ${m.interMethod}`);
    for (const c of words.consistency) lines.push(`  ${c.text}`);
  }
  lines.push('');
  for (const [k, ranking] of e.rankings.entries()) {
    const significant = ranking.tests.filter((t) => t.pHolm < 0.05);
    const order = ranking.order.map((c) => e.columns[c]!.label).join(' > ');
    lines.push(`${e.metricDetails[k]!.label}: ${order}; ${significant.length} of ${ranking.tests.length} pair${ranking.tests.length === 1 ? '' : 's'} differ${ranking.tests.length === 1 ? 's' : ''} (Wilcoxon, Holm p < 0.05)`);
    lines.push(`  ${chanceSentence(e, ranking)}`);
    for (const t of ranking.tests.filter(identicalPair)) lines.push(`  ${e.columns[t.a]!.label} vs ${e.columns[t.b]!.label}: ${identicalWords}`);
    for (const t of significant) lines.push(`  ${e.columns[t.a]!.label} vs ${e.columns[t.b]!.label}: mean difference ${fixed(t.meanDifference)}, W⁺ ${t.statistic}, n ${t.n}, p ${pValue(t.p)}, Holm ${pValue(t.pHolm)}`);
  }
  return lines;
}

/** The dataset's class names; none when it was deleted (the evaluation stays readable). */
async function classNamesOf(api: Api, datasetId: number): Promise<string[]> {
  const dataset = await api['datasets.get']({ id: datasetId });
  return dataset.ok ? dataset.value.classNames : [];
}

function describeMetric(m: MetricInfo): string {
  const props = (m.params.properties ?? {}) as Record<string, { default?: unknown }>;
  const params = Object.entries(props).map(([k, p]) => (p.default === undefined ? k : `${k}=${JSON.stringify(p.default)}`));
  const needs = [m.needs.mask ? 'ground truth' : '', m.needs.model ? 'model' : '', m.needs.explainer ? 're-explains' : ''].filter((n) => n !== '');
  return `${m.id.padEnd(30)} ${m.label} (${m.family}, ${m.higherIsBetter ? 'higher' : 'lower'} is better${needs.length ? `; needs ${needs.join(', ')}` : ''})${params.length ? `: ${params.join(' ')}` : ''}`;
}

export async function evaluateCommand(options: Options, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const noMore = (from: string[]) => {
    if (from.length > 0) throw new UsageError(`Unexpected argument "${from[0]}".`);
  };
  const oneId = (what: string) => {
    const id = parseId(rest[0]);
    if (id === null || rest.length !== 1) throw new UsageError(`evaluate ${what} takes one evaluation ID (see \`heatlab evaluate list\`).`);
    return id;
  };
  if (verb === 'metrics') {
    noMore(rest);
    const metrics = await withHeatlab(options, async (api) => unwrap(await api['evaluate.metrics']({})));
    if (options.json) out(JSON.stringify(metrics, null, 2));
    else for (const m of metrics) out(describeMetric(m));
    return;
  }
  if (verb === 'list' || verb === 'ls') {
    noMore(rest);
    const filter = { modelId: wholeOption(options.model, 'model', ID), datasetId: wholeOption(options.dataset, 'dataset', ID) };
    const list = await withHeatlab(options, async (api) => unwrap(await api['evaluations.list'](filter)));
    if (options.json) out(JSON.stringify(list, null, 2));
    else if (list.length === 0) out('No evaluations yet.');
    else for (const e of list) out(`${String(e.id).padStart(4)}  ${e.name}  (runs ${e.runIds.join(', ')}, ${e.count} images, ${formatDuration(e.seconds)})`);
    return;
  }
  if (verb === 'show') {
    const id = oneId('show');
    const { e, classNames } = await withHeatlab(options, async (api) => {
      const e = unwrap(await api['evaluations.get']({ id }));
      return { e, classNames: await classNamesOf(api, e.datasetId) };
    });
    if (options.json) out(JSON.stringify(e, null, 2));
    else for (const line of formatEvaluation(e, classNames)) out(line);
    return;
  }
  if (verb === 'compare') return compareCommand(options, rest);
  if (verb === 'rm' || verb === 'delete') {
    const id = oneId('rm');
    await withHeatlab(options, async (api) => unwrap(await api['evaluations.delete']({ id })));
    if (!options.json) out(`Deleted evaluation ${id}.`);
    return;
  }
  if (verb !== undefined) throw new UsageError(`Unknown evaluate command "${verb}"; use evaluate (with --runs …), evaluate metrics, evaluate list, evaluate show ID, evaluate compare ID,ID or evaluate rm ID.`);
  const runIds = idList(options.runs, 'runs');
  if (runIds.length === 0) throw new UsageError('evaluate needs --runs ID,ID (see `heatlab explain list`).');
  const metrics = (options.metrics ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (metrics.length === 0) throw new UsageError('evaluate needs --metrics, e.g. --metrics region-perturbation,relevance-mass-accuracy (see `heatlab evaluate metrics`).');
  const params = dottedParams(options.set, metrics, 'metric', 'region-perturbation.steps=50');
  const request = {
    runIds,
    metrics: metrics.map((id) => ({ id, params: params[id] ?? {} })),
    groundTruth: parseGroundTruth(options['ground-truth']),
    seed: wholeOption(options.seed, 'seed', SEED),
    resamples: wholeOption(options.resamples, 'resamples', COUNT),
    name: options.name,
  };
  const shards = clusterShards(options);
  const { evaluation, classNames } = await withHeatlab(options, async (api) => {
    const started = shards === null ? await api['evaluate.start'](request) : await api['cluster.evaluate']({ ...request, shards });
    const job = await followJob(api, unwrap(started), options.json);
    if (job.status !== 'done') failJob(job);
    const evaluation = unwrap(await api['evaluations.get']({ id: (job.result as { evaluationId: number }).evaluationId }));
    return { evaluation, classNames: await classNamesOf(api, evaluation.datasetId) };
  });
  if (options.json) out(JSON.stringify(evaluation, null, 2));
  else for (const line of formatEvaluation(evaluation, classNames)) out(line);
}
