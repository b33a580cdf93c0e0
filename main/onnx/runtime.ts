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
  const threads = availableParallelism();
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
      // Idle pool threads sleep instead of spinning: when other processes (the renderer, other jobs)
      // share the cores, spinning threads starve the one doing the work (batched tiny-cnn calls ran up
      // to 2× slower with spinning on a loaded 2-core machine); a batched call's operators are long
      // enough that waking a sleeping thread costs little.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    },
  };
}
