// A model as an explanation job sees it: the forward pass every method can use, and — when every
// op is supported — the compiled graphs gradient methods need. The canonical form explains the
// pre-softmax logits; a model the canonicaliser cannot read (an op without a shape rule) still
// runs forward-only methods on its stored output.
import { HeatlabError } from '../../../shared/errors.js';
import type { OrtEngine } from '../../onnx/ort-engine.js';
import { canonicalize, type CanonicalModel } from '../../onnx/canonicalize.js';
import type { IrModel } from '../../onnx/ir.js';
import { readModel } from '../../onnx/model-reader.js';
import { writeModel } from '../../onnx/model-writer.js';
import { requireSupportedOps } from '../../onnx/supported-ops.js';
import { ortForward, type Forward } from '../forward.js';
import type { InputBounds } from '../graph/method.js';
import { GraphRunner } from '../graph/runner.js';

export class ExplainedModel {
  /** [C, H, W] of one input image. */
  readonly shape: [number, number, number];
  readonly classes: number;
  readonly explains: 'logits' | 'probabilities' | 'output';
  /** What the forward pass returns: probabilities only when the file holds nothing else. */
  readonly scores: 'logits' | 'probabilities';
  readonly #ir: IrModel;
  readonly #canonical: CanonicalModel | null;
  readonly #canonicalError: unknown;
  readonly #input: string;
  readonly #output: string;
  readonly #fixedBatch: number | undefined;
  #runner: GraphRunner | null = null;

  constructor(
    readonly engines: OrtEngine,
    readonly bytes: Uint8Array,
    /** The session cache key: the model's id and checksum. */
    readonly key: string,
    /** What the file's scores are, when the catalogue knows (imported models may hold only probabilities). */
    scores: 'logits' | 'probabilities' = 'logits',
  ) {
    this.#ir = readModel(bytes);
    let canonical: CanonicalModel | null = null;
    try {
      canonical = canonicalize(this.#ir);
    } catch (err) {
      this.#canonicalError = err;
    }
    this.#canonical = canonical;
    let dims: readonly (number | string)[] | null;
    let out: readonly (number | string)[] | null;
    if (canonical !== null) {
      this.#input = canonical.input;
      this.#output = canonical.logits;
      dims = canonical.shapes.get(canonical.input) ?? null;
      out = canonical.shapes.get(canonical.logits) ?? null;
    } else {
      const input = this.#ir.inputs.find((i) => i.elemType === 'float32' && i.shape?.length === 4);
      if (input === undefined) throw new HeatlabError('invalid_request', 'The ONNX model has no float image input [N, C, H, W].');
      this.#input = input.name;
      this.#output = this.#ir.outputs[0]!.name;
      dims = input.shape;
      out = this.#ir.outputs[0]!.shape;
    }
    const [batch, c, h, w] = dims ?? [];
    if (typeof c !== 'number' || typeof h !== 'number' || typeof w !== 'number') throw new HeatlabError('invalid_request', `The ONNX model's input ${this.#input} has no fixed image size.`);
    const k = out?.at(-1);
    if (typeof k !== 'number') throw new HeatlabError('invalid_request', `The ONNX model's output ${this.#output} has no fixed number of classes.`);
    this.shape = [c, h, w];
    this.classes = k;
    this.explains = canonical === null ? 'output' : canonical.strippedSoftmax !== null ? 'logits' : scores;
    this.scores = this.explains === 'logits' ? 'logits' : scores;
    this.#fixedBatch = typeof batch === 'number' ? batch : undefined;
  }

  /** Runs `use` with the model's forward pass (logits when canonical, else the stored output). */
  withForward<T>(use: (forward: Forward) => Promise<T>): Promise<T> {
    const canonical = this.#canonical;
    const variant = canonical !== null ? 'forward' : 'file';
    const build = () => (canonical !== null ? writeModel(canonical.ir) : this.bytes);
    const [channels, height, width] = this.shape;
    return this.engines.sessions.with({ model: this.key, variant }, build, (session) =>
      use(ortForward(this.engines.ort.ort, session, { channels, height, width }, { inputName: this.#input, outputName: this.#output, fixedBatch: this.#fixedBatch })),
    );
  }

  /**
   * The compiled-graph runner gradient methods use; refuses a model with unsupported ops, naming
   * them. `inputBounds`: the range of the model's inputs per channel (LRP's zᴮ rule).
   */
  graphRunner(batchSize: number, inputBounds?: InputBounds): GraphRunner {
    if (this.#runner !== null) return this.#runner;
    requireSupportedOps(this.#ir);
    if (this.#canonical === null) throw this.#canonicalError;
    this.#runner = new GraphRunner(this.engines.ort, this.engines.sessions, this.key, this.#canonical, { batchSize, inputBounds });
    return this.#runner;
  }
}
