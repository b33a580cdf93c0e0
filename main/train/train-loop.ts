// The epoch loop: seeded shuffles, one optimizer step per batch, validation after each epoch,
// early stopping, and the rules for ending early (user stop, NaN/∞ loss) that keep usable weights.
import type * as tfType from '@tensorflow/tfjs';
import type { BatchRecord, EpochRecord, StopReason, TrainingDetail, TrainingParams } from '../../shared/models.js';
import type { JobContext } from '../jobs/host/job-context.js';
import { Random } from '../numeric/random.js';
import { type DatasetFeed } from '../workspace/dataset-feed.js';
import { shuffled } from '../numeric/shuffle.js';
import { crossEntropy, argmaxRows } from '../numeric/classification.js';

type Tf = typeof tfType;

export interface LoopOutcome {
  epochs: EpochRecord[];
  stopReason: StopReason;
  stopNote: string | null;
}

/** Logits of many images, in batches, under tf.tidy. */
export async function predictLogits(tf: Tf, model: tfType.LayersModel, feed: DatasetFeed, indices: Int32Array, batchSize: number): Promise<Float32Array> {
  const { height, width, channels, classNames } = feed.dataset;
  const out = new Float32Array(indices.length * classNames.length);
  for (let start = 0; start < indices.length; start += batchSize) {
    const part = indices.subarray(start, Math.min(indices.length, start + batchSize));
    const { x } = feed.batch(part);
    const logits = tf.tidy(() => model.predict(tf.tensor4d(x, [part.length, height, width, channels])) as tfType.Tensor);
    out.set((await logits.data()) as Float32Array, start * classNames.length);
    logits.dispose();
  }
  return out;
}

function snapshot(tf: Tf, model: tfType.LayersModel): tfType.Tensor[] {
  return model.getWeights().map((w) => tf.clone(w));
}

function restore(model: tfType.LayersModel, weights: tfType.Tensor[]): void {
  model.setWeights(weights);
}

const dispose = (weights: tfType.Tensor[] | null) => weights?.forEach((w) => w.dispose());

/** Trains `model` (compiled) on `train`, validating on `validation`. */
export async function trainLoop(
  tf: Tf,
  model: tfType.LayersModel,
  feed: DatasetFeed,
  split: { train: Int32Array; validation: Int32Array },
  params: TrainingParams,
  ctx: JobContext,
): Promise<LoopOutcome> {
  const { height, width, channels, classNames } = feed.dataset;
  const classes = classNames.length;
  const batchesPerEpoch = Math.ceil(split.train.length / params.batchSize);
  const totalBatches = batchesPerEpoch * params.epochs;
  const epochs: EpochRecord[] = [];
  let lastGood = snapshot(tf, model); // weights after the last completed epoch (or the initial ones)
  let best: { loss: number; weights: tfType.Tensor[]; epoch: number } | null = null;
  let sinceBest = 0;
  let outcome: Omit<LoopOutcome, 'epochs'> = { stopReason: 'completed', stopNote: null };
  let batch: BatchRecord | null = null;
  const report = (done: number, message: string) => ctx.progress(done, totalBatches, message, 'batches', { epochs, batch } satisfies TrainingDetail);

  try {
    training: for (let epoch = 1; epoch <= params.epochs; epoch++) {
      const started = performance.now();
      const order = shuffled(split.train, new Random((params.seed + epoch * 0x9e3779b1) >>> 0));
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        const indices = order.subarray(b * params.batchSize, Math.min(order.length, (b + 1) * params.batchSize));
        const { x, y } = feed.batch(indices);
        const xs = tf.tensor4d(x, [indices.length, height, width, channels]);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), classes));
        let loss: number;
        let accuracy: number;
        try {
          [loss, accuracy] = (await model.trainOnBatch(xs, ys)) as number[] as [number, number];
        } finally {
          xs.dispose();
          ys.dispose();
        }
        if (!Number.isFinite(loss)) {
          restore(model, lastGood);
          const kept = epochs.length === 0 ? 'its initial weights' : `the weights of epoch ${epochs.length}`;
          outcome = { stopReason: 'diverged', stopNote: `Training stopped in epoch ${epoch}, batch ${b + 1}: the loss became ${loss}; the model keeps ${kept}. Try a smaller learning rate.` };
          break training;
        }
        lossSum += loss * indices.length;
        correct += accuracy * indices.length;
        seen += indices.length;
        batch = { epoch, batch: b + 1, batches: batchesPerEpoch, loss, accuracy };
        report((epoch - 1) * batchesPerEpoch + b + 1, `Epoch ${epoch} of ${params.epochs}`);
        await ctx.checkpoint(true);
        if (ctx.stopRequested) {
          restore(model, lastGood);
          outcome = {
            stopReason: 'stopped',
            stopNote: epochs.length === 0 ? 'Stopped by the user before the first epoch ended; the model keeps its initial weights.' : `Stopped by the user in epoch ${epoch}; the model keeps the weights of epoch ${epochs.length}.`,
          };
          break training;
        }
      }
      const seconds = (performance.now() - started) / 1000;
      let valLoss: number | null = null;
      let valAccuracy: number | null = null;
      if (split.validation.length > 0) {
        const logits = await predictLogits(tf, model, feed, split.validation, Math.max(params.batchSize, 256));
        const labels = Int32Array.from(split.validation, (i) => feed.labels[i]!);
        valLoss = crossEntropy(logits, labels, classes);
        const predicted = argmaxRows(logits, classes);
        valAccuracy = predicted.reduce((a, p, k) => a + (p === labels[k] ? 1 : 0), 0) / labels.length;
      }
      epochs.push({ epoch, loss: lossSum / seen, accuracy: correct / seen, valLoss, valAccuracy, seconds, imagesPerSecond: seen / seconds });
      dispose(lastGood);
      lastGood = snapshot(tf, model);
      report(epoch * batchesPerEpoch, `Epoch ${epoch} of ${params.epochs}`);

      const stopping = params.earlyStopping;
      if (stopping && valLoss !== null) {
        if (best === null || valLoss < best.loss) {
          dispose(best?.weights ?? null);
          best = { loss: valLoss, weights: snapshot(tf, model), epoch };
          sinceBest = 0;
        } else if (++sinceBest >= stopping.patience) {
          if (stopping.restoreBest) restore(model, best.weights);
          outcome = {
            stopReason: 'early-stopped',
            stopNote: `Validation loss did not improve for ${stopping.patience} epochs after epoch ${best.epoch}${stopping.restoreBest ? `; the model keeps the weights of epoch ${best.epoch}` : ''}.`,
          };
          break;
        }
      }
    }
    if (outcome.stopReason === 'completed' && params.earlyStopping?.restoreBest && best && best.epoch !== epochs.length) restore(model, best.weights);
    return { epochs, ...outcome };
  } finally {
    dispose(lastGood);
    dispose(best?.weights ?? null);
  }
}
