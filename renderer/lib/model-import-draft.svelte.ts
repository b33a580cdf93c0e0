// The "Import ONNX model" form: the chosen file, what its inspection found, the user's choices
// and the request they make, checked by the API's own schema before anything is sent.
import { classNamesProblem, modelImportRequestSchemas, type ChannelOrder, type InputLayout, type OnnxInspection, type OutputKind } from '../../shared/model-import.js';
import { parentOf } from './paths.js';

const schema = modelImportRequestSchemas['models.import'];

/** The usual ways models are trained to see pixels (8-bit sources). */
export const preprocessingPresets = [
  { id: 'unit', label: '[0, 1]', scale: 255, mean: '0', std: '1' },
  { id: 'imagenet', label: 'ImageNet mean/std', scale: 255, mean: '0.485, 0.456, 0.406', std: '0.229, 0.224, 0.225' },
  { id: 'bytes', label: '[0, 255]', scale: 1, mean: '0', std: '1' },
  { id: 'custom', label: 'Custom', scale: null, mean: null, std: null },
] as const;
export type PresetId = (typeof preprocessingPresets)[number]['id'];

/** "a, b" or one per line → names; empty → undefined. */
export function splitNames(text: string): string[] | undefined {
  const names = text.split(/[,\n]/).map((n) => n.trim()).filter((n) => n !== '');
  return names.length === 0 ? undefined : names;
}

/** "0.5, 0.4" → numbers (NaN for anything else, which the schema then refuses). */
export function splitNumbers(text: string): number[] | undefined {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.map(Number);
}

export class ModelImportDraft {
  path = $state<string | null>(null);
  inspection = $state.raw<OnnxInspection | null>(null);
  name = $state('');
  input = $state<string | null>(null);
  output = $state<string | null>(null);
  outputKind = $state<OutputKind>('logits');
  layout = $state<InputLayout>('NCHW');
  preset = $state<PresetId>('unit');
  scale = $state<number | null>(255);
  mean = $state('0');
  std = $state('1');
  channelOrder = $state<ChannelOrder>('rgb');
  classSource = $state<'typed' | 'file'>('typed');
  classText = $state('');
  labelsFile = $state<string | null>(null);
  testDatasetId = $state<number | null>(null);
  testImages = $state<number | null>(16);

  readonly request = $derived({
    path: this.path ?? '',
    ...(this.name.trim() ? { name: this.name.trim() } : {}),
    ...(this.input !== null && (this.inspection?.imageInputs.length ?? 0) > 1 ? { input: this.input } : {}),
    ...(this.output !== null && (this.inspection?.outputs.length ?? 0) > 1 ? { output: this.output } : {}),
    layout: this.layout,
    outputKind: this.outputKind,
    preprocessing: { scale: this.scale ?? Number.NaN, mean: splitNumbers(this.mean), std: splitNumbers(this.std), channelOrder: this.channelOrder },
    ...(this.classSource === 'typed' ? { classNames: splitNames(this.classText) } : this.labelsFile !== null ? { labelsFile: this.labelsFile } : {}),
    ...(this.testDatasetId !== null ? { testDatasetId: this.testDatasetId, testImages: this.testImages ?? Number.NaN } : {}),
  });
  readonly parsed = $derived(schema.safeParse(this.request));
  /** One value, or one per channel the model reads (the API says the same when asked). */
  readonly channelProblem = $derived.by(() => {
    const channels = this.inspection?.image?.channels;
    if (typeof channels !== 'number' || !this.parsed.success) return null;
    const { mean, std } = this.parsed.data.preprocessing;
    const bad = [['mean', mean], ['standard deviation', std]].find(([, v]) => v !== undefined && v.length !== 1 && v.length !== channels);
    return bad ? `The ${bad[0] as string} has ${(bad[1] as number[]).length} values and the model reads ${channels} channel${channels === 1 ? '' : 's'}.` : null;
  });
  /** Typed names the API would refuse (the same sentence): empty or repeated. */
  readonly namesProblem = $derived(this.parsed.success && this.parsed.data.classNames ? classNamesProblem(this.parsed.data.classNames) : null);
  /** The first problem with the form, for the line above the Import button. */
  readonly problem = $derived(
    this.parsed.success ? (this.namesProblem ?? this.channelProblem) : this.parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`)[0]!,
  );
  readonly ready = $derived(this.parsed.success && this.namesProblem === null && this.channelProblem === null);

  /** The folder of the chosen file, where the labels picker starts. */
  get folder(): string | undefined {
    return this.path === null ? undefined : parentOf(this.path);
  }

  usePreset(id: PresetId): void {
    this.preset = id;
    const p = preprocessingPresets.find((x) => x.id === id)!;
    if (p.scale !== null) [this.scale, this.mean, this.std] = [p.scale, p.mean, p.std];
  }

  /** Defaults from what the inspection found: its layout guess, its class names, a Heatlab export's preprocessing. */
  fitTo(inspection: OnnxInspection): void {
    this.inspection = inspection;
    this.input = inspection.imageInput ?? inspection.imageInputs[0] ?? null;
    this.layout = inspection.layout ?? 'NCHW';
    this.output = inspection.outputs[0]?.name ?? null;
    this.outputKind = inspection.outputKind;
    this.classText = inspection.classNames?.join(', ') ?? '';
    this.classSource = 'typed';
    this.testDatasetId = inspection.datasets.find((d) => d.fits)?.datasetId ?? null;
    const p = inspection.preprocessing;
    if (p) {
      this.preset = 'custom';
      [this.scale, this.mean, this.std] = [p.scale, p.mean.join(', '), p.std.join(', ')];
    } else this.usePreset('unit');
  }
}
