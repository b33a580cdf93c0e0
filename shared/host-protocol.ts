// Messages between main and the compute host: a tagged union, type-only. Requests carry the job
// id; every response and progress message carries the same id.
import type { ApiError } from './errors.js';
import type { EngineInfo } from './engine.js';
import type { JobKind, JobProgress } from './jobs.js';

export type MainToHost =
  | {
      type: 'run';
      id: number;
      kind: JobKind;
      params: unknown;
      /** Workspace folder the job may read and write. */
      workspace: string;
    }
  /** keep: stop early and keep the result so far, where the job supports it (training). */
  | { type: 'cancel'; id: number; keep?: boolean }
  | { type: 'shutdown' };

export type HostToMain =
  /** Sent once, after the host has resolved its engines (or failed to). */
  | { type: 'ready'; pid: number; engines: EngineInfo | null; enginesError: string | null }
  | { type: 'started'; id: number }
  | { type: 'progress'; id: number; progress: JobProgress }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; error: ApiError }
  | { type: 'cancelled'; id: number };
