import type { LoadedOrt } from './runtime.js';
import type { SessionCache } from './session-cache.js';

/** What a job needs of ONNX Runtime: the loaded runtime and the host's sessions, kept across jobs. */
export interface OrtEngine {
  ort: LoadedOrt;
  sessions: SessionCache;
}
