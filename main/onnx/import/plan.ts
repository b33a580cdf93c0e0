// The checks of an import, shared by the inspection (problems listed), the API (refused at once)
// and the compute host job (checked again on the file it reads): one image input of rank 4 in
// NCHW or NHWC, an output of shape [batch, classes], class names that match the classes, a
// preprocessing with one value per channel, and a test dataset whose images fit the input.
import type { DatasetRef } from '../../../shared/datasets.js';
import { HeatlabError } from '../../../shared/errors.js';
import { classNamesProblem, type ChannelOrder, type InputLayout, type OutputKind } from '../../../shared/model-import.js';
import type { Preprocessing } from '../../../shared/models.js';
import { formatShape } from '../dims.js';
import { producersOf, type Dim, type IrModel, type IrValueInfo } from '../ir.js';
import { versionProblem } from '../runtime-limits.js';

export interface ImportChoices {
  input?: string;
  output?: string;
  layout?: InputLayout;
  outputKind?: OutputKind;
  preprocessing: { scale: number; mean?: number[]; std?: number[]; channelOrder: ChannelOrder };
  classNames?: string[];
}

export interface ImportPlan {
  input: IrValueInfo;
  output: IrValueInfo;
  layout: InputLayout;
  channelOrder: ChannelOrder;
  outputKind: OutputKind;
  /** The op whose input becomes the logits, when the output comes out of one. */
  softmax: 'Softmax' | 'LogSoftmax' | null;
  batch: Dim;
  channels: number;
  height: number;
  width: number;
  /** Null when the output's class dimension is not fixed in the file (the job reads it from a run). */
  classes: number | null;
  /** Null until `classes` is known, when no names were given. */
  classNames: string[] | null;
  /** For the stored file: NCHW, RGB, mean and std in RGB order. */
  preprocessing: Preprocessing;
}

const refuse = (message: string) => new HeatlabError('invalid_request', message);

/**
 * The most one image's input may hold: 2^26 float32 values (256 MiB), e.g. 3×4096×4096. Every
 * method runs batches of perturbed copies, and a typed array for a larger one cannot even be made
 * (3×100000×100000 failed with "Invalid typed array length").
 */
export const MAX_INPUT_VALUES = 2 ** 26;

function checkInputSize(input: IrValueInfo, channels: number, height: number, width: number): void {
  const values = channels * height * width;
  if (values <= MAX_INPUT_VALUES) return;
  const gib = (values * 4) / 2 ** 30;
  throw refuse(
    `The input ${input.name} takes ${channels}×${height}×${width} images, ${gib >= 10 ? Math.round(gib) : gib.toFixed(1)} GiB of float32 per image, too large to run; Heatlab runs models whose input holds up to ${MAX_INPUT_VALUES * 4 / 2 ** 20} MiB per image.`,
  );
}

const describeValue = (v: IrValueInfo) => `${v.name} ${v.shape === null ? '(no shape)' : formatShape(v.shape)} ${v.elemType}`;

/** Float inputs of rank 4: the ones that can take a batch of images. */
export function imageInputsOf(ir: Pick<IrModel, 'inputs'>): IrValueInfo[] {
  return ir.inputs.filter((i) => i.elemType === 'float32' && i.shape?.length === 4);
}

/** NCHW when dim 1 is 1 or 3 and the spatial dims are larger (or symbolic); NHWC when the last dim is 1 or 3. */
export function guessLayout(shape: readonly Dim[]): InputLayout | null {
  const [, d1, d2, d3] = shape;
  const channelLike = (d: Dim | undefined) => d === 1 || d === 3;
  const larger = (d: Dim | undefined, c: number) => typeof d === 'string' || (typeof d === 'number' && d > c);
  if (channelLike(d1) && larger(d2, d1 as number) && larger(d3, d1 as number)) return 'NCHW';
  if (channelLike(d3)) return 'NHWC';
  return null;
}

/** Probabilities when the output comes straight out of a Softmax; a LogSoftmax's log-probabilities are logits up to a constant. */
export function softmaxBefore(ir: Pick<IrModel, 'nodes'>, output: string): ImportPlan['softmax'] {
  const node = producersOf(ir.nodes).get(output);
  if (node === undefined || (node.domain !== '' && node.domain !== 'ai.onnx')) return null;
  return node.opType === 'Softmax' || node.opType === 'LogSoftmax' ? node.opType : null;
}

/** Class names a model's metadata carries: Heatlab's own key, or the keys other exporters use. */
export function metadataClassNames(ir: Pick<IrModel, 'metadata'>): string[] | null {
  for (const key of ['heatlab.classNames', 'classNames', 'class_names', 'classes', 'labels']) {
    const text = ir.metadata[key];
    if (text === undefined) continue;
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((n) => typeof n === 'string' || typeof n === 'number')) return parsed.map(String);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        // {"0": "cat", "1": "dog"}, as some exporters store index → name.
        const entries = Object.entries(parsed as Record<string, unknown>).filter(([k]) => /^\d+$/.test(k));
        if (entries.length > 0 && entries.every(([, v]) => typeof v === 'string')) return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v as string);
      }
    } catch {
      const names = text.split(/[,\n]/).map((n) => n.trim()).filter((n) => n !== '');
      if (names.length > 0) return names;
    }
  }
  return null;
}

