// What a shard leaves in its plan's folder: shard-N/ with its arrays and result.json, moved into
// place in one rename once complete (so a shard is either wholly there or not at all), and
// progress-N.json, rewritten atomically as it works. Nothing here touches the catalogue.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../workspace/atomic-write.js';

export const shardFolder = (planDir: string, index: number) => join(planDir, `shard-${index}`);
export const resultFile = (planDir: string, index: number) => join(shardFolder(planDir, index), 'result.json');
export const progressFile = (planDir: string, index: number) => join(planDir, `progress-${index}.json`);

/** What a shard's progress file says. */
export interface ShardProgress {
  index: number;
  status: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  /** The Slurm task that wrote it ("1234_5"), so a retry's file is told from an earlier attempt's. */
  slurmJob: string | null;
  host: string;
  pid: number;
  startedAt: string;
  updatedAt: string;
  /** The worker's own sentence when it failed. */
  error: string | null;
}

export function readProgress(planDir: string, index: number): ShardProgress | null {
  try {
    return JSON.parse(readFileSync(progressFile(planDir, index), 'utf8')) as ShardProgress;
  } catch {
    return null;
  }
}

export const isShardDone = (planDir: string, index: number) => existsSync(resultFile(planDir, index));

export function readResult<T>(planDir: string, index: number): T {
  return JSON.parse(readFileSync(resultFile(planDir, index), 'utf8')) as T;
}

/** The Slurm task this process runs as, from the environment Slurm gives a task. */
export function currentSlurmTask(env = process.env): string | null {
  const array = env.SLURM_ARRAY_JOB_ID;
  const task = env.SLURM_ARRAY_TASK_ID;
  if (array !== undefined && task !== undefined) return `${array}_${task}`;
  return env.SLURM_JOB_ID ?? null;
}

/** Writes a shard's progress file at most every `interval` ms, and always for its last word. */
export class ProgressWriter {
  readonly #path: string;
  readonly #base: Omit<ShardProgress, 'status' | 'done' | 'updatedAt' | 'error'>;
  #last = 0;

  constructor(planDir: string, index: number, total: number, readonly interval = 1000) {
    this.#path = progressFile(planDir, index);
    this.#base = { index, total, slurmJob: currentSlurmTask(), host: hostname(), pid: process.pid, startedAt: new Date().toISOString() };
  }

  report(done: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.#last < this.interval) return;
    this.#last = now;
    this.#write({ status: 'running', done, error: null });
  }

  done(): void {
    this.#write({ status: 'done', done: this.#base.total, error: null });
  }

  failed(error: string, done: number): void {
    this.#write({ status: 'failed', done, error });
  }

  #write(state: Pick<ShardProgress, 'status' | 'done' | 'error'>): void {
    writeFileAtomic(this.#path, JSON.stringify({ ...this.#base, ...state, updatedAt: new Date().toISOString() } satisfies ShardProgress));
  }
}

/** A shard's output folder under construction: a hidden sibling, renamed to shard-N/ once complete. */
export class ShardOutput {
  readonly dir: string;
  readonly #final: string;

  constructor(planDir: string, index: number) {
    this.#final = shardFolder(planDir, index);
    this.dir = join(planDir, `.shard-${index}.${process.pid}.${randomBytes(4).toString('hex')}`);
    mkdirSync(this.dir, { recursive: true });
  }

  file(name: string): string {
    return join(this.dir, name);
  }

  /** Writes result.json last and moves the folder into place. */
  commit(result: unknown): void {
    writeFileAtomic(join(this.dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    // Another attempt of the same shard that finished first is just as good (same bytes): keep it.
    if (existsSync(this.#final)) {
      this.discard();
      return;
    }
    mkdirSync(dirname(this.#final), { recursive: true });
    renameSync(this.dir, this.#final);
  }

  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
