// `heatlab study …`: make a study from a template or a study file, run (or resume) it, list, show
// and delete studies, and write a template out as a study file to edit.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { withAbsolutePaths } from '../study/plan-paths.js';
import type { Api } from '../../shared/api.js';
import { HeatlabError } from '../../shared/errors.js';
import { formatPercent } from '../../shared/format.js';
import { studySizes, type Study, type StudyCluster, type StudyProgress, type StudySize, type StudySummary } from '../../shared/studies.js';
import { findChromium, PRINT_FROM_BROWSER } from '../study/report/pdf.js';
import { clusterShards } from './cli-cluster.js';
import { formatEvaluation } from './cli-evaluate.js';
import { parseId } from './cli-numbers.js';
import { out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';
import type { Heatlab } from './heatlab.js';
import type { BundleManifest, StudyBundleCheck } from '../../shared/study-bundle.js';

export const studyUsage = `  study new              Make a study (--template samek2017|ts2018|counting-circles|your-data
                         [--size small|full] | --file PLAN.json) [--name NAME]
  study run ID|FILE      Run a study, or resume it: steps already done are skipped
                         [--cluster slurm --shards N: explain and evaluate on Slurm]
  study list             The studies in the workspace
  study show ID          A study's plan, steps and what each produced
  study rm ID            Delete a study (--with-results: also what it made that nothing else uses)
  study template ID      Print a template as a study file to edit (--size small|full)
  study report ID        The study's report as one HTML file [--pdf] [--out DIR]
  study export ID        The study's reproducibility bundle as one zip [--out DIR]
  study run BUNDLE.zip   Recompute a bundle's study here and name every score that differs`;

function sizeOption(value: string | undefined): StudySize {
  if (value === undefined) return 'small';
  if (!(studySizes as readonly string[]).includes(value)) throw new UsageError(`--size takes ${studySizes.join(' or ')} for a study, not "${value}".`);
  return value as StudySize;
}

/** A study file's content, its relative paths resolved against its folder so the file can travel with its data. */
export function readPlanFile(path: string): Record<string, unknown> {
  const file = resolve(path);
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : err instanceof SyntaxError ? `it is not JSON (${err.message})` : (err as Error).message;
    throw new HeatlabError('invalid_request', `The study file ${file} cannot be read: ${why}.`);
  }
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) throw new HeatlabError('invalid_request', `The study file ${file} must hold one JSON object.`);
  return withAbsolutePaths(plan as Record<string, unknown>, dirname(file));
}

