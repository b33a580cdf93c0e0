// A real explanation job on 10,000 images (issue 5: "explaining 10,000 images streams: peak RSS
// ≤ 1 GB"): generated Triangles & Squares, a tiny-cnn exported to ONNX, several methods, run by
// the job function itself in a fresh process so its peak memory is its own.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainRequestSchema } from '../../shared/explanations.js';
import { runExplain } from '../explain/run/explain-job.js';
import { loadEngines } from '../engines/engines.js';
import { exportLayersModel } from '../onnx/export/index.js';
import { buildModel, layersFor } from '../train/architectures.js';
import { preprocessingFor } from '../workspace/dataset-feed.js';
import { generatedDataset, quietContext, runChild } from './child.js';
import { atMost, record } from './table.js';

const IMAGES = 10_000;
const METHODS = ['gradient', 'guided-backprop', 'grad-cam'];

interface JobFigures {
  seconds: number;
  heatmaps: number;
  peakRssMb: number;
}

export async function benchExplainJob(): Promise<void> {
  const r = await runChild<JobFigures>(['explain-10k']);
  record({ area: 'explain', measure: `explanation job, ${IMAGES.toLocaleString('en-US')} images × ${METHODS.join(', ')}, tiny-cnn 32×32`, value: r.heatmaps / r.seconds, unit: 'heatmaps/s' });
  record({ area: 'explain', measure: 'peak RSS of that job’s process', value: r.peakRssMb, unit: 'MB', target: atMost(1024) });
}

export async function childExplain10k(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-bench-explain-'));
  try {
    const dataset = await generatedDataset(workspace, IMAGES);
    const engines = await loadEngines();
    const preprocessing = preprocessingFor(dataset);
    const model = buildModel(engines.tfjs.tf, layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 }, 2), dataset, 1);
    const bytes = exportLayersModel(model, { name: 'bench', classNames: dataset.classNames, preprocessing });
    model.dispose();
    writeFileSync(join(workspace, 'model.onnx'), bytes);
    const request = explainRequestSchema.parse({ modelId: 1, datasetId: 1, images: { split: 'all', n: IMAGES }, methods: METHODS.map((id) => ({ id })) });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const start = performance.now();
    const result = await runExplain({ ...request, model: { id: 1, name: 'bench', onnx: 'model.onnx', sha256, preprocessing, classNames: dataset.classNames, scores: 'logits' }, dataset }, quietContext(workspace, 2), engines);
    const seconds = (performance.now() - start) / 1000;
    process.send!({ seconds, heatmaps: result.runs.reduce((s, r) => s + r.count, 0), peakRssMb: process.resourceUsage().maxRSS / 1024 } satisfies JobFigures);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
