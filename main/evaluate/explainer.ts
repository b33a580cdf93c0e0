// The Explainer the sanity and robustness metrics re-run (metric.ts): a registered explanation
// method with its run's parameters, on the explained model or on a copy with re-initialised
// layers (onnx/randomise-layers.ts). Graph methods run on the model's compiled graphs,
// perturbation methods on its forward pass, as the explanation job runs them.
import type { Forward } from '../explain/forward.js';
import { perImageRandom, type GraphMethod, type InputBounds } from '../explain/graph/method.js';
import { resolveStoredMethod, type ExplainMethod } from '../explain/methods.js';
import type { PerturbationMethod } from '../explain/perturbation/method.js';
import { GRAPH_BATCH, imageSeed } from '../explain/run/explain-job.js';
import { ExplainedModel } from '../explain/run/explained-model.js';
import { Random } from '../numeric/random.js';
import type { IrModel } from '../onnx/ir.js';
import { readModel } from '../onnx/model-reader.js';
import { writeModel } from '../onnx/model-writer.js';
import { SessionCache } from '../onnx/session-cache.js';
import { layerNames, randomiseLayers } from '../onnx/randomise-layers.js';
import type { Explainer } from './metric.js';

/** Sessions a randomised model may hold during one call (a method's graph variants and its forward pass). */
const TRANSIENT_SESSIONS = 4;

class ModelExplainer implements Explainer {
  #ir: IrModel | null;
  #layers: readonly string[] | null = null;

  constructor(
    readonly model: ExplainedModel,
    ir: IrModel | null,
    readonly method: ExplainMethod,
    readonly params: Record<string, unknown>,
    readonly inputBounds: InputBounds | undefined,
    readonly seed: number,
    /** A randomised copy, whose sessions live in a cache of its own that is emptied after every call. */
    readonly transient: boolean,
  ) {
    this.#ir = ir;
  }

  /** The model as read from its file (before canonicalisation), read once when first needed. */
  get ir(): IrModel {
    return (this.#ir ??= readModel(this.model.bytes));
  }

  get layers(): readonly string[] {
    return (this.#layers ??= layerNames(this.ir));
  }

  async explain(images: Float32Array, n: number, targets: Int32Array): Promise<Float32Array> {
    try {
      const method = this.method;
      return method.kind === 'graph' ? await this.#graph(method, images, n, targets) : await this.#perturbation(method, images, n, targets);
    } finally {
      if (this.transient) await this.model.engines.sessions.clear();
    }
  }

  randomised(layers: readonly string[], seed: number): Explainer {
    const ir = randomiseLayers(this.ir, layers, seed);
    // A distinct cache key per (base model, layers, seed): a randomised session must never answer for the original.
    const key = `${this.model.key}|randomised:${seed}:${layers.join(',')}`;
    const scores = this.model.scores;
    // Its own session cache: the cascade's models neither evict the original model's sessions from
    // the host's cache nor stay in memory after their one call.
    const sessions = new SessionCache(this.model.engines.ort, TRANSIENT_SESSIONS);
    const model = new ExplainedModel({ ...this.model.engines, sessions }, writeModel(ir), key, scores);
    return new ModelExplainer(model, ir, this.method, this.params, this.inputBounds, this.seed, true);
  }

  async #graph(method: GraphMethod, images: Float32Array, n: number, targets: Int32Array): Promise<Float32Array> {
    const runner = this.model.graphRunner(GRAPH_BATCH, this.inputBounds);
    // Image i's own stream, seeded as the perturbation methods' below: calls of the same layout get the same random numbers.
    return method.run(runner, { images, n, shape: runner.shape, targets }, this.params as never, perImageRandom((i) => imageSeed(this.seed, i, targets[i]!)));
  }

  async #perturbation(method: PerturbationMethod, images: Float32Array, n: number, targets: Int32Array): Promise<Float32Array> {
    const [channels, height, width] = this.model.shape;
    const size = channels * height * width;
    const plane = height * width;
    const maps = new Float32Array(n * plane);
    await this.model.withForward(async (forward: Forward) => {
      for (let i = 0; i < n; i++) {
        const input = { image: images.subarray(i * size, (i + 1) * size), shape: { channels, height, width }, target: targets[i]!, classes: this.model.classes, scores: this.model.scores };
        // Image i of a call gets the explanation job's per-image seed with its position standing for the
        // dataset index: calls of the same layout (max-sensitivity's perturbed copies of a batch) then
        // differ only by their inputs, not by the method's own sampling noise.
        maps.set(await method.run(forward, input, this.params as never, new Random(imageSeed(this.seed, i, targets[i]!))), i * plane);
      }
    });
    return maps;
  }
}

/**
 * The Explainer of one explanation run: `methodId` and `params` as the run stored them (keys added
 * since take the value that reproduces the run, the rest their defaults; unknown parameters are
 * refused: resolveStoredMethod), `inputBounds`
 * the model's input range per channel (LRP zᴮ; explain-job.ts inputBounds()), `seed` the run's
 * seed for stochastic methods. The model's file is read again only when `layers` or
 * `randomised()` is first used.
 */
export function createExplainer(explained: ExplainedModel, methodId: string, params: Record<string, unknown>, inputBounds: InputBounds | undefined, seed: number): Explainer {
  const { method, params: resolved } = resolveStoredMethod(methodId, params);
  return new ModelExplainer(explained, null, method, resolved, inputBounds, seed, false);
}