function progressLine(p: StudyProgress): string {
  const step = p.step === null ? p.message : `step ${p.step.index + 1}/${p.total}: ${p.step.label}${p.step.jobId === null ? '' : ` — ${p.step.message}`}`;
  const width = 24;
  const filled = Math.round(p.fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatPercent(p.fraction)} ${step}`.slice(0, Math.max(40, (process.stderr.columns ?? 120) - 1));
}

function summaryLine(s: StudySummary): string {
  const template = s.template === null ? '' : ` [${s.template.id}, ${s.template.size}]`;
  return `${String(s.id).padStart(4)}  ${s.name}${template}  ${s.status}, ${s.steps.done}/${s.steps.total} steps${s.error ? ` — ${s.error.message}` : ''}`;
}

const memberWords = (m: Study['members'][number]) => `${m.kind} ${m.id}${m.origin === 'created' ? '' : m.origin === 'found' ? ' (found in the catalogue)' : ' (named by the plan)'}`;

function formatStudy(study: Study): string[] {
  const lines = [`Study ${study.id} "${study.name}": ${study.status}, ${study.steps.done} of ${study.steps.total} steps done.`];
  if (study.question !== '') lines.push(`Question: ${study.question}`);
  if (study.plan.template !== undefined) {
    lines.push(`Template: ${study.plan.template.id} (${study.plan.template.size}). ${study.plan.template.citation}`);
    for (const d of study.plan.template.differences) lines.push(`  Differs from the paper: ${d}`);
  }
  if (study.error !== null) lines.push(`Stopped: ${study.error.message}`);
  lines.push('');
  for (const step of study.pipeline) {
    const mark = step.state === 'done' ? '✓' : step.state === 'running' ? '…' : ' ';
    const made = step.members.length === 0 ? '' : ` → ${step.members.map(memberWords).join(', ')}`;
    lines.push(`${mark} ${step.label}${made}`);
  }
  return lines;
}

/** Runs the study to its end here, drawing its progress on stderr when that is a terminal; Ctrl+C cancels it. */
async function runToEnd(api: Api, heatlab: Heatlab, id: number, json: boolean, cluster?: StudyCluster): Promise<Study> {
  const draw = !json && process.stderr.isTTY;
  const off = api.on('study.progress', (p) => {
    if (draw && p.studyId === id && p.status === 'running') process.stderr.write(`\r\x1b[2K${progressLine(p)}`);
  });
  const onSigint = () => void api['studies.cancel']({ id });
  process.once('SIGINT', onSigint);
  try {
    unwrap(await api['studies.run']({ id, cluster }));
    return await heatlab.studies.waitFor(id);
  } finally {
    if (draw) process.stderr.write('\r\x1b[2K');
    off();
    process.off('SIGINT', onSigint);
  }
}

async function printResults(api: Api, study: Study): Promise<void> {
  for (const line of formatStudy(study)) out(line);
  for (const member of study.members.filter((m) => m.kind === 'evaluation')) {
    const evaluation = await api['evaluations.get']({ id: member.id });
    if (!evaluation.ok) continue;
    const table = formatEvaluation(evaluation.value);
    out('');
    out(`${member.slot}:`);
    for (const line of table.slice(0, 2 + evaluation.value.columns.length)) out(line);
    out(`(heatlab evaluate show ${member.id} for the evidence and every test)`);
  }
}

const formatBytes = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

const softwareWords = (s: BundleManifest['software']) =>
  `Heatlab ${s.heatlab}, Node ${s.node} on ${s.platform}, ONNX Runtime ${s.ort ?? 'unknown'}, tfjs ${s.tfjs ?? 'unknown'} (${s.tfjsBackend ?? 'backend unknown'})`;

/** The comparison in words: what was compared, what changed since the export, and every value that differs. */
export function formatBundleCheck(check: StudyBundleCheck): string[] {
  const { scores, arrays, models } = check.compared;
  const lines = [`Compared ${scores} score${scores === 1 ? '' : 's'}, ${arrays} arra${arrays === 1 ? 'y' : 'ys'} and ${models} model${models === 1 ? '' : 's'} with the bundle: ${check.same ? 'none differs.' : `${check.differences.length} value${check.differences.length === 1 ? '' : 's'} differ${check.differences.length === 1 ? 's' : ''}.`}`];
  for (const a of check.altered) lines.push(`Changed since the export: ${a.file} (${a.how === 'changed' ? 'its bytes differ from the checksum the manifest records' : a.how === 'missing' ? 'the manifest lists it, the bundle lacks it' : 'the manifest does not list it'}).`);
  for (const d of check.differences) lines.push(`Differs: ${d.file} [${d.slot}] ${d.what}: bundle ${d.bundle}, recomputed ${d.recomputed}`);
  const [made, here] = [softwareWords(check.software.bundle), softwareWords(check.software.here)];
  if (!check.same && made !== here) lines.push(`The bundle was made with ${made}; this machine has ${here}.`);
  return lines;
}

/** `study run BUNDLE.zip`: the bundle checked and unpacked, its plan run as a new study here, and the result compared with the bundle. */
async function runBundle(options: StudyOptions, zip: string, cluster: StudyCluster | undefined): Promise<void> {
  const { study, check } = await withHeatlab(options, async (api, heatlab) => {
    const opened = await heatlab.studyBundles.open(zip);
    const created = unwrap(await api['studies.create']({ plan: opened.plan, name: options.name }));
    const finished = await runToEnd(api, heatlab, created.id, options.json, cluster);
    return { study: finished, check: finished.status === 'done' ? await heatlab.studyBundles.check(finished.id, opened) : null };
  });
  if (check === null) {
    const error = study.error ?? { code: 'internal' as const, message: `Study ${study.id} ended ${study.status}.` };
    throw new HeatlabError(error.code, error.message, error.details);
  }
  if (options.json) out(JSON.stringify(check, null, 2));
  else {
    out(`Study ${study.id} "${study.name}" recomputed from ${zip}.`);
    for (const line of formatBundleCheck(check)) out(line);
  }
  // A difference is a finding, not a failure of the command: the exit code tells scripts.
  if (!check.same) process.exitCode = 1;
}

/** `--cluster slurm [--shards N]`: the explanation and evaluation steps on Slurm, or undefined to run everything here. */
function clusterOption(options: StudyOptions): StudyCluster | undefined {
  const shards = clusterShards(options);
  return shards === null ? undefined : { kind: 'slurm', shards };
}

/** The options `heatlab study` reads beyond the common ones. */
export type StudyOptions = Options & { out?: string; pdf?: boolean };

export async function studyCommand(options: StudyOptions, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const noMore = () => {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  };
  const oneId = (what: string) => {
    const id = parseId(rest[0]);
    if (id === null || rest.length !== 1) throw new UsageError(`study ${what} takes one study ID (see \`heatlab study list\`).`);
    return id;
  };
  switch (verb) {
    case 'new': {
      noMore();
      if ((options.template === undefined) === (options.file === undefined)) throw new UsageError('study new takes --template ID or --file PLAN.json (one of them).');
      const request =
        options.template !== undefined ? { template: { id: options.template, size: sizeOption(options.size) }, name: options.name } : { plan: readPlanFile(options.file!), name: options.name };
      const study = await withHeatlab(options, async (api) => unwrap(await api['studies.create'](request)));
      if (options.json) out(JSON.stringify(study, null, 2));
      else {
        out(`Study ${study.id} "${study.name}": ${study.steps.total} steps. Run it with \`heatlab study run ${study.id}\`.`);
        for (const step of study.pipeline) out(`  ${step.label}`);
      }
      return;
    }
    case 'run': {
      if (rest.length !== 1) throw new UsageError('study run takes one study ID, study file or bundle (.zip).');
      const cluster = clusterOption(options);
      if (/\.zip$/i.test(rest[0]!)) return runBundle(options, resolve(rest[0]!), cluster);
      const id = parseId(rest[0]);
      const study = await withHeatlab(options, async (api, heatlab) => {
        const studyId = id ?? unwrap(await api['studies.create']({ plan: readPlanFile(rest[0]!), name: options.name })).id;
        const finished = await runToEnd(api, heatlab, studyId, options.json, cluster);
        if (!options.json) await printResults(api, finished);
        return finished;
      });
      if (options.json) out(JSON.stringify(study, null, 2));
      if (study.status !== 'done') {
        const error = study.error ?? { code: 'internal' as const, message: `Study ${study.id} ended ${study.status}.` };
        throw new HeatlabError(error.code, error.message, error.details);
      }
      return;
    }
    case 'list':
    case 'ls': {
      noMore();
      const studies = await withHeatlab(options, async (api) => unwrap(await api['studies.list']({})));
      if (options.json) out(JSON.stringify(studies, null, 2));
      else if (studies.length === 0) out('No studies yet; make one with `heatlab study new --template samek2017`.');
      else for (const s of studies) out(summaryLine(s));
      return;
    }
    case 'show': {
      const id = oneId('show');
      const study = await withHeatlab(options, async (api) => unwrap(await api['studies.get']({ id })));
      if (options.json) out(JSON.stringify(study, null, 2));
      else for (const line of formatStudy(study)) out(line);
      return;
    }
    case 'rm':
    case 'delete': {
      const id = oneId('rm');
      const deletion = await withHeatlab(options, async (api) => unwrap(await api['studies.delete']({ id, withResults: options['with-results'] === true })));
      if (options.json) out(JSON.stringify(deletion, null, 2));
      else {
        out(`Deleted study ${id}${deletion.removed.length > 0 ? ` and ${deletion.removed.map((e) => `${e.kind} ${e.id}`).join(', ')}` : ''}.`);
        for (const k of deletion.kept) out(`Kept ${k.kind} ${k.id}: ${k.reason}.`);
      }
      return;
    }
    case 'template': {
      if (rest.length !== 1) throw new UsageError('study template takes one template ID (samek2017, ts2018, counting-circles or your-data).');
      const size = sizeOption(options.size);
      const templates = await withHeatlab(options, async (api) => unwrap(await api['studies.templates']({})));
      const template = templates.find((t) => t.id === rest[0]);
      if (template === undefined) throw new UsageError(`There is no study template "${rest[0]}"; the templates are ${templates.map((t) => t.id).join(', ')}.`);
      out(JSON.stringify(template.plans[size], null, 2));
      return;
    }
    case 'export': {
      const id = oneId('export');
      const bundle = await withHeatlab(options, async (api) => {
        const { folder } = unwrap(await api['files.grant']({ path: resolve(options.out ?? '.') }));
        return unwrap(await api['studies.export']({ id, folder }));
      });
      if (options.json) out(JSON.stringify(bundle, null, 2));
      else out(`Wrote ${bundle.path} (${formatBytes(bundle.bytes)})`);
      return;
    }
    case 'report': {
      const id = oneId('report');
      // Without a Chromium the HTML is still written, with the sentence saying how to print it.
      const note = options.pdf && findChromium() === null ? PRINT_FROM_BROWSER : null;
      const saved = await withHeatlab(options, async (api) => {
        const { folder } = unwrap(await api['files.grant']({ path: resolve(options.out ?? '.') }));
        return unwrap(await api['studies.saveReport']({ id, folder, pdf: options.pdf === true && note === null }));
      });
      if (options.json) out(JSON.stringify({ ...saved, note }, null, 2));
      else {
        out(`Wrote ${saved.path}`);
        if (saved.pdfPath !== null) out(`Wrote ${saved.pdfPath}`);
        if (note !== null) process.stderr.write(`heatlab: ${note}\n`);
      }
      return;
    }
    default:
      throw new UsageError(
        verb === undefined ? 'study needs a command: new, run, list, show, rm, template, report or export.' : `Unknown study command "${verb}"; use study new, run, list, show, rm, template, report or export.`,
      );
  }
}
