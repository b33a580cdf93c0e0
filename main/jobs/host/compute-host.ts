// The compute host: one long-lived process that loads tfjs and ONNX Runtime once and runs jobs
// one at a time. Forked by main with child_process.fork (Node) or utilityProcess.fork (Electron).
// Which function runs each job kind is the composition root's business (app/job-runners.ts).
import { HeatlabError, toApiError } from '../../../shared/errors.js';
import { explainDiskFull } from '../../workspace/disk-full.js';
import type { HostToMain, MainToHost } from '../../../shared/host-protocol.js';
import type { JobKind } from '../../../shared/jobs.js';
import type { EngineInfo } from '../../../shared/engine.js';
import { HostJobContext } from './job-context.js';
import type { JobRunner, JobRunners } from './job-runner.js';

interface ParentChannel {
  send(message: HostToMain): void;
  onMessage(listener: (message: MainToHost) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function connectParent(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (m) => parentPort.postMessage(m),
      onMessage: (l) => parentPort.on('message', (e) => l(e.data as MainToHost)),
    };
  }
  if (process.send) {
    process.on('disconnect', () => process.exit(0));
    return {
      send: (m) => process.send!(m),
      onMessage: (l) => process.on('message', (m) => l(m as MainToHost)),
    };
  }
  throw new Error('The compute host must be started by Heatlab (no parent channel).');
}

/** The engines the composition root loads once per host; the host only reports their info. */
export interface HostEngines {
  info: EngineInfo;
}

async function serve<E extends HostEngines>(runners: JobRunners<E>, loadEngines: () => Promise<E>): Promise<void> {
  const parent = connectParent();
  const contexts = new Map<number, HostJobContext>();
  const cancelledBeforeStart = new Set<number>();
  let queue = Promise.resolve();
  let engines: E | null = null;
  let enginesError: string | null = null;

  // Listen before loading the engines so no message is lost while they load.
  const pending: MainToHost[] = [];
  let handle = (m: MainToHost) => void pending.push(m);
  parent.onMessage((m) => handle(m));

  try {
    engines = await loadEngines();
  } catch (err) {
    enginesError = err instanceof Error ? err.message : String(err);
  }

  async function run(message: Extract<MainToHost, { type: 'run' }>): Promise<void> {
    const { id } = message;
    if (cancelledBeforeStart.delete(id)) {
      parent.send({ type: 'cancelled', id });
      return;
    }
    const ctx = new HostJobContext(id, message.workspace, (progress) => parent.send({ type: 'progress', id, progress }));
    contexts.set(id, ctx);
    parent.send({ type: 'started', id });
    try {
      if (engines === null) throw new HeatlabError('engine_unavailable', `The compute engines could not be loaded: ${enginesError}`);
      const runner = (runners as Partial<Record<JobKind, JobRunner<JobKind, E>>>)[message.kind];
      if (runner === undefined) throw new HeatlabError('invalid_request', `The compute host does not know job kind ${message.kind}.`);
      const result = await runner(message.params as never, ctx, engines);
      ctx.flushProgress();
      parent.send({ type: 'done', id, result });
    } catch (err) {
      // Every runner removes its staging folder on the way out, so a full disk left nothing behind.
      const error = toApiError(explainDiskFull(err, message.workspace, "the job's files cannot be written, so it stopped and its partial files were removed"));
      if (error.code === 'cancelled') parent.send({ type: 'cancelled', id });
      else parent.send({ type: 'failed', id, error });
    } finally {
      contexts.delete(id);
    }
  }

  handle = (message) => {
    switch (message.type) {
      case 'run':
        queue = queue.then(() => run(message));
        break;
      case 'cancel': {
        const ctx = contexts.get(message.id);
        if (ctx) ctx.requestCancel(message.keep ?? false);
        else cancelledBeforeStart.add(message.id);
        break;
      }
      case 'shutdown':
        void queue.finally(() => process.exit(0));
        break;
    }
  };
  parent.send({ type: 'ready', pid: process.pid, engines: engines?.info ?? null, enginesError });
  for (const m of pending.splice(0)) handle(m);
}

/** Runs this process as the compute host, with one runner per job kind and the engines they share. */
export function startComputeHost<E extends HostEngines>(runners: JobRunners<E>, loadEngines: () => Promise<E>): void {
  serve(runners, loadEngines).catch((err) => {
    console.error(`Compute host failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
