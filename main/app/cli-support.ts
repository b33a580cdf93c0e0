// Plumbing shared by the CLI's commands: options, output, and running a job to its end.
import type { Api } from '../../shared/api.js';
import { HeatlabError, type ApiError, type Result } from '../../shared/errors.js';
import type { Job } from '../../shared/jobs.js';
import { createInProcessApi } from '../api/in-process.js';
import { resolveWorkspaceDir } from '../workspace/location.js';
import { progressBar } from './cli-format.js';
import { parseDecimal } from './cli-numbers.js';
import { UsageError } from './cli-options.js';
import { openHeatlab, type Heatlab } from './heatlab.js';

export { UsageError };

export interface Options {
  json: boolean;
  /** evaluate compare: the comparison as CSV. */
  csv?: boolean;
  workspace?: string;
  port?: string;
  seconds?: string;
  status?: string;
  limit?: string;
  n?: string;
  seed?: string;
  size?: string;
  name?: string;
  set?: string[];
  split?: string;
  grey?: boolean;
  resize?: string;
  shape?: string;
  masks?: string;
  dataset?: string;
  arch?: string;
  epochs?: string;
  batch?: string;
  lr?: string;
  optimizer?: string;
  model?: string;
  methods?: string;
  target?: string;
  indices?: string;
  random?: boolean;
  class?: string;
  outcome?: string;
  confidence?: string;
  classes?: string;
  labels?: string;
  layout?: string;
  input?: string;
  output?: string;
  scale?: string;
  mean?: string;
  std?: string;
  bgr?: boolean;
  'test-dataset'?: string;
  runs?: string;
  metrics?: string;
  'ground-truth'?: string;
  resamples?: string;
  kind?: string;
  search?: string;
  unreferenced?: boolean;
  template?: string;
  file?: string;
  'with-results'?: boolean;
  cluster?: string;
  shards?: string;
  index?: string;
  partition?: string;
  account?: string;
  time?: string;
  cpus?: string;
  memory?: string;
  sbatch?: string[];
  heatlab?: string;
  retries?: string;
}

/** `--set rise.masks=2000` → { rise: { masks: 2000 } } for registry entries (methods, metrics) named in `ids`; numbers and true/false are typed. */
export function dottedParams(sets: string[] | undefined, ids: string[], what: 'method' | 'metric', example: string): Record<string, Record<string, unknown>> {
  const params: Record<string, Record<string, unknown>> = {};
  for (const set of sets ?? []) {
    const match = /^([\w-]+)\.(\w+)=(.*)$/.exec(set);
    if (match === null) throw new UsageError(`--set takes ${what}.parameter=value (e.g. ${example}), not "${set}".`);
    const [, id, key, raw] = match as unknown as [string, string, string, string];
    if (!ids.includes(id)) throw new UsageError(`--set ${set} names ${id}, which is not in --${what}s.`);
    // Decimal numbers only: "0x10" stays text, which the entry's schema then refuses.
    const value = raw === 'true' ? true : raw === 'false' ? false : (parseDecimal(raw) ?? raw);
    (params[id] ??= {})[key] = value;
  }
  return params;
}

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new HeatlabError(result.error.code, result.error.message, result.error.details);
  return result.value;
}

export async function withHeatlab<T>(options: Options, body: (api: Api, heatlab: Heatlab) => Promise<T>): Promise<T> {
  const heatlab = openHeatlab({ workspaceDir: options.workspace ?? resolveWorkspaceDir(), mode: 'cli' });
  try {
    return await body(createInProcessApi(heatlab.router, heatlab.events), heatlab);
  } finally {
    await heatlab.close();
  }
}

/** Runs a job to its end, drawing a progress bar on stderr when it is a terminal. */
export async function followJob(api: Api, job: Job, json: boolean): Promise<Job> {
  const draw = !json && process.stderr.isTTY;
  const off = api.on('job.progress', ({ jobId, progress }) => {
    if (draw && jobId === job.id) process.stderr.write(`\r${progressBar(progress)}`);
  });
  const finished = new Promise<Job>((resolve) => {
    const offFinished = api.on('job.finished', (j) => {
      if (j.id !== job.id) return;
      offFinished();
      resolve(j);
    });
  });
  // Ctrl+C cancels the job cleanly rather than killing the host mid-write.
  const onSigint = () => void api['jobs.cancel']({ id: job.id });
  process.once('SIGINT', onSigint);
  try {
    const done = await finished;
    if (draw) process.stderr.write('\r\x1b[2K');
    return done;
  } finally {
    off();
    process.off('SIGINT', onSigint);
  }
}

export function failJob(job: Job): never {
  const error: ApiError = job.error ?? { code: 'internal', message: `Job ${job.id} ended ${job.status}.` };
  throw new HeatlabError(error.code, error.message, error.details);
}

