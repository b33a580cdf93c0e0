// Starting the compute host. Under Node it is a child_process.fork; the Electron shell provides a
// launcher built on utilityProcess.fork with the same interface.
import { fork } from 'node:child_process';
import type { HostToMain, MainToHost } from '../../shared/host-protocol.js';

export interface HostChannel {
  readonly pid: number | undefined;
  send(message: MainToHost): void;
  onMessage(listener: (message: HostToMain) => void): void;
  /** Called once when the process ends, with a phrase such as "exit code 1" or "signal SIGKILL". */
  onExit(listener: (how: string, lastOutput: string) => void): void;
  kill(): void;
}

export type HostLauncher = () => HostChannel;

/** Keeps the last lines a process wrote, to explain a crash. */
export class OutputTail {
  #lines: string[] = [];
  constructor(readonly keep = 20) {}

  push(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim() !== '') this.#lines.push(line.trim());
    if (this.#lines.length > this.keep) this.#lines = this.#lines.slice(-this.keep);
  }

  toString(): string {
    return this.#lines.join('\n');
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | string | null): string {
  if (signal) return `killed by ${signal}`;
  return `exit code ${code ?? 'unknown'}`;
}

/** Forks `entry` (the built host bundle) with structured-clone IPC, so typed arrays stay binary. */
export function forkHostLauncher(entry: string, env: NodeJS.ProcessEnv = process.env): HostLauncher {
  return () => {
    const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
    const tail = new OutputTail();
    // The host's output is diagnostics (tfjs prints hints on stdout): keep it off main's stdout.
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        tail.push(chunk);
        process.stderr.write(chunk.replace(/^(?=.)/gm, '[compute host] '));
      });
    }
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', (m) => listener(m as HostToMain)),
      onExit: (listener) => child.once('exit', (code, signal) => listener(describeExit(code, signal), tail.toString())),
      kill: () => void child.kill('SIGKILL'),
    };
  };
}
