// Bench measurements that need a fresh process (peak memory, a clean tfjs) run as children of the
// bench: `bench.cjs --child NAME ARGS…`, answering with one IPC message.
import { fork } from 'node:child_process';
import type { JobContext } from '../jobs/host/job-context.js';

export function runChild<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = fork(process.argv[1]!, ['--child', ...args], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    proc.once('message', (m) => resolve(m as T));
    proc.once('exit', (code) => code !== 0 && reject(new Error(`The bench process ${args.join(' ')} exited with code ${code}.`)));
  });
}

/** A job context that reports nothing and is never cancelled: a job run directly by the bench. */
export const quietContext = (workspace: string, jobId: number): JobContext => ({
  jobId,
  workspace,
  progress: () => undefined,
  checkpoint: async () => undefined,
  cancelRequested: false,
  stopRequested: false,
});
