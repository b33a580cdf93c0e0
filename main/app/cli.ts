// The `heatlab` command line: browser mode, and each verb as a call through the in-process Api.
// Errors are one sentence on stderr and a non-zero exit; `--json` prints machine-readable output.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiResults } from '../../shared/api.js';
import type { EngineCheckResult } from '../../shared/engine.js';
import { HeatlabError } from '../../shared/errors.js';
import { formatDuration } from '../../shared/format.js';
import type { JobStatus } from '../../shared/jobs.js';
import { resolveWorkspaceDir } from '../workspace/location.js';
import { catalogueCommand, catalogueUsage } from './cli-catalogue.js';
import { formatJobLine } from './cli-format.js';
import { dataCommand, dataUsage } from './cli-data.js';
import { evaluateCommand, evaluateUsage } from './cli-evaluate.js';
import { explainCommand, explainUsage } from './cli-explain.js';
import { clusterCommand, clusterUsage } from './cli-cluster.js';
import { shardCommand, shardUsage } from './cli-shard.js';
import { modelsCommand, modelsUsage, trainCommand } from './cli-models.js';
import { reportCommand, reportUsage, type ReportOptions } from './cli-report.js';
import { COUNT, decimalOption, wholeOption } from './cli-numbers.js';
import { parseCommandLine } from './cli-options.js';
import { studyCommand, studyUsage, type StudyOptions } from './cli-study.js';
import { failJob, followJob, out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';
import { openHeatlab } from './heatlab.js';
import { appVersion, rendererDir } from './paths.js';
import { startServer } from './serve.js';

const usage = () => `Usage: heatlab <command> [options]

Commands:
  serve                  Start browser mode on 127.0.0.1 and print its URL with the token
  info                   Version, workspace, catalogue and the resolved engines
  jobs                   Recent jobs (--status running,failed  --limit N)
  engine-check           Run the engine check job (--seconds N for a longer benchmark)
${dataUsage}
${modelsUsage}
${explainUsage}
${evaluateUsage}
${catalogueUsage}
${reportUsage}
${studyUsage}
${clusterUsage}
${shardUsage}

Options:
  --workspace DIR        Use this workspace folder (default: $HEATLAB_HOME or ~/.local/share/heatlab)
  --json                 Machine-readable output
  --port N               serve: port to listen on (default: a free one)
  -h, --help             This help
  -v, --version          Heatlab's version`;

function printInfo(info: ApiResults['app.info']): void {
  out(`Heatlab ${info.version} (${info.mode}, Node ${info.node}, ${info.platform})`);
  out(`Workspace   ${info.workspace}`);
  out(`Catalogue   ${info.catalogue.path} (schema ${info.catalogue.schemaVersion})`);
  if (info.engines === null) {
    out(`Engines     unavailable: ${info.enginesError}`);
    return;
  }
  const { tfjs, ort } = info.engines;
  out(`tfjs        ${tfjs.backend} (tfjs ${tfjs.tfjsVersion}) — ${tfjs.reason}`);
  for (const s of tfjs.skipped) out(`            not ${s.backend}: ${s.reason}`);
  out(`ONNX RT     ${ort.version}, providers ${ort.executionProviders.join(', ')}, ${ort.threads} threads`);
}

function printCheck(result: EngineCheckResult): void {
  const { tfjs, ort } = result;
  out(`tfjs ${result.engines.tfjs.backend}: ${tfjs.size}×${tfjs.size} matmul ${tfjs.msPerRun.toFixed(2)} ms (${tfjs.gflops.toFixed(1)} GFLOP/s), max error ${tfjs.maxAbsError.toExponential(1)}`);
  out(`ONNX Runtime: ${ort.graph}, batch ${ort.batch}: ${ort.msPerRun.toFixed(2)} ms (${Math.round(ort.imagesPerSecond)} images/s), max error ${ort.maxAbsError.toExponential(1)}`);
  out(result.passed ? 'Both engines agree with the reference computations.' : 'An engine disagrees with the reference computations.');
}

/** Each command gets the options and its own positional arguments. */
const commands: Record<string, (options: Options, args: string[]) => Promise<void>> = {
  async serve(options) {
    if (!existsSync(join(rendererDir(), 'index.html'))) {
      throw new HeatlabError('internal', 'The renderer is not built; run `npm run build` first.');
    }
    const heatlab = openHeatlab({ workspaceDir: options.workspace ?? resolveWorkspaceDir(), mode: 'browser', warmUp: true });
    const server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir: rendererDir(), port: wholeOption(options.port, 'port', { min: 0, max: 65535 }) });
    if (options.json) out(JSON.stringify({ url: server.url, port: server.port, workspace: heatlab.workspace.dir }));
    else {
      out(`Heatlab is running in browser mode at ${server.url}`);
      out(`Workspace: ${heatlab.workspace.dir}. Press Ctrl+C to stop.`);
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await heatlab.close();
  },

  async info(options) {
    const info = await withHeatlab(options, async (api) => unwrap(await api['app.info']({})));
    if (options.json) out(JSON.stringify(info, null, 2));
    else printInfo(info);
  },

  async jobs(options) {
    const status = options.status?.split(',').map((s) => s.trim()) as JobStatus[] | undefined;
    const jobs = await withHeatlab(options, async (api) => unwrap(await api['jobs.list']({ status, limit: wholeOption(options.limit, 'limit', COUNT) })));
    if (options.json) out(JSON.stringify(jobs, null, 2));
    else if (jobs.length === 0) out('No jobs yet.');
    else for (const job of jobs) out(formatJobLine(job));
  },

  async data(options, args) {
    await dataCommand(options, args);
  },

  async train(options) {
    await trainCommand(options);
  },

  async models(options, args) {
    await modelsCommand(options, args);
  },

  async explain(options, args) {
    await explainCommand(options, args);
  },

  async evaluate(options, args) {
    await evaluateCommand(options, args);
  },

  async catalogue(options) {
    await catalogueCommand(options);
  },

  async report(options, args) {
    await reportCommand(options as ReportOptions, args);
  },

  async study(options, args) {
    await studyCommand(options as StudyOptions, args);
  },

  async cluster(options, args) {
    await clusterCommand(options, args);
  },

  async shard(options, args) {
    await shardCommand(options, args);
  },

  async 'engine-check'(options) {
    const job = await withHeatlab(options, async (api) => {
      const started = unwrap(await api['engine.check']({ seconds: decimalOption(options.seconds, 'seconds', { min: 0 }) }));
      return followJob(api, started, options.json);
    });
    if (job.status !== 'done') failJob(job);
    const result = job.result as EngineCheckResult;
    if (options.json) out(JSON.stringify(result, null, 2));
    else {
      printCheck(result);
      out(`Took ${formatDuration(result.totalMs / 1000)}.`);
    }
    if (!result.passed) process.exitCode = 1;
  },
};

