import { z } from 'zod';

/** tfjs backends in the order Heatlab tries them (best first). */
export const tfjsBackends = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type TfjsBackendId = (typeof tfjsBackends)[number];

export const tfjsBackendLabels: { [B in TfjsBackendId]: string } = {
  'tensorflow-gpu': 'TensorFlow native with CUDA (@tensorflow/tfjs-node-gpu)',
  tensorflow: 'TensorFlow native on the CPU (@tensorflow/tfjs-node)',
  wasm: 'WebAssembly (@tensorflow/tfjs-backend-wasm)',
  cpu: 'Plain JavaScript (tfjs cpu backend)',
};

export interface TfjsEngineInfo {
  backend: TfjsBackendId;
  /** The name tfjs itself reports (`tensorflow`, `wasm`, `cpu`). */
  tfjsBackendName: string;
  tfjsVersion: string;
  /** Why this backend was chosen, in one sentence. */
  reason: string;
  /** The better backends that were tried and why each could not be used. */
  skipped: { backend: TfjsBackendId; reason: string }[];
  /** Kernels Heatlab registers on top of the stock backend (the wasm kernel pack). */
  extraKernels: string[];
}

export interface OrtEngineInfo {
  version: string;
  /** Execution providers this onnxruntime-node build offers, e.g. `cpu`. */
  executionProviders: string[];
  /** Intra-op threads sessions use. */
  threads: number;
}

export interface EngineInfo {
  tfjs: TfjsEngineInfo;
  ort: OrtEngineInfo;
  /** Process id of the compute host that resolved these engines. */
  hostPid: number;
  /** Milliseconds the host took to load both engines. */
  loadMs: number;
}

export const engineCheckParamsSchema = z
  .object({
    /** Extra seconds spent re-running both checks to measure steady throughput; 0 = one quick pass. */
    seconds: z.number().min(0).max(600).default(0),
  })
  .strict();
export type EngineCheckParams = z.output<typeof engineCheckParamsSchema>;

export interface MatmulCheck {
  size: number;
  runs: number;
  /** Median milliseconds per multiplication. */
  msPerRun: number;
  gflops: number;
  /** Largest |difference| from a float64 JavaScript reference. */
  maxAbsError: number;
}

export interface OnnxCheck {
  /** What the graph computes, e.g. "Conv 3×3 → Relu → GlobalAveragePool → Gemm". */
  graph: string;
  batch: number;
  runs: number;
  msPerRun: number;
  imagesPerSecond: number;
  maxAbsError: number;
}

export interface EngineCheckResult {
  engines: EngineInfo;
  tfjs: MatmulCheck;
  ort: OnnxCheck;
  /** True when both engines agree with the independent JavaScript references. */
  passed: boolean;
  totalMs: number;
}
