// A real evaluation job on 10,000 heatmaps (issue 7: "scoring 10,000 heatmaps streams; peak RSS
// ≤ 1 GB"): a gradient run of a tiny-cnn on 10,000 generated images, scored with every
// localisation and complexity metric against 12×12 masks, with the random baseline alongside — run
// by the job functions themselves in a fresh process so its peak memory is its own.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateRequestSchema } from '../../shared/evaluations.js';
import { explainRequestSchema } from '../../shared/explanations.js';
import { runEvaluate } from '../evaluate/run/evaluate-job.js';
import { complexityMetrics, localisationMetrics } from '../evaluate/registry.js';
import { runExplain } from '../explain/run/explain-job.js';
import { loadEngines } from '../engines/engines.js';
import { Random } from '../numeric/random.js';
import { exportLayersModel } from '../onnx/export/index.js';
import { buildModel, layersFor } from '../train/architectures.js';
import { preprocessingFor } from '../workspace/dataset-feed.js';
import { encodeNpy } from '../workspace/npy.js';
import { generatedDataset, quietContext, runChild } from './child.js';
import { atMost, record } from './table.js';

const IMAGES = 10_000;
const METRICS = [...localisationMetrics, ...complexityMetrics].map((m) => m.id);

interface JobFigures {
  seconds: number;
  heatmaps: number;
  peakRssMb: number;
}

export async function benchEvaluateJob(): Promise<void> {
  const r = await runChild<JobFigures>(['evaluate-10k']);
  record({ area: 'evaluate', measure: `evaluation job, ${IMAGES.toLocaleString('en-US')} gradient maps + baseline × ${METRICS.length} localisation and complexity metrics`, value: r.heatmaps / r.seconds, unit: 'heatmaps/s' });
  record({ area: 'evaluate', measure: 'peak RSS of that job’s process (explanation job included)', value: r.peakRssMb, unit: 'MB', target: atMost(1024) });
}

export async function childEvaluate10k(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-bench-evaluate-'));
  try {
    const dataset = await generatedDataset(workspace, IMAGES);
    const engines = await loadEngines();
    const preprocessing = preprocessingFor(dataset);
    const net = buildModel(engines.tfjs.tf, layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 }, 2), dataset, 1);
    const bytes = exportLayersModel(net, { name: 'bench', classNames: dataset.classNames, preprocessing });
    net.dispose();
    writeFileSync(join(workspace, 'model.onnx'), bytes);
    const model = { id: 1, name: 'bench', onnx: 'model.onnx', sha256: createHash('sha256').update(bytes).digest('hex'), preprocessing, scores: 'logits' as const };
    const request = explainRequestSchema.parse({ modelId: 1, datasetId: 1, images: { split: 'all', n: IMAGES }, methods: [{ id: 'gradient' }] });
    const explained = await runExplain({ ...request, model: { ...model, classNames: dataset.classNames }, dataset }, quietContext(workspace, 2), engines);
    const run = explained.runs[0]!;
    const file = (role: string) => join(run.stagingDir, run.files.find((f) => f.role === role)!.path);
    const rng = new Random(3);
    const masks = new Uint8Array(IMAGES * 1024);
    for (let i = 0; i < IMAGES; i++) {
      const [x0, y0] = [rng.int(20), rng.int(20)];
      for (let y = y0; y < y0 + 12; y++) masks.fill(1, i * 1024 + y * 32 + x0, i * 1024 + y * 32 + x0 + 12);
    }
    writeFileSync(join(workspace, 'masks.npy'), encodeNpy(masks, [IMAGES, 32, 32]));
    const evaluation = evaluateRequestSchema.parse({ runIds: [1], metrics: METRICS.map((id) => ({ id })), groundTruth: { kind: 'generated', mask: 'object' } });
    const start = performance.now();
    const result = await runEvaluate(
      {
        ...evaluation,
        model,
        dataset,
        runs: [{ id: 1, method: run.method, methodLabel: run.methodLabel, params: run.params, seed: request.seed, heatmaps: file('heatmaps'), relevance: 'signed', baseline: false }],
        indices: file('indices'),
        targets: file('targets'),
        logits: file('logits'),
        count: IMAGES,
        perImage: 1,
        masks: 'masks.npy',
        groundTruthLabel: 'random 12×12 squares',
      },
      quietContext(workspace, 3),
      engines,
    );
    const seconds = (performance.now() - start) / 1000;
    process.send!({ seconds, heatmaps: IMAGES * result.columns.length, peakRssMb: process.resourceUsage().maxRSS / 1024 } satisfies JobFigures);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
