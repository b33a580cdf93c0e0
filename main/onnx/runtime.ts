// onnxruntime-node: every explanation and evaluation runs on it (DESIGN.md, "Engines").
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { OrtEngineInfo } from '../../shared/engine.js';

const require = createRequire(import.meta.url);
export type Ort = typeof import('onnxruntime-node');

export interface LoadedOrt {
  ort: Ort;
  info: OrtEngineInfo;
  /** Session options Heatlab uses everywhere, so timings are comparable. */
  sessionOptions: import('onnxruntime-node').InferenceSession.SessionOptions;
}

export function loadOrt(): LoadedOrt {
  let ort: Ort;
  try {
    ort = require('onnxruntime-node') as Ort;
  } catch (err) {
    throw new Error(`onnxruntime-node could not be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
  const threads = threadsFrom(process.env.HEATLAB_ORT_THREADS);
  const spinning = process.env.HEATLAB_ORT_SPIN !== '0';
  const version = (require('onnxruntime-node/package.json') as { version: string }).version;
  const executionProviders = ort.listSupportedBackends().filter((b) => b.bundled).map((b) => b.name);
  return {
    ort,
    info: { version, executionProviders, threads },
    sessionOptions: {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Idle pool threads spin by default: on an otherwise idle 2-core machine the compiled gradient
      // graphs ran 15–40 % faster than with sleeping threads (perturbation metrics the same). When other
      // processes load the cores, spinning threads starve the working one (batched calls up to 2×
      // slower): HEATLAB_ORT_SPIN=0 lets them sleep.
      extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
    },
  };
}

/** ONNX Runtime's intra-op threads: HEATLAB_ORT_THREADS when it is a positive integer, else every core. */
export function threadsFrom(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value === '') return availableParallelism();
  if (!Number.isInteger(n) || n < 1) throw new Error(`HEATLAB_ORT_THREADS must be a positive whole number of threads, not "${value}".`);
  return n;
}