function pickInput(ir: IrModel, wanted: string | undefined): IrValueInfo {
  const images = imageInputsOf(ir);
  if (wanted !== undefined) {
    const input = ir.inputs.find((i) => i.name === wanted);
    if (input === undefined) throw refuse(`The ONNX model has no input named ${wanted}; its inputs are ${ir.inputs.map((i) => i.name).join(', ')}.`);
    if (!images.includes(input)) throw refuse(`The ONNX model's input ${describeValue(input)} is not a float input of rank 4, so it cannot take images.`);
    return input;
  }
  if (images.length === 0) throw refuse(`The ONNX model has no image input (a float input of rank 4): its inputs are ${ir.inputs.map(describeValue).join(', ')}.`);
  if (images.length > 1) throw refuse(`The ONNX model has ${images.length} float inputs of rank 4 (${images.map((i) => i.name).join(', ')}), so the image input must be chosen.`);
  return images[0]!;
}

function pickOutput(ir: IrModel, wanted: string | undefined): IrValueInfo {
  const output = wanted === undefined ? ir.outputs[0]! : ir.outputs.find((o) => o.name === wanted);
  if (output === undefined) throw refuse(`The ONNX model has no output named ${wanted}; its outputs are ${ir.outputs.map((o) => o.name).join(', ')}.`);
  if (output.elemType !== 'float32') throw refuse(`The ONNX model's output ${describeValue(output)} does not hold float scores.`);
  if (output.shape !== null && output.shape.length !== 2) throw refuse(`The ONNX model's output ${output.name} has shape ${formatShape(output.shape)}, and Heatlab needs class scores of shape [batch, classes].`);
  return output;
}

/** One value per channel: a single value is repeated; the model's channel order becomes RGB. */
function perChannel(values: number[] | undefined, fallback: number, channels: number, order: ChannelOrder, what: string): number[] {
  const list = values === undefined ? [fallback] : values;
  if (list.length !== 1 && list.length !== channels) throw refuse(`The ${what} has ${list.length} values and the model's input has ${channels} channel${channels === 1 ? '' : 's'}.`);
  const full = list.length === 1 ? new Array<number>(channels).fill(list[0]!) : [...list];
  return order === 'bgr' ? full.reverse() : full;
}

/** The import as it would run; throws the first reason it cannot, in one sentence. */
export function planImport(ir: IrModel, choices: ImportChoices, dataset: Pick<DatasetRef, 'id' | 'name' | 'channels' | 'height' | 'width'> | null): ImportPlan {
  // ONNX Runtime would refuse the file with its C++ source path: say it first.
  const version = versionProblem(ir);
  if (version !== null) throw refuse(version);
  const input = pickInput(ir, choices.input);
  const output = pickOutput(ir, choices.output);
  const shape = input.shape!;
  const layout = choices.layout ?? guessLayout(shape);
  if (layout === null) throw refuse(`Heatlab cannot tell whether the input ${input.name} ${formatShape(shape)} is NCHW or NHWC, so the layout must be chosen.`);
  const [batch, a, b, c] = shape as [Dim, Dim, Dim, Dim];
  const [channels, height, width] = layout === 'NCHW' ? [a, b, c] : [c, a, b];
  if (typeof channels !== 'number') throw refuse(`The input ${input.name} ${formatShape(shape)} has no fixed channel count under the ${layout} layout.`);
  let size: [Dim, Dim] = [height, width];
  if (dataset !== null) {
    const fits = dataset.channels === channels && (typeof height !== 'number' || height === dataset.height) && (typeof width !== 'number' || width === dataset.width);
    if (!fits) {
      const wants = `${channels}-channel ${typeof height === 'number' ? height : '?'}×${typeof width === 'number' ? width : '?'}`;
      throw refuse(`Dataset ${dataset.id} "${dataset.name}" has ${dataset.channels}-channel ${dataset.height}×${dataset.width} images, and the model takes ${wants} images.`);
    }
    size = [dataset.height, dataset.width];
  }
  if (typeof size[0] !== 'number' || typeof size[1] !== 'number') {
    throw new HeatlabError('invalid_request', `The input ${input.name} ${formatShape(shape)} has no fixed height and width, so a test dataset must be chosen to fix them to its image size.`, { sizeFromDataset: true });
  }
  checkInputSize(input, channels, size[0], size[1]);
  const channelOrder = choices.preprocessing.channelOrder;
  if (channelOrder === 'bgr' && channels !== 3) throw refuse(`The BGR channel order needs a 3-channel input, and the model's input has ${channels} channel${channels === 1 ? '' : 's'}.`);

  const softmax = softmaxBefore(ir, output.name);
  const outputKind = softmax === 'Softmax' ? 'probabilities' : softmax === 'LogSoftmax' ? 'logits' : (choices.outputKind ?? 'logits');
  const k = output.shape?.[1];
  const classes = typeof k === 'number' ? k : null;
  let classNames = choices.classNames ?? null;
  const namesProblem = classNames === null ? null : classNamesProblem(classNames);
  if (namesProblem !== null) throw refuse(namesProblem);
  if (classNames !== null && classes !== null && classNames.length !== classes) {
    throw refuse(`The model's output ${output.name} has ${classes} classes, and ${classNames.length} class name${classNames.length === 1 ? ' was' : 's were'} given.`);
  }
  if (classNames === null && classes !== null) {
    const stored = metadataClassNames(ir);
    // Names the file's metadata repeats cannot tell its classes apart: numbered names instead, as for a wrong count.
    classNames = stored?.length === classes && classNamesProblem(stored) === null ? stored : Array.from({ length: classes }, (_, i) => `class ${i}`);
  }
  const p = choices.preprocessing;
  return {
    input,
    output,
    layout,
    channelOrder,
    outputKind,
    softmax,
    batch,
    channels,
    height: size[0],
    width: size[1],
    classes,
    classNames,
    preprocessing: {
      layout: 'NCHW',
      scale: p.scale,
      mean: perChannel(p.mean, 0, channels, channelOrder, 'mean'),
      std: perChannel(p.std, 1, channels, channelOrder, 'standard deviation'),
      channels,
      height: size[0],
      width: size[1],
    },
  };
}
