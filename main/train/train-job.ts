// The training job (compute host): build the model from its architecture, train it on the
// dataset's files, score it on the test split, save tfjs artifacts and a verified ONNX export
// into a staging folder. Main records the model.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import type { DatasetRef } from '../../shared/datasets.js';
import { defaultModelName } from '../../shared/default-names.js';
import { HeatlabError } from '../../shared/errors.js';
import type { StagedModel, TrainRequest } from '../../shared/models.js';
import { StagingArea } from '../workspace/staging.js';
import type { LoadedOrt } from '../onnx/runtime.js';
import type { ResolvedTfjs } from './tfjs-backend.js';
import type { JobContext } from '../jobs/host/job-context.js';
import { EXPORT_TOLERANCE, exportAgrees, exportLayersModel, verifyExport } from '../onnx/export/index.js';
import { buildModel, checkArchitecture, describeArchitecture, layersFor, summarize } from './architectures.js';
import { DatasetFeed } from '../workspace/dataset-feed.js';
import { trainValidationSplit } from './validation-split.js';
import { argmaxRows, softmax, testMetrics } from '../numeric/classification.js';
import { predictLogits, trainLoop } from './train-loop.js';

type Tf = typeof tfType;

/** Images the ONNX export is checked on at save time. */
const VERIFY_IMAGES = 256;

function compile(tf: Tf, model: tfType.LayersModel, training: TrainRequest['training']): void {
  const optimizer = training.optimizer === 'adam' ? tf.train.adam(training.learningRate) : tf.train.momentum(training.learningRate, training.momentum);
  // The model outputs logits; the loss applies the softmax itself (numerically stable).
  model.compile({ optimizer, loss: (yTrue: tfType.Tensor, yPred: tfType.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred), metrics: ['accuracy'] });
}

/** tfjs's own artifacts (model.json + weights.bin), loadable with tf.loadLayersModel. */
async function saveTfjs(tf: Tf, model: tfType.LayersModel, dir: string): Promise<{ modelJson: string; weights: string }> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
      writeFileSync(join(dir, 'weights.bin'), weights);
      const manifest = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: 'Heatlab',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { modelJson: 'model.json', weights: 'weights.bin' };
}

/** Training needs tfjs, and ONNX Runtime to check the exported model against the trained one. */
export interface TrainEngines {
  tfjs: ResolvedTfjs;
  ort: LoadedOrt;
}

export async function runTraining(params: TrainRequest & { dataset: DatasetRef }, ctx: JobContext, engines: TrainEngines): Promise<StagedModel> {
  const start = performance.now();
  const tf = engines.tfjs.tf;
  const { dataset, training, architecture } = params;
  const classes = dataset.classNames.length;
  // Also here, for jobs no request handler checked (a study's): a sentence, not tfjs's shape error.
  checkArchitecture(architecture, classes, dataset);
  const feed = new DatasetFeed(ctx.workspace, dataset);
  const layers = layersFor(architecture, classes);
  const model = buildModel(tf, layers, dataset, training.seed);
  const staging = StagingArea.create(ctx.workspace, 'models', ctx.jobId);
  try {
    const split = trainValidationSplit(feed, training.validation, training.seed);
    if (split.train.length === 0) throw new HeatlabError('invalid_request', `Dataset ${dataset.id} has no training images.`);
    compile(tf, model, training);
    const loop = await trainLoop(tf, model, feed, split, training, ctx);

    const detail = { epochs: loop.epochs, batch: null };
    ctx.progress(1, 1, 'Scoring the test split', 'steps', detail);
    const test = feed.indicesOf('test');
    const logits = await predictLogits(tf, model, feed, test, 256);
    const labels = Int32Array.from(test, (i) => feed.labels[i]!);
    const metrics = testMetrics(logits, labels, classes);
    const predicted = argmaxRows(logits, classes);
    const wrong = Int32Array.from(test.filter((_, k) => predicted[k] !== labels[k]));
    const wrongPositions = Array.from(test.keys()).filter((k) => predicted[k] !== labels[k]);
    const probabilities = softmax(logits, classes);
    staging.writeArray('misclassified-indices', 'misclassified-indices.npy', wrong, [wrong.length]);
    staging.writeArray('misclassified-true', 'misclassified-true.npy', Int32Array.from(wrongPositions, (k) => labels[k]!), [wrong.length]);
    staging.writeArray('misclassified-predicted', 'misclassified-predicted.npy', Int32Array.from(wrongPositions, (k) => predicted[k]!), [wrong.length]);
    staging.writeArray(
      'misclassified-probabilities',
      'misclassified-probabilities.npy',
      Float32Array.from(wrongPositions.flatMap((k) => Array.from(probabilities.subarray(k * classes, (k + 1) * classes)))),
      [wrong.length, classes],
    );

    ctx.progress(1, 1, 'Saving and checking the ONNX export', 'steps', detail);
    const tfjsFiles = await saveTfjs(tf, model, staging.dir);
    const name = params.name ?? defaultModelName(describeArchitecture(architecture), dataset.name, training.seed);
    const onnxBytes = exportLayersModel(model, { name, classNames: dataset.classNames, preprocessing: feed.preprocessing, metadata: { 'heatlab.dataset': String(dataset.id) } });
    const verifyIndices = (test.length > 0 ? test : split.train).subarray(0, VERIFY_IMAGES);
    const { x } = feed.batch(verifyIndices);
    const verified = await verifyExport(tf, model, onnxBytes, x, [verifyIndices.length, dataset.height, dataset.width, dataset.channels], engines.ort);
    const { maxAbsDifference } = verified;
    if (!exportAgrees(verified)) {
      const limit = EXPORT_TOLERANCE * Math.max(1, verified.maxAbsLogit);
      throw new HeatlabError('internal', `The ONNX export disagrees with TensorFlow.js by ${maxAbsDifference.toExponential(2)} on ${verifyIndices.length} images (the limit is ${limit.toExponential(1)}); the model was not saved.`);
    }
    writeFileSync(join(staging.dir, 'model.onnx'), onnxBytes);

    return {
      stagingDir: staging.relativeDir,
      name,
      datasetId: dataset.id,
      datasetName: dataset.name,
      architecture: describeArchitecture(architecture),
      architectureSpec: architecture,
      layers: summarize(model),
      parameters: model.countParams(),
      classNames: dataset.classNames,
      training,
      preprocessing: feed.preprocessing,
      backend: engines.tfjs.info.backend,
      epochs: loop.epochs,
      stopReason: loop.stopReason,
      stopNote: loop.stopNote,
      test: metrics,
      files: staging.finish(),
      tfjs: tfjsFiles,
      onnx: { path: 'model.onnx', opset: 17, sha256: createHash('sha256').update(onnxBytes).digest('hex'), bytes: onnxBytes.length, maxAbsDifference },
      seconds: (performance.now() - start) / 1000,
    };
  } catch (err) {
    staging.discard();
    throw err;
  } finally {
    model.optimizer?.dispose(); // the optimizer's slots (Adam moments) are not the model's to free
    model.dispose();
    feed.close();
  }
}
