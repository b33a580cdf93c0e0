// `heatlab train` and `heatlab models …`: train a CNN on a dataset, list models, export ONNX.
import { resolve } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';
import { formatDuration, formatPercent } from '../../shared/format.js';
import { architecturePresets, type ArchitecturePreset, type Model, type TrainingDetail } from '../../shared/models.js';
import { importCommand, importUsage, inspectCommand } from './cli-import.js';
import { COUNT, decimalOption, ID, parseId, SEED, wholeOption } from './cli-numbers.js';
import { failJob, followJob, out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';

export const modelsUsage = `  train                  Train a model (--dataset ID --arch ${architecturePresets.join('|')} --epochs N
                         --batch N --lr X --optimizer adam|sgd --seed S --name NAME)
  models list            The models in the workspace
  models export ID DIR   Copy model ID's .onnx file into folder DIR
${importUsage}`;

function describe(m: Model): string {
  const test = m.test ? `test accuracy ${formatPercent(m.test.accuracy)} on ${m.test.count.toLocaleString('en-US')} images` : 'no test score';
  return `Model ${m.id} "${m.name}": ${m.architecture}, ${m.parameters.toLocaleString('en-US')} parameters, ${test}, trained on ${m.backend ?? '—'} in ${formatDuration(m.seconds)}.`;
}

export async function trainCommand(options: Options): Promise<void> {
  const datasetId = wholeOption(options.dataset, 'dataset', ID);
  if (datasetId === undefined) throw new UsageError('train needs --dataset ID (see `heatlab data list`).');
  const preset = (options.arch ?? 'tiny-cnn') as ArchitecturePreset;
  if (!architecturePresets.includes(preset)) throw new UsageError(`--arch must be one of ${architecturePresets.join(', ')}.`);
  if (options.optimizer !== undefined && options.optimizer !== 'adam' && options.optimizer !== 'sgd') throw new UsageError('--optimizer must be adam or sgd.');
  const training: Record<string, unknown> = {};
  const set = (key: string, value: number | string | undefined) => value !== undefined && (training[key] = value);
  set('epochs', wholeOption(options.epochs, 'epochs', COUNT));
  set('batchSize', wholeOption(options.batch, 'batch', COUNT));
  set('learningRate', decimalOption(options.lr, 'lr'));
  set('seed', wholeOption(options.seed, 'seed', SEED));
  set('optimizer', options.optimizer);
  const model = await withHeatlab(options, async (api) => {
    const started = unwrap(await api['models.train']({ datasetId, name: options.name, architecture: { kind: 'preset', preset }, training }));
    let printed = 0;
    const off = api.on('job.progress', ({ jobId, progress }) => {
      const epochs = (progress.detail as TrainingDetail | undefined)?.epochs ?? [];
      for (; !options.json && jobId === started.id && printed < epochs.length; printed++) {
        const e = epochs[printed]!;
        const val = e.valAccuracy === null ? '' : `, validation loss ${e.valLoss!.toFixed(4)} accuracy ${formatPercent(e.valAccuracy)}`;
        process.stderr.write(`\r\x1b[2KEpoch ${e.epoch}: loss ${e.loss.toFixed(4)} accuracy ${formatPercent(e.accuracy)}${val} (${Math.round(e.imagesPerSecond)} images/s)\n`);
      }
    });
    try {
      const job = await followJob(api, started, options.json);
      if (job.status !== 'done') failJob(job);
      return unwrap(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
    } finally {
      off();
    }
  });
  if (options.json) out(JSON.stringify(model, null, 2));
  else {
    out(describe(model));
    if (model.stopNote) out(model.stopNote);
  }
}

export async function modelsCommand(options: Options, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  if (verb === 'list' || verb === 'ls') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
    const models = await withHeatlab(options, async (api) => unwrap(await api['models.list']({})));
    if (options.json) out(JSON.stringify(models, null, 2));
    else if (models.length === 0) out('No models yet. Train one with `heatlab train --dataset ID` or import one with `heatlab models import FILE.onnx`.');
    else
      for (const m of models) {
        const acc = m.testAccuracy === null ? '—' : formatPercent(m.testAccuracy);
        out(`#${m.id}  ${m.name.padEnd(40)} ${m.architecture.padEnd(20)} ${acc.padStart(7)}  ${m.parameters.toLocaleString('en-US').padStart(9)} params  ${m.createdAt.slice(0, 10)}`);
      }
    return;
  }
  if (verb === 'export') {
    const id = parseId(rest[0]);
    if (rest.length !== 2 || id === null) throw new UsageError('models export needs a model id and a folder, such as `heatlab models export 2 ~/onnx`.');
    // The folder typed on the command line is the user's choice, as the picker's is in the app.
    const { path } = await withHeatlab(options, async (api) => {
      const { folder } = unwrap(await api['files.grant']({ path: resolve(rest[1]!) }));
      return unwrap(await api['models.export']({ id, folder }));
    });
    if (options.json) out(JSON.stringify({ path }));
    else out(`Wrote ${path}.`);
    return;
  }
  if (verb === 'inspect') return inspectCommand(options, rest);
  if (verb === 'import') return importCommand(options, rest);
  throw verb === undefined
    ? new UsageError('models needs a verb: list, export, inspect or import.')
    : new HeatlabError('invalid_request', `Unknown models verb "${verb}"; use list, export, inspect or import.`);
}
