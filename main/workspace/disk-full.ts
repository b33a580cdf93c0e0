// A full disk, wherever it is met (an array the compute host writes, a staged folder, an atomic
// write, the catalogue), is one sentence naming the workspace's disk: the cure is space there, never
// anything about the job's inputs, and the raw ENOSPC or SQLITE_FULL text says neither.
import { statfsSync } from 'node:fs';
import { HeatlabError } from '../../shared/errors.js';

/** Node's errno codes for "no space" and "over quota", and SQLite's for a full database or disk. */
const fullCodes = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Whether `err` says the disk (or the catalogue's page limit) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && fullCodes.has(code);
}

/**
 * Whether the file system holding `dir` has no space left for an unprivileged writer. SQLite reports
 * a full disk met while setting up WAL (its -shm file) as a plain I/O error, so that error is only
 * read as "disk full" when the disk says so.
 */
export function hasNoSpace(dir: string): boolean {
  try {
    return statfsSync(dir).bavail === 0;
  } catch {
    return false;
  }
}

/** The sentence for a full disk; `what` says what could not be written, e.g. "the job's arrays could not be written". */
export function diskFullError(workspace: string, what: string): HeatlabError {
  return new HeatlabError('workspace', `The disk holding the workspace ${workspace} is full: ${what}; free some space there and try again.`);
}

/** `err` as the full-disk sentence when it is one, else unchanged. */
export function explainDiskFull(err: unknown, workspace: string, what: string): unknown {
  return isDiskFull(err) ? diskFullError(workspace, what) : err;
}
