// `models.inspectOnnx`: what an .onnx file holds and what an import would make of it — parsed
// and checked only (no ONNX Runtime), so it is light enough for main's event loop. A file that is
// not a readable ONNX model throws its one sentence; anything else that stands in the import's
// way is listed in `problems`.
import type { DatasetRef } from '../../../shared/datasets.js';
import { HeatlabError } from '../../../shared/errors.js';
import { classNamesProblem, type DatasetFit, type OnnxInspection } from '../../../shared/model-import.js';
import type { Preprocessing } from '../../../shared/models.js';
import { unsupportedOps } from '../supported-ops.js';
import { guessLayout, imageInputsOf, metadataClassNames, planImport, softmaxBefore } from './plan.js';
import { readOnnxSource } from './source.js';

type DatasetShape = Pick<DatasetRef, 'id' | 'name' | 'channels' | 'height' | 'width'>;

function storedPreprocessing(metadata: Record<string, string>): Preprocessing | null {
  const text = metadata['heatlab.preprocessing'];
  if (text === undefined) return null;
  try {
    const p = JSON.parse(text) as Preprocessing;
    return typeof p.scale === 'number' && Array.isArray(p.mean) && Array.isArray(p.std) ? p : null;
  } catch {
    return null;
  }
}

const message = (err: unknown) => (err instanceof HeatlabError ? err.message : String(err));

export function inspectOnnx(path: string, datasets: readonly DatasetShape[]): OnnxInspection {
  const source = readOnnxSource(path);
  const { ir } = source;
  const images = imageInputsOf(ir);
  const image = images.length === 1 ? images[0]! : null;
  const layout = image === null ? null : guessLayout(image.shape!);
  const shape = image?.shape;
  const output = ir.outputs[0]!;
  const classes = typeof output.shape?.[1] === 'number' && output.shape.length === 2 ? output.shape[1] : null;
  const preprocessing = storedPreprocessing(ir.metadata);
  const choices = { preprocessing: { scale: preprocessing?.scale ?? 255, channelOrder: 'rgb' as const } };

  const problems: string[] = [];
  try {
    planImport(ir, choices, null);
  } catch (err) {
    // Symbolic spatial sizes are settled by the test dataset, not a problem of the file.
    if (!(err instanceof HeatlabError && err.details?.sizeFromDataset === true)) problems.push(message(err));
  }
  const fits: DatasetFit[] = datasets.map((d) => {
    try {
      planImport(ir, choices, d);
      return { datasetId: d.id, datasetName: d.name, fits: true, reason: null };
    } catch (err) {
      return { datasetId: d.id, datasetName: d.name, fits: false, reason: message(err) };
    }
  });
  const stored = metadataClassNames(ir);
  const head = softmaxBefore(ir, output.name);
  return {
    path: source.path,
    fileName: source.fileName,
    bytes: source.bytes.length,
    producer: ir.producer,
    opset: ir.opset,
    irVersion: ir.irVersion,
    inputs: ir.inputs.map(({ name, elemType, shape }) => ({ name, elemType, shape })),
    outputs: ir.outputs.map(({ name, elemType, shape }) => ({ name, elemType, shape })),
    imageInput: image?.name ?? null,
    imageInputs: images.map((i) => i.name),
    layout,
    image:
      shape === undefined || shape === null || layout === null
        ? null
        : layout === 'NCHW'
          ? { channels: shape[1]!, height: shape[2]!, width: shape[3]! }
          : { channels: shape[3]!, height: shape[1]!, width: shape[2]! },
    // The import's default choice: a LogSoftmax head is taken off, leaving logits.
    outputKind: head === 'Softmax' ? 'probabilities' : 'logits',
    outputHolds: head === 'Softmax' ? 'probabilities' : head === 'LogSoftmax' ? 'log-probabilities' : 'logits',
    classes,
    unsupportedOps: unsupportedOps(ir),
    // As the import takes them: names that repeat are no names.
    classNames: stored !== null && (classes === null || stored.length === classes) && classNamesProblem(stored) === null ? stored : null,
    preprocessing,
    datasets: fits,
    problems,
  };
}
