// Both compute engines, loaded once per compute host; the host gives them to every job it runs.
import type { EngineInfo } from '../../shared/engine.js';
import { loadOrt, type LoadedOrt } from '../onnx/runtime.js';
import { SessionCache } from '../onnx/session-cache.js';
import { resolveTfjs, type ResolvedTfjs } from '../train/tfjs-backend.js';

/** Both engines, loaded once when the compute host starts. */
export interface Engines {
  tfjs: ResolvedTfjs;
  ort: LoadedOrt;
  /** ONNX Runtime sessions per (model, graph variant), kept across jobs of this host. */
  sessions: SessionCache;
  info: EngineInfo;
}

export async function loadEngines(): Promise<Engines> {
  const start = performance.now();
  const ort = loadOrt();
  const tfjs = await resolveTfjs();
  return {
    tfjs,
    ort,
    sessions: new SessionCache(ort, 8),
    info: { tfjs: tfjs.info, ort: ort.info, hostPid: process.pid, loadMs: performance.now() - start },
  };
}
