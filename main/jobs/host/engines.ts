import type { EngineInfo } from '../../../shared/engine.js';
import { loadOrt, type LoadedOrt } from '../../onnx/runtime.js';
import { resolveTfjs, type ResolvedTfjs } from '../../train/tfjs-backend.js';

/** Both engines, loaded once when the compute host starts. */
export interface Engines {
  tfjs: ResolvedTfjs;
  ort: LoadedOrt;
  info: EngineInfo;
}

export async function loadEngines(): Promise<Engines> {
  const start = performance.now();
  const ort = loadOrt();
  const tfjs = await resolveTfjs();
  return {
    tfjs,
    ort,
    info: { tfjs: tfjs.info, ort: ort.info, hostPid: process.pid, loadMs: performance.now() - start },
  };
}