/** A usage mistake on stderr: its sentence and, unless it names a command to run, where the options are; one line, since the whole usage would bury the sentence. */
function usageMistake(message: string): number {
  process.stderr.write(`heatlab: ${message}${message.includes('`heatlab ') ? '' : ' See `heatlab help`.'}\n`);
  return 2;
}

export async function runCli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    if (err instanceof UsageError) return usageMistake(err.message);
    // parseArgs itself, should the first pass let a mistake through: its first line.
    return usageMistake((err as Error).message.split('\n')[0]!);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    out(appVersion());
    return 0;
  }
  const [name, ...rest] = positionals;
  if (values.help || name === 'help') {
    out(usage());
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  const command = commands[name];
  if (command === undefined) return usageMistake(`Unknown command "${name}".`);
  if (!['data', 'models', 'explain', 'evaluate', 'study', 'cluster', 'shard'].includes(name) && rest.length > 0) return usageMistake(`Unexpected argument "${rest[0]}".`);
  try {
    await command(values as unknown as Options, rest);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof UsageError) return usageMistake(err.message);
    const message = err instanceof Error ? err.message : String(err);
    if (values.json) process.stderr.write(`${JSON.stringify({ error: err instanceof HeatlabError ? err.toApiError() : { code: 'internal', message } })}\n`);
    else process.stderr.write(`heatlab: ${message}\n`);
    return 1;
  }
}

if (typeof require !== 'undefined' && require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
