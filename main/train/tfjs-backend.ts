// Resolves the TensorFlow.js backend once per compute host, best first (DESIGN.md, "Engines"):
// tfjs-node-gpu (CUDA) → tfjs-node → wasm (+ Heatlab's kernel pack) → cpu.
// tfjs's native addon loads once per process, so this runs only in the compute host.
import { createRequire } from 'node:module';
import { tfjsBackends, type TfjsBackendId, type TfjsEngineInfo } from '../../shared/engine.js';
import { registerKernelPack } from './kernels/index.js';

const require = createRequire(import.meta.url);
export type Tfjs = typeof import('@tensorflow/tfjs');

export interface ResolvedTfjs {
  tf: Tfjs;
  info: TfjsEngineInfo;
}

const nativePackages: Partial<Record<TfjsBackendId, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

function whyNotLoaded(pkg: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(pkg)) {
    return `${pkg} is not installed (its install downloads libtensorflow, which needs internet access).`;
  }
  const message = e instanceof Error ? e.message.split('\n')[0] : String(err);
  return `${pkg} is installed but its native library did not load: ${message}`;
}

/** Loads one candidate; throws with a one-sentence reason when it cannot be used. */
async function tryBackend(tf: Tfjs, id: TfjsBackendId): Promise<{ extraKernels: string[] }> {
  const pkg = nativePackages[id];
  if (pkg !== undefined) {
    try {
      require(pkg);
    } catch (err) {
      throw new Error(whyNotLoaded(pkg, err));
    }
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the tensorflow backend did not initialise.`);
    return { extraKernels: [] };
  }
  if (id === 'wasm') {
    try {
      require('@tensorflow/tfjs-backend-wasm');
    } catch (err) {
      throw new Error(`@tensorflow/tfjs-backend-wasm could not be loaded: ${(err as Error).message}`);
    }
    if (!(await tf.setBackend('wasm'))) throw new Error('The wasm backend did not initialise.');
    return { extraKernels: registerKernelPack(tf) };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('The cpu backend did not initialise.');
  return { extraKernels: [] };
}

export function parseForcedBackend(value: string | undefined): TfjsBackendId | null {
  const v = value?.trim();
  if (!v) return null;
  if ((tfjsBackends as readonly string[]).includes(v)) return v as TfjsBackendId;
  throw new Error(`HEATLAB_TFJS_BACKEND=${v} is not one of ${tfjsBackends.join(', ')}.`);
}

export async function resolveTfjs(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedTfjs> {
  const tf = require('@tensorflow/tfjs') as Tfjs;
  const forced = parseForcedBackend(env.HEATLAB_TFJS_BACKEND);
  const candidates = forced === null ? tfjsBackends : [forced];
  const skipped: TfjsEngineInfo['skipped'] = [];
  for (const backend of candidates) {
    try {
      const { extraKernels } = await tryBackend(tf, backend);
      await tf.ready();
      const reason =
        forced !== null
          ? `Forced by HEATLAB_TFJS_BACKEND=${forced}.`
          : skipped.length === 0
            ? 'The best backend Heatlab knows loaded.'
            : `The best of the backends that loaded on this machine (${skipped.length} better one${skipped.length > 1 ? 's' : ''} unavailable).`;
      return {
        tf,
        info: { backend, tfjsBackendName: tf.getBackend(), tfjsVersion: tf.version.tfjs, reason, skipped, extraKernels },
      };
    } catch (err) {
      skipped.push({ backend, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new Error(`No TensorFlow.js backend could be loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join(' ')}`);
}
