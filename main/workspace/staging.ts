// A staging folder for the files of an entity a job is making. The job writes there; on success
// main records the entity and moves the folder into place, on failure or cancel it is removed.
// Catalogue rows therefore only ever point at complete files.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ArrayFile } from '../../shared/datasets.js';
import type { NpyData, NpyDtype } from './npy.js';
import { dtypeOf } from './npy.js';
import { NpyWriter } from './npy-stream.js';

export const stagingPrefix = '.staging-job-';

export class StagingArea {
  readonly dir: string;
  readonly relativeDir: string;
  readonly #workspace: string;
  readonly #writers: { role: string; file: string; writer: NpyWriter }[] = [];

  private constructor(workspace: string, dir: string) {
    this.#workspace = workspace;
    this.dir = dir;
    this.relativeDir = relative(workspace, dir);
  }

  /** data/<kind>/.staging-job-<id>/, emptied first (a crashed attempt may have left one). */
  static create(workspace: string, kind: string, jobId: number): StagingArea {
    const dir = join(workspace, 'data', kind, `${stagingPrefix}${jobId}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return new StagingArea(workspace, dir);
  }

  /** A sub-folder staged with this one (one per entity when a job makes several). */
  child(name: string): StagingArea {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    return new StagingArea(this.#workspace, dir);
  }

  /** Starts streaming an array; finish() completes it. */
  openArray(role: string, file: string, dtype: NpyDtype, shape: readonly number[]): NpyWriter {
    const writer = new NpyWriter(join(this.dir, file), dtype, shape);
    this.#writers.push({ role, file, writer });
    return writer;
  }

  /** Writes a whole array at once. */
  writeArray(role: string, file: string, data: NpyData, shape: readonly number[]): void {
    this.openArray(role, file, dtypeOf(data), shape).append(data);
  }

  /** Completes every array (flushed to disk) and describes them; paths relative to the folder. */
  finish(): ArrayFile[] {
    return this.#writers.map(({ role, file, writer }) => {
      const written = writer.finish();
      return { role, path: file, dtype: written.dtype, shape: written.shape, sha256: written.sha256, bytes: written.bytes };
    });
  }

  discard(): void {
    for (const { writer } of this.#writers) {
      try {
        writer.abort();
      } catch {
        // already closed: the folder removal below takes the file
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Removes staging folders left by jobs that ended without their output being recorded (a crash).
 * Folders of jobs still queued or running — perhaps in another Heatlab process on the same
 * workspace — are kept.
 */
export function removeStaleStaging(dataDir: string, isActive: (jobId: number) => boolean): void {
  for (const kind of readdirSync(dataDir, { withFileTypes: true })) {
    if (!kind.isDirectory()) continue;
    for (const entry of readdirSync(join(dataDir, kind.name))) {
      if (!entry.startsWith(stagingPrefix)) continue;
      const jobId = Number(entry.slice(stagingPrefix.length));
      if (!Number.isInteger(jobId) || !isActive(jobId)) rmSync(join(dataDir, kind.name, entry), { recursive: true, force: true });
    }
  }
}
