// The graph being written: value and initializer naming after the tfjs layers, layers as chains
// of nodes, and the two outputs. Nodes are held back until the end so the last one can produce
// `logits` directly instead of through an extra Identity node.
import { attr, GraphBuilder, type Attribute, type TensorData } from '../graph-builder.js';

export const INPUT_NAME = 'input';
export const LOGITS_NAME = 'logits';
export const PROBABILITIES_NAME = 'probabilities';

/**
 * A value in the ONNX graph and its shape without the batch dimension. An `image` value is NCHW
 * in ONNX; its sizes are named so nobody has to remember which axis is which.
 */
export type Value =
  | { kind: 'image'; name: string; height: number; width: number; channels: number }
  | { kind: 'flat'; name: string; size: number };

/** One node of a layer's chain: it takes the previous value first, then `inputs` (initializers). */
export interface Step {
  op: string;
  inputs?: readonly string[];
  attributes?: Record<string, Attribute>;
}

interface PendingNode {
  op: string;
  name: string;
  inputs: string[];
  output: string;
  attributes: Record<string, Attribute>;
}

export class ExportContext {
  readonly graph: GraphBuilder;
  readonly #taken = new Set<string>([INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME]);
  readonly #nodeNames = new Set<string>();
  readonly #nodes: PendingNode[] = [];

  constructor(graphName: string) {
    this.graph = new GraphBuilder(graphName);
  }

  /** `base`, or `base_1`, `base_2`, … when a name is already used. */
  #unique(base: string, taken: Set<string>): string {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  }

  /** The graph input: float32 NCHW with a symbolic batch dimension. */
  input(height: number, width: number, channels: number): Value {
    this.graph.input(INPUT_NAME, 'float32', ['batch', channels, height, width]);
    return { kind: 'image', name: INPUT_NAME, height, width, channels };
  }

  /** A float32 initializer named `<layer>/<role>`, e.g. `l01_conv2d/kernel`. */
  weight(layer: string, role: string, data: TensorData, dims: readonly number[]): string {
    return this.graph.initializer(this.#unique(`${layer}/${role}`, this.#taken), data, dims);
  }

  /**
   * A layer as a chain of nodes. Nodes are named `<layer>/<Op>`; the chain's last value is named
   * after the layer, the ones before it `<layer>/<Op>_output`. Returns the layer's output name
   * (the input itself when the chain is empty).
   */
  chain(layer: string, input: string, steps: readonly Step[]): string {
    let current = input;
    steps.forEach((step, k) => {
      const last = k === steps.length - 1;
      const output = this.#unique(last ? layer : `${layer}/${step.op}_output`, this.#taken);
      this.#nodes.push({
        op: step.op,
        name: this.#unique(`${layer}/${step.op}`, this.#nodeNames),
        inputs: [current, ...(step.inputs ?? [])],
        output,
        attributes: step.attributes ?? {},
      });
      current = output;
    });
    return current;
  }

  /**
   * Ends the graph: the final value becomes `logits` [batch, K] (the node producing it is renamed,
   * since nothing reads it yet) and Softmax over axis 1 gives `probabilities`.
   */
  finish(final: Value): void {
    if (final.kind !== 'flat') throw new Error('The exported graph must end in a flat vector of class scores.');
    const producer = this.#nodes.at(-1);
    if (producer === undefined || producer.output !== final.name) throw new Error(`The exported graph's last node does not produce ${final.name}.`);
    producer.output = LOGITS_NAME;
    this.#nodes.push({ op: 'Softmax', name: this.#unique('probabilities/Softmax', this.#nodeNames), inputs: [LOGITS_NAME], output: PROBABILITIES_NAME, attributes: { axis: attr.int(1) } });
    for (const n of this.#nodes) this.graph.node(n.op, n.inputs, { outputs: [n.output], attributes: n.attributes, name: n.name });
    this.graph.output(LOGITS_NAME, 'float32', ['batch', final.size]);
    this.graph.output(PROBABILITIES_NAME, 'float32', ['batch', final.size]);
  }
}
