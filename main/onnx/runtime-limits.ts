// What the bundled ONNX Runtime (onnxruntime-node 1.30, pinned in package.json) loads, known
// without loading it, so that the inspection on main's event loop can say so before an import
// runs; test/unit/onnx-runtime-limits.test.ts checks these numbers against the runtime itself.
// ORT's own refusals carry its C++ source paths and signatures: ortMessage() keeps the words.

export const ORT_VERSION = '1.30';
/** The newest default-domain (ai.onnx) opset ONNX Runtime 1.30 loads ("official support … till opset 26"). */
export const ORT_MAX_OPSET = 26;
/** The newest ONNX IR version ONNX Runtime 1.30 loads. */
export const ORT_MAX_IR_VERSION = 13;

export const opsetTooNew = (opset: number) => `This ONNX file uses opset ${opset}; ONNX Runtime ${ORT_VERSION} reads opsets up to ${ORT_MAX_OPSET}.`;
export const irVersionTooNew = (ir: number) => `This ONNX file uses IR version ${ir}; ONNX Runtime ${ORT_VERSION} reads IR versions up to ${ORT_MAX_IR_VERSION}.`;

/** The sentence of a model the runtime cannot load for its opset or IR version; null when neither is the reason. */
export function versionProblem(model: { opset: number; irVersion: number }): string | null {
  if (model.irVersion > ORT_MAX_IR_VERSION) return irVersionTooNew(model.irVersion);
  if (model.opset > ORT_MAX_OPSET) return opsetTooNew(model.opset);
  return null;
}

/**
 * ONNX Runtime's message without its C++ location ("/onnxruntime_src/…/model.cc:202 onnxruntime::Model::Model(…) "),
 * and its version refusals in Heatlab's words.
 */
export function ortMessage(message: string): string {
  const first = message.split('\n')[0]!;
  const ir = /Unsupported model IR version: (\d+)/.exec(first);
  if (ir) return irVersionTooNew(Number(ir[1]));
  const opset = /Opset (\d+) is under development/.exec(first);
  if (opset) return opsetTooNew(Number(opset[1]));
  // "<path>:<line> <C++ signature> <the words>": the signature ends at its closing parenthesis (and an optional const).
  const located = /^\S*onnxruntime\S*:\d+ (.*)$/.exec(first);
  if (!located) return first;
  const rest = located[1]!;
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '(') depth++;
    else if (rest[i] === ')' && --depth === 0) return rest.slice(i + 1).replace(/^\s*const\b/, '').trim() || first;
  }
  return rest;
}
