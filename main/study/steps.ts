// A plan as the pipeline's steps, in the order they run: every dataset, then every model, then one
// explanation job per model (a run per method), then its evaluations — one per ground truth. Each
// step has a slot, its place in the plan, under which the study records what it produced.
import { describeArchitecture } from '../../shared/architectures.js';
import { generatorInfo } from '../../shared/generators.js';
import type { StudyDataset, StudyGroundTruth, StudyModel, StudyPlan, StudyStepKind } from '../../shared/studies.js';

export interface PlannedStep {
  slot: string;
  kind: StudyStepKind;
  label: string;
  dataset: number;
  model: number | null;
  /** Which ground truth an evaluation uses (index into groundTruths), or null for none. */
  groundTruth: number | null;
}

export const datasetSlot = (d: number) => `datasets[${d}]`;
export const modelSlot = (d: number, m: number) => `datasets[${d}].models[${m}]`;
export const explainSlot = (d: number, m: number) => `${modelSlot(d, m)}.explain`;
export const methodSlot = (d: number, m: number, k: number) => `${explainSlot(d, m)}.methods[${k}]`;
export const evaluationSlot = (d: number, m: number, g: number) => `${modelSlot(d, m)}.evaluations[${g}]`;

/** One evaluation per ground truth (or one without): which metrics each scores. */
export interface EvaluationGroup {
  /** Index into groundTruths, or null when the plan has none. */
  groundTruth: number | null;
  /** Indices into the plan's metrics. */
  metrics: number[];
}

/**
 * The first evaluation scores every metric with the first ground truth; each further ground truth
 * only the metrics that need a mask, since the others would score the same again.
 */
export function evaluationGroups(plan: Pick<StudyPlan, 'groundTruths' | 'metrics'>, needsMask: (metricId: string) => boolean): EvaluationGroup[] {
  const all = plan.metrics.map((_, k) => k);
  if (plan.groundTruths.length === 0) return [{ groundTruth: null, metrics: all }];
  const masked = all.filter((k) => needsMask(plan.metrics[k]!.id));
  return plan.groundTruths.map((_, g) => ({ groundTruth: g, metrics: g === 0 ? all : masked })).filter((group) => group.metrics.length > 0);
}

const count = (n: number) => n.toLocaleString('en-US');

export function describeGroundTruth(gt: StudyGroundTruth | null): string {
  if (gt === null) return 'no ground truth';
  if (gt.kind === 'generated') return `generated "${gt.mask}" masks`;
  if (gt.kind === 'imported') return 'the masks imported with the dataset';
  return `annotation set ${gt.id}${gt.label === undefined ? '' : `, label ${gt.label}`}`;
}

function datasetLabel(d: StudyDataset): { kind: StudyStepKind; label: string } {
  if (d.kind === 'generate') {
    const n = typeof d.params.count === 'number' ? `${count(d.params.count)} images, ` : '';
    return { kind: 'dataset.generate', label: `Generate ${generatorInfo[d.generator].label} (${n}seed ${d.seed})` };
  }
  if (d.kind === 'import') return { kind: 'dataset.import', label: `Import ${d.path}` };
  return { kind: 'dataset.existing', label: `Dataset ${d.datasetId} from the catalogue` };
}

function modelLabel(m: StudyModel, d: number): { kind: StudyStepKind; label: string } {
  if (m.kind === 'train')
    return { kind: 'model.train', label: `Train ${describeArchitecture(m.architecture)} on datasets[${d}] (${m.training.epochs} epoch${m.training.epochs === 1 ? '' : 's'}, seed ${m.training.seed})` };
  if (m.kind === 'onnx') return { kind: 'model.import', label: `Import the ONNX model ${m.path}` };
  return { kind: 'model.existing', label: `Model ${m.modelId} from the catalogue` };
}

/** Every step of the plan in the order the pipeline runs them. */
export function plannedSteps(plan: StudyPlan, needsMask: (metricId: string) => boolean): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const each = (fn: (d: number, m: number) => void) => plan.datasets.forEach((dataset, d) => dataset.models.forEach((_, m) => fn(d, m)));
  plan.datasets.forEach((dataset, d) => steps.push({ slot: datasetSlot(d), ...datasetLabel(dataset), dataset: d, model: null, groundTruth: null }));
  each((d, m) => steps.push({ slot: modelSlot(d, m), ...modelLabel(plan.datasets[d]!.models[m]!, d), dataset: d, model: m, groundTruth: null }));
  const { split, n, pick } = plan.images;
  const images = `${pick === 'random' ? `${count(n)} random` : `the first ${count(n)}`} ${split === 'all' ? 'images' : `${split} images`}`;
  each((d, m) =>
    steps.push({ slot: explainSlot(d, m), kind: 'explain', label: `Explain datasets[${d}].models[${m}] with ${plan.methods.length} method${plan.methods.length === 1 ? '' : 's'} on ${images}`, dataset: d, model: m, groundTruth: null }),
  );
  const groups = evaluationGroups(plan, needsMask);
  each((d, m) => {
    groups.forEach((group, g) => {
      const gt = group.groundTruth === null ? null : plan.groundTruths[group.groundTruth]!;
      const metrics = group.metrics.map((k) => plan.metrics[k]!.id).join(', ');
      steps.push({ slot: evaluationSlot(d, m, g), kind: 'evaluate', label: `Evaluate datasets[${d}].models[${m}]: ${metrics}; ${describeGroundTruth(gt)}`, dataset: d, model: m, groundTruth: group.groundTruth });
    });
  });
  return steps;
}
