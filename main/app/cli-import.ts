// `heatlab models inspect FILE.onnx` and `heatlab models import FILE.onnx …`: a foreign ONNX
// model (PyTorch, Keras/tf2onnx, DIANNA's zoo) checked, normalised and stored as a model.
import { resolve } from 'node:path';
import type { ApiRequest } from '../../shared/api.js';
import { formatCount, formatPercent } from '../../shared/format.js';
import type { OnnxInspection, OnnxValueSummary } from '../../shared/model-import.js';
import type { Model } from '../../shared/models.js';
import { COUNT, decimalOption, ID, parseDecimal, wholeOption } from './cli-numbers.js';
import { failJob, followJob, out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';

export const importUsage = `  models inspect FILE    What an .onnx file holds and whether it can be imported (--dataset ID)
  models import FILE     Import an .onnx model (--name N --classes a,b,c | --labels FILE
                         --layout nchw|nhwc --input NAME --output NAME --scale S
                         --mean m1,m2,m3 --std s1,s2,s3 --bgr --test-dataset ID --n N)`;

const FORWARD_ONLY = 'forward-only methods (Occlusion, RISE, LIME, KernelSHAP) still work';

function numberList(value: string | undefined, name: string): number[] | undefined {
  if (value === undefined) return undefined;
  const values = value.split(',').map((v) => parseDecimal(v.trim()));
  if (values.some((v) => v === null)) throw new UsageError(`--${name} must be numbers separated by commas, such as 0.485,0.456,0.406, not "${value}".`);
  return values as number[];
}

/** "cat, dog" → names; an empty one is a slip of the typing (a doubled or trailing comma). Repeats are the API's to refuse, as they are from a form. */
function classList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((c) => c.trim());
  const empty = names.indexOf('');
  if (empty >= 0) throw new UsageError(`--classes takes names separated by commas, and class ${empty} in "${value}" has none.`);
  return names;
}

function onePath(rest: string[], verb: string): string {
  if (rest.length !== 1) throw new UsageError(`models ${verb} needs one .onnx file, such as \`heatlab models ${verb} ~/models/resnet.onnx\`.`);
  return resolve(rest[0]!);
}

const shape = (v: OnnxValueSummary) => (v.shape === null ? 'no shape' : `[${v.shape.join(', ')}]`);

/** What the first output holds, in words; a LogSoftmax's values are log-probabilities, not logits. */
export function outputWords(r: Pick<OnnxInspection, 'outputHolds'>): string {
  return r.outputHolds === 'log-probabilities' ? 'log-probabilities (after a LogSoftmax, which the import takes off for the logits)' : r.outputHolds;
}

function printInspection(r: OnnxInspection): void {
  const producer = [r.producer.name || 'unknown exporter', r.producer.version].filter((s) => s !== '').join(' ');
  out(`${r.fileName} (${formatCount(r.bytes)} bytes): ${producer}, opset ${r.opset}`);
  for (const i of r.inputs) out(`Input   ${i.name} ${shape(i)} ${i.elemType}${i.name === r.imageInput ? `  image input${r.layout ? `, ${r.layout}` : ''}` : ''}`);
  for (const [k, o] of r.outputs.entries()) out(`Output  ${o.name} ${shape(o)} ${o.elemType}${k === 0 ? `  ${outputWords(r)}${r.classes === null ? '' : `, ${r.classes} classes`}` : ''}`);
  if (r.classNames) out(`Classes ${r.classNames.join(', ')}`);
  out(r.unsupportedOps.length === 0 ? 'Graph methods: every op is supported.' : `Graph methods cannot run: unsupported ${r.unsupportedOps.join(', ')}; ${FORWARD_ONLY}.`);
  for (const d of r.datasets) out(`Dataset #${d.datasetId} "${d.datasetName}": ${d.fits ? 'fits' : d.reason}`);
  for (const p of r.problems) out(`Problem: ${p}`);
}

function describeImport(m: Model): string[] {
  const imported = m.onnx.imported!;
  const p = m.preprocessing;
  const lines = [
    `Imported model ${m.id} "${m.name}": ${m.architecture}, ${formatCount(m.parameters)} parameters, ${m.classNames.length} classes (${m.classNames.join(', ')}).`,
    `Input ${p.channels}×${p.height}×${p.width} (source ${imported.layout}, ${imported.channelOrder.toUpperCase()}); stored scores are ${imported.scores} and agree with the source to ${(m.onnx.maxAbsDifference ?? 0).toExponential(1)}.`,
  ];
  if (imported.unsupportedOps.length > 0) lines.push(`Graph methods cannot run on it (unsupported ${imported.unsupportedOps.join(', ')}); ${FORWARD_ONLY}.`);
  const run = imported.testRun;
  if (run !== null) {
    const counts = m.classNames.map((name, c) => [name, run.predicted.filter((p) => p === c).length] as const).filter(([, n]) => n > 0);
    const score = run.accuracy === null ? "no accuracy, since the class names differ from the dataset's" : `accuracy ${formatPercent(run.accuracy)}`;
    lines.push(`Test run on ${run.indices.length} images of "${run.datasetName}": ${score}; predicted ${counts.map(([n, k]) => `${n} ×${k}`).join(', ')}; ${run.allFinite ? 'all scores finite' : 'some scores are NaN or infinite'}.`);
  }
  return lines;
}

export async function inspectCommand(options: Options, rest: string[]): Promise<void> {
  const path = onePath(rest, 'inspect');
  const datasetId = wholeOption(options.dataset, 'dataset', ID);
  const inspection = await withHeatlab(options, async (api) => unwrap(await api['models.inspectOnnx']({ path, datasetId })));
  if (options.json) out(JSON.stringify(inspection, null, 2));
  else printInspection(inspection);
}

export async function importCommand(options: Options, rest: string[]): Promise<void> {
  const path = onePath(rest, 'import');
  if (options.classes !== undefined && options.labels !== undefined) throw new UsageError('Give --classes or --labels, not both.');
  const layout = options.layout?.toUpperCase();
  if (layout !== undefined && layout !== 'NCHW' && layout !== 'NHWC') throw new UsageError(`--layout must be nchw or nhwc, not "${options.layout}".`);
  const request: ApiRequest<'models.import'> = {
    path,
    name: options.name,
    input: options.input,
    output: options.output,
    layout,
    preprocessing: { scale: decimalOption(options.scale, 'scale'), mean: numberList(options.mean, 'mean'), std: numberList(options.std, 'std'), channelOrder: options.bgr ? 'bgr' : 'rgb' },
    classNames: classList(options.classes),
    labelsFile: options.labels === undefined ? undefined : resolve(options.labels),
    testDatasetId: wholeOption(options['test-dataset'], 'test-dataset', ID),
    testImages: wholeOption(options.n, 'n', COUNT),
  };
  const model = await withHeatlab(options, async (api) => {
    const job = await followJob(api, unwrap(await api['models.import'](request)), options.json);
    if (job.status !== 'done') failJob(job);
    return unwrap(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
  });
  if (options.json) out(JSON.stringify(model, null, 2));
  else for (const line of describeImport(model)) out(line);
}
