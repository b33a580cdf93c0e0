// Scoring 10,000 heatmaps streams (issue 7: "peak RSS ≤ 1 GB") with a perturbation metric too — the
// evaluation job's own row (evaluate-job-bench.ts) scores localisation and complexity: the metrics
// score chunks of 500 heatmaps with their images and masks, made as each chunk is needed — as a job
// reading stored runs would — keeping only the scores, in a fresh process so its peak memory is its own.
import type { Metric } from '../evaluate/metric.js';
import { complexityMetrics, localisationMetrics, metricById } from '../evaluate/registry.js';
import { Random } from '../numeric/random.js';
import { runChild } from './child.js';
import { benchModel, randomBatch } from './evaluate-bench.js';
import { atMost, record } from './table.js';

const HEATMAPS = 10_000;
const CHUNK = 500;
// A perturbation metric with a short curve (17 model rows a heatmap) keeps the run near ten seconds;
// its buffers are sized by the model call, not by the number of heatmaps, so longer curves hold no more.
const PERTURBATION = { id: 'region-perturbation', params: { regionSize: 4, steps: 16, perturbation: 'uniform' } };

interface StreamFigures {
  seconds: number;
  peakRssMb: number;
}

export async function benchEvaluateStream(): Promise<void> {
  const r = await runChild<StreamFigures>(['evaluate-stream']);
  const measure = `scoring ${HEATMAPS.toLocaleString('en-US')} heatmaps in chunks of ${CHUNK} (region perturbation, localisation, complexity)`;
  record({ area: 'evaluate', measure, value: HEATMAPS / r.seconds, unit: 'heatmaps/s' });
  record({ area: 'evaluate', measure: 'peak RSS of that scoring’s process', value: r.peakRssMb, unit: 'MB', target: atMost(1024) });
}

export async function childEvaluateStream(): Promise<void> {
  const model = await benchModel();
  const runs: { metric: Metric; params: unknown }[] = [
    { metric: metricById(PERTURBATION.id)!, params: metricById(PERTURBATION.id)!.params.parse(PERTURBATION.params) },
    ...[...localisationMetrics, ...complexityMetrics].map((metric) => ({ metric, params: metric.params.parse({}) })),
  ];
  const scores = runs.map(() => new Float64Array(HEATMAPS));
  const data = new Random(4);
  const start = performance.now();
  for (let at = 0; at < HEATMAPS; at += CHUNK) {
    const batch = randomBatch(data, Math.min(CHUNK, HEATMAPS - at), model.forward);
    for (const [k, { metric, params }] of runs.entries()) scores[k]!.set((await metric.score(batch, params, new Random(at))).scores, at);
  }
  const seconds = (performance.now() - start) / 1000;
  await model.release();
  process.send!({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 } satisfies StreamFigures);
}
