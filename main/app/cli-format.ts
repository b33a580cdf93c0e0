import { formatPercent, formatProgress } from '../../shared/format.js';
import type { Job, JobProgress } from '../../shared/jobs.js';

export function progressBar(p: JobProgress, width = 28): string {
  const filled = Math.round(p.fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatPercent(p.fraction)} ${p.message} (${formatProgress(p)})`;
}

export function formatJobLine(job: Job): string {
  const when = (job.finishedAt ?? job.startedAt ?? job.createdAt).replace('T', ' ').slice(0, 19);
  const cluster = job.kind === 'cluster.explain' || job.kind === 'cluster.evaluate';
  // A cluster job's message counts its shards: pending, running, done, failed.
  const running = (p: JobProgress) => (cluster ? ` — ${formatPercent(p.fraction)}, ${p.message} (${formatProgress(p)})` : ` — ${formatPercent(p.fraction)}`);
  const detail = job.error ? ` — ${job.error.message}` : job.status === 'running' && job.progress ? running(job.progress) : '';
  return `#${job.id}  ${job.label.padEnd(14)} ${job.status.padEnd(11)} ${when}${detail}`;
}
