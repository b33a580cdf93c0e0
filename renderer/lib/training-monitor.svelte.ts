// Live numbers of training runs: the epoch history and the per-batch curve. Progress reports are
// throttled and carry only the latest batch, so the batch curve is accumulated here, one point
// per report. The monitor listens for the app's whole life (not only while a chart is shown), so a
// run's curve survives a visit to another view.
import type { Api } from '../../shared/api.js';
import type { JobProgressEvent } from '../../shared/jobs.js';
import type { EpochRecord, TrainingDetail } from '../../shared/models.js';

export interface BatchPoint {
  /** Position in epochs: 0.5 is half way through the first epoch. */
  x: number;
  loss: number;
  accuracy: number;
}

/** The TrainingDetail of a progress report, when it has one. */
export function trainingDetail(detail: unknown): TrainingDetail | null {
  if (typeof detail !== 'object' || detail === null) return null;
  const d = detail as Partial<TrainingDetail>;
  return Array.isArray(d.epochs) ? { epochs: d.epochs, batch: d.batch ?? null } : null;
}

export class TrainingTrace {
  readonly jobId: number;
  /** Replaced when a report brings a new epoch. */
  epochs = $state.raw<EpochRecord[]>([]);
  /** Replaced (never mutated) on every report with a new batch. */
  batches = $state.raw<BatchPoint[]>([]);

  constructor(jobId: number) {
    this.jobId = jobId;
  }

  add(detail: TrainingDetail): void {
    const last = this.epochs.at(-1);
    if (detail.epochs.length !== this.epochs.length || detail.epochs.at(-1)?.epoch !== last?.epoch) this.epochs = detail.epochs;
    const b = detail.batch;
    if (b === null) return;
    const x = b.epoch - 1 + b.batch / b.batches;
    // The report that closes an epoch repeats its last batch.
    if ((this.batches.at(-1)?.x ?? -1) >= x) return;
    this.batches = [...this.batches, { x, loss: b.loss, accuracy: b.accuracy }];
  }
}

/** How many runs keep their batch curves. */
const KEEP = 8;

export class TrainingMonitor {
  readonly #traces = new Map<number, TrainingTrace>();

  constructor(api: Api) {
    api.on('job.progress', (event) => this.#onProgress(event));
  }

  /** The trace of a training job, started empty if no report of it has arrived yet. */
  trace(jobId: number): TrainingTrace {
    let trace = this.#traces.get(jobId);
    if (!trace) {
      trace = new TrainingTrace(jobId);
      this.#traces.set(jobId, trace);
      // Maps iterate in insertion order: the first keys are the oldest runs.
      for (const old of [...this.#traces.keys()].slice(0, Math.max(0, this.#traces.size - KEEP))) this.#traces.delete(old);
    }
    return trace;
  }

  #onProgress({ jobId, kind, progress }: JobProgressEvent): void {
    if (kind !== 'models.train') return;
    const detail = trainingDetail(progress.detail);
    if (detail) this.trace(jobId).add(detail);
  }
}
