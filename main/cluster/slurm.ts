// Slurm's commands, the only programs Heatlab runs for a cluster: sbatch, squeue, scontrol, sacct
// and scancel on the submitting machine, and only for jobs the user chose to run on the cluster.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ClusterAvailability } from '../../shared/cluster.js';
import { HeatlabError } from '../../shared/errors.js';
import { parseSacct, parseSbatchId, parseScontrolJobs, parseSqueue, SQUEUE_FORMAT, type JobRecord, type QueuedJob } from './slurm-output.js';

const COMMAND_TIMEOUT_MS = 30_000;

/** Where `command` is on the PATH, or null: looked up without running anything. */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether this machine can submit to Slurm: the client commands on the PATH. */
export function slurmAvailability(path = process.env.PATH ?? ''): ClusterAvailability {
  const missing = ['sbatch', 'squeue', 'scontrol', 'scancel'].filter((c) => findOnPath(c, path) === null);
  if (missing.length === 0) return { available: true, reason: null, version: null };
  return {
    available: false,
    reason: `Slurm's ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not found on this machine's PATH; run Heatlab on a machine that submits to your cluster, or install the Slurm client (Debian: apt-get install slurm-client).`,
    version: null,
  };
}

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

function run(command: string, args: readonly string[], cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 127;
      resolve({ stdout: String(stdout), stderr: String(stderr) || (err !== null && code === 127 ? err.message : ''), code });
    });
  });
}

const invalidJobId = (stderr: string) => /Invalid job id/i.test(stderr);

/** The Slurm client: each call runs one of its commands and reads what it prints. */
export class Slurm {
  #accounting: boolean | null = null;

  /** Submits a batch script; returns the job id. `args` before the script, e.g. ["--array=0-31"]. */
  async sbatch(script: string, args: readonly string[], cwd: string): Promise<string> {
    const { stdout, stderr, code } = await run('sbatch', ['--parsable', ...args, script], cwd);
    if (code !== 0) throw new HeatlabError('engine_unavailable', `Slurm refused the job: ${firstLine(stderr) || `sbatch exited with code ${code}`}.`);
    return parseSbatchId(stdout);
  }

  /** The pending and running jobs and array tasks among `ids` (a finished one is not listed). */
  async squeue(ids: readonly string[]): Promise<QueuedJob[]> {
    if (ids.length === 0) return [];
    const { stdout, stderr, code } = await run('squeue', ['-h', '-r', '-o', SQUEUE_FORMAT, '-j', ids.join(',')]);
    if (code !== 0) {
      // Every id finished and forgotten: squeue refuses the list rather than print nothing.
      if (invalidJobId(stderr)) return [];
      throw new HeatlabError('engine_unavailable', `squeue failed: ${firstLine(stderr) || `exit code ${code}`}.`);
    }
    return parseSqueue(stdout);
  }

  /** What Slurm still remembers of a job (every task of an array); empty once it has forgotten it. */
  async show(id: string): Promise<JobRecord[]> {
    const { stdout, stderr, code } = await run('scontrol', ['show', 'job', '-o', id]);
    if (code !== 0) {
      if (invalidJobId(stderr)) return [];
      throw new HeatlabError('engine_unavailable', `scontrol failed: ${firstLine(stderr) || `exit code ${code}`}.`);
    }
    return parseScontrolJobs(stdout);
  }

  /** The accounting records of jobs, where the site keeps accounting; empty where it does not. */
  async sacct(ids: readonly string[]): Promise<JobRecord[]> {
    if (ids.length === 0 || this.#accounting === false || findOnPath('sacct') === null) return [];
    const { stdout, code } = await run('sacct', ['-n', '-P', '-X', '-o', 'JobID,State,ExitCode', '-j', ids.join(',')]);
    // "Slurm accounting storage is disabled": many single-node set-ups have none.
    if (code !== 0) {
      this.#accounting = false;
      return [];
    }
    this.#accounting = true;
    return parseSacct(stdout);
  }

  /** Cancels jobs; `pendingOnly` leaves tasks that have started to finish. */
  async scancel(ids: readonly string[], pendingOnly = false): Promise<void> {
    if (ids.length === 0) return;
    const { stderr, code } = await run('scancel', [...(pendingOnly ? ['--state=PENDING'] : []), ...ids]);
    if (code !== 0 && !invalidJobId(stderr)) throw new HeatlabError('engine_unavailable', `scancel failed: ${firstLine(stderr) || `exit code ${code}`}.`);
  }
}

const firstLine = (text: string) => text.trim().split('\n')[0]?.replace(/^s\w+: error: /, '').replace(/\.$/, '') ?? '';
