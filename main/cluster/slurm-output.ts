// Reading what Slurm's commands print: `sbatch --parsable`, `squeue` with a fixed format, and
// `scontrol show job --oneliner`. Pure functions over text, so they are tested on real output.

/** A Slurm job or array task as squeue lists it while it is pending or running. */
export interface QueuedJob {
  /** "1234" for a job, "1234_5" for task 5 of array 1234. */
  id: string;
  /** PENDING, RUNNING, COMPLETING, … */
  state: string;
  /** Why it is pending (Resources, Priority, Dependency, …); "None" when running. */
  reason: string;
  /** Seconds it has run. */
  elapsed: number;
}

/** The squeue format these lines are read with: `squeue -h -r -o <format>` (one line per array task). */
export const SQUEUE_FORMAT = '%i|%T|%r|%M';

/** Lines of `squeue -h -r -o '%i|%T|%r|%M'`. */
export function parseSqueue(text: string): QueuedJob[] {
  const jobs: QueuedJob[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length !== 4 || fields[0] === '') continue;
    const [id, state, reason, time] = fields as [string, string, string, string];
    jobs.push({ id, state, reason, elapsed: parseSlurmDuration(time) ?? 0 });
  }
  return jobs;
}

/** Slurm's durations: "SS", "MM:SS", "HH:MM:SS", "D-HH:MM:SS" (squeue's %M, scontrol's RunTime); null for UNLIMITED and the like. */
export function parseSlurmDuration(text: string): number | null {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (m === null) return null;
  const [, days, a, b, seconds] = m;
  // With two colons a is hours and b minutes; with one, a is minutes.
  const hours = b === undefined ? 0 : Number(a);
  const minutes = b === undefined ? Number(a ?? 0) : Number(b);
  return Number(days ?? 0) * 86400 + hours * 3600 + minutes * 60 + Number(seconds);
}

/** One record of `scontrol show job --oneliner`: a job, or one task of an array. */
export interface JobRecord {
  /** "1234" or "1234_5" (array job id and task id), as squeue names it. */
  id: string;
  state: string;
  reason: string;
  /** Exit code and the signal that ended it ("137:0" → 137, 0). */
  exitCode: number;
  signal: number;
  runTime: number;
  timeLimit: string;
  dependency: string;
}

/** Records of `scontrol show job -o ID`, one per line (an array lists each task it still knows). */
export function parseScontrolJobs(text: string): JobRecord[] {
  const records: JobRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('JobId=')) continue;
    const fields = new Map<string, string>();
    // Values never hold spaces for the keys read here (Command= and WorkDir= may, and are not read).
    for (const m of line.matchAll(/(?:^|\s)([\w/:]+)=(\S*)/g)) if (!fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
    const arrayJob = fields.get('ArrayJobId');
    const task = fields.get('ArrayTaskId');
    const [exit, signal] = (fields.get('ExitCode') ?? '0:0').split(':').map(Number);
    records.push({
      id: arrayJob !== undefined && task !== undefined && /^\d+$/.test(task) ? `${arrayJob}_${task}` : fields.get('JobId')!,
      state: fields.get('JobState') ?? 'UNKNOWN',
      reason: fields.get('Reason') ?? 'None',
      exitCode: exit ?? 0,
      signal: signal ?? 0,
      runTime: parseSlurmDuration(fields.get('RunTime') ?? '') ?? 0,
      timeLimit: fields.get('TimeLimit') ?? '',
      dependency: fields.get('Dependency') ?? '(null)',
    });
  }
  return records;
}

/** The job id `sbatch --parsable` prints ("1234" or "1234;cluster"). */
export function parseSbatchId(text: string): string {
  const id = text.trim().split(';')[0]!;
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed "${text.trim()}" where a job id was expected.`);
  return id;
}

/** Lines of `sacct -n -P -X -o JobID,State,ExitCode -j IDS` (accounting sites only). */
export function parseSacct(text: string): JobRecord[] {
  const records: JobRecord[] = [];
  for (const line of text.split('\n')) {
    const [id, state, exit] = line.trim().split('|');
    if (id === undefined || id === '' || state === undefined) continue;
    const [code, signal] = (exit ?? '0:0').split(':').map(Number);
    // sacct says "CANCELLED by 0"; the first word is the state.
    records.push({ id, state: state.split(' ')[0]!, reason: 'None', exitCode: code ?? 0, signal: signal ?? 0, runTime: 0, timeLimit: '', dependency: '(null)' });
  }
  return records;
}

/** Slurm's final states in which a job did not succeed. */
export const failedStates = new Set(['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'CANCELLED', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'REVOKED']);

/** Why a job or task ended without success, in words: "it reached its time limit of 1:00:00". */
export function describeEnd(record: JobRecord | null): string {
  if (record === null) return 'Slurm no longer knows it (finished jobs are forgotten after a few minutes), and it left no result';
  switch (record.state) {
    case 'TIMEOUT':
      return `it reached its time limit${record.timeLimit && record.timeLimit !== 'UNLIMITED' ? ` of ${record.timeLimit}` : ''} (Slurm: TIMEOUT)`;
    case 'OUT_OF_MEMORY':
      return 'it ran out of memory (Slurm: OUT_OF_MEMORY)';
    case 'NODE_FAIL':
      return 'its node was lost (Slurm: NODE_FAIL)';
    case 'BOOT_FAIL':
      return 'its node failed to boot (Slurm: BOOT_FAIL)';
    case 'PREEMPTED':
      return 'it was preempted by other work (Slurm: PREEMPTED)';
    case 'DEADLINE':
      return 'it missed its deadline (Slurm: DEADLINE)';
    case 'CANCELLED':
      return 'it was cancelled outside Heatlab (Slurm: CANCELLED)';
    case 'FAILED':
      if (record.signal !== 0) return `its process was killed by signal ${record.signal} (Slurm: FAILED, ${record.reason})`;
      // Bash reports a process killed by signal N as exit code 128 + N.
      if (record.exitCode > 128) return `its process was killed by signal ${record.exitCode - 128} (Slurm: FAILED, exit code ${record.exitCode})`;
      return `its process exited with code ${record.exitCode} (Slurm: FAILED, ${record.reason})`;
    case 'COMPLETED':
      return 'it ended without writing its result (Slurm: COMPLETED)';
    default:
      return `Slurm reports ${record.state} (${record.reason})`;
  }
}
