// The Explain form: which model, dataset, images, methods with their parameters, and target.
// `request` turns it into an explain.start request, looking up labels or the model's mistakes
// when the images are chosen by class or by error. One draft lives for the app's whole life
// (`explainDraft`), so the form keeps its choices while the user looks at a grid and comes back.
import type { ApiRequest } from '../../../shared/api.js';
import type { SplitName } from '../../../shared/datasets.js';
import type { ExplainMethodInfo } from '../../../shared/explanations.js';
import type { ExplainPrefill } from '../explain-route.js';
import type { Field } from '../schema-fields.js';
import { parseIndices } from './image-choice.js';
import type { RowFilter } from './row-filter.js';
import { checkParams, initialValues, methodFields } from './method-params.js';

export type ImagePick = 'random' | 'first' | 'class' | 'indices';
export type TargetChoice = 'predicted' | 'true' | 'class' | 'all';

export class ExplainDraft {
  modelId = $state<number | null>(null);
  datasetId = $state<number | null>(null);
  split = $state<SplitName | 'all'>('test');
  pick = $state<ImagePick>('random');
  n = $state<number | null>(16);
  /** Seeds the random choice of images. */
  imageSeed = $state<number | null>(1);
  /** Seeds the random methods (SmoothGrad noise, RISE masks, LIME samples…). */
  seed = $state<number | null>(1);
  classId = $state(0);
  /** Only images the model gets right, or wrong (decided by the job's own forward pass). */
  outcome = $state<RowFilter['outcome']>('all');
  /** Only images predicted with a probability in this range (an emptied field leaves that side open). */
  minConfidence = $state<number | null>(0);
  maxConfidence = $state<number | null>(1);
  indicesText = $state('');
  /** Chosen method ids, in the order of the registry. */
  chosen = $state<string[]>([]);
  values = $state<Record<string, Record<string, unknown>>>({});
  target = $state<TargetChoice>('predicted');
  targetClass = $state(0);
  /** Further models explained on the same images with the same methods, side by side with the chosen one (one job each). */
  alsoModels = $state<number[]>([]);

  #fields = new Map<string, Field[]>();

  fields(method: ExplainMethodInfo): Field[] {
    let f = this.#fields.get(method.id);
    if (!f) this.#fields.set(method.id, (f = methodFields(method)));
    return f;
  }

  toggle(method: ExplainMethodInfo, on: boolean, order: readonly ExplainMethodInfo[]): void {
    if (on && !this.values[method.id]) this.values[method.id] = initialValues(this.fields(method));
    const ids = new Set(this.chosen);
    if (on) ids.add(method.id);
    else ids.delete(method.id);
    this.chosen = order.map((m) => m.id).filter((id) => ids.has(id));
  }

  choose(ids: readonly string[], order: readonly ExplainMethodInfo[]): void {
    for (const m of order) if (ids.includes(m.id) && !this.values[m.id]) this.values[m.id] = initialValues(this.fields(m));
    this.chosen = order.map((m) => m.id).filter((id) => ids.includes(id));
  }

  /** Takes what another page handed over (a model, its dataset, images by index); the rest stays as chosen. */
  prefill(p: ExplainPrefill): void {
    if (p.modelId !== undefined) this.modelId = p.modelId;
    if (p.modelIds !== undefined && p.modelIds.length > 0) {
      this.modelId = p.modelIds[0]!;
      this.alsoModels = p.modelIds.slice(1);
    }
    if (p.datasetId !== undefined) this.datasetId = p.datasetId;
    if (p.images !== undefined && p.images.length > 0) {
      this.pick = 'indices';
      this.indicesText = p.images.join(', ');
    }
  }

  /** Sentences keyed by method id, then parameter. */
  paramErrors(methods: readonly ExplainMethodInfo[]): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const m of methods) if (this.chosen.includes(m.id)) out[m.id] = checkParams(this.fields(m), this.values[m.id] ?? {}).errors;
    return out;
  }

  /** What stands in the way of starting, as one sentence; null when the form is complete. `others`: further models to compare. */
  problem(methods: readonly ExplainMethodInfo[], others: readonly number[] = []): string | null {
    if (this.modelId === null) return 'Choose a model.';
    if (others.length > 0 && this.pick !== 'indices' && (this.outcome !== 'all' || (this.minConfidence ?? 0) > 0 || (this.maxConfidence ?? 1) < 1))
      return 'Models compared side by side explain the same images: images chosen by whether a model is right or by its confidence would differ per model, so clear those filters.';
    if (this.datasetId === null) return 'Choose a dataset whose images fit the model.';
    if (this.pick !== 'indices' && (this.n === null || !Number.isInteger(this.n) || this.n < 1)) return 'Enter how many images to explain (a whole number from 1).';
    if (this.imageSeed === null || !Number.isInteger(this.imageSeed) || this.imageSeed < 0) return 'Enter a selection seed (a whole number from 0).';
    if (this.pick !== 'indices') {
      const [low, high] = [this.minConfidence ?? 0, this.maxConfidence ?? 1];
      if (!(low >= 0 && low <= 1 && high >= 0 && high <= 1)) return 'Enter confidences from 0 to 1.';
      if (low > high) return 'The lowest confidence must not exceed the highest.';
    }
    if (this.seed === null || !Number.isInteger(this.seed) || this.seed < 0) return 'Enter a seed (a whole number from 0).';
    if (this.chosen.length === 0) return 'Choose at least one method.';
    const errors = this.paramErrors(methods);
    const bad = Object.entries(errors).find(([, e]) => Object.keys(e).length > 0);
    if (bad) return `Correct the parameters of ${methods.find((m) => m.id === bad[0])?.label ?? bad[0]}.`;
    return null;
  }

  /** One job per model: the chosen model and `others`, on the same images with the same methods; or a thrown sentence. */
  compareRequest(methods: readonly ExplainMethodInfo[], datasetCount: number, others: readonly number[]): ApiRequest<'explain.compare'> {
    const problem = this.problem(methods, others);
    if (problem) throw new Error(problem);
    const { modelId, ...rest } = this.request(methods, datasetCount);
    return { ...rest, modelIds: [modelId, ...others.filter((id) => id !== modelId)] };
  }

  /** The request to start, or a thrown sentence. */
  request(methods: readonly ExplainMethodInfo[], datasetCount: number): ApiRequest<'explain.start'> {
    const problem = this.problem(methods);
    if (problem) throw new Error(problem);
    const modelId = this.modelId!;
    const datasetId = this.datasetId!;
    const n = this.n ?? 1;
    const seed = this.seed ?? 1;
    const imageSeed = this.imageSeed ?? 1;
    let images: ApiRequest<'explain.start'>['images'];
    if (this.pick === 'indices') {
      const indices = parseIndices(this.indicesText, datasetCount);
      if (typeof indices === 'string') throw new Error(indices);
      images = { pick: 'indices', indices };
    } else {
      // One class, right or wrong, a confidence range: the job narrows the split by them, so the run
      // records the choice itself rather than a list of indices.
      const [low, high] = [this.minConfidence ?? 0, this.maxConfidence ?? 1];
      images = {
        split: this.split,
        pick: this.pick === 'class' ? 'random' : this.pick,
        n,
        seed: imageSeed,
        ...(this.pick === 'class' ? { label: this.classId } : {}),
        ...(this.outcome !== 'all' ? { outcome: this.outcome } : {}),
        ...(low > 0 || high < 1 ? { confidence: { min: low, max: high } } : {}),
      };
    }
    const target = this.target === 'class' ? { class: this.targetClass } : this.target;
    return {
      modelId,
      datasetId,
      images,
      target,
      seed,
      methods: this.chosen.map((id) => {
        const m = methods.find((x) => x.id === id)!;
        return { id, params: checkParams(this.fields(m), this.values[id] ?? {}).params ?? {} };
      }),
    };
  }
}

/** The Explain form's choices, shared across navigation (the setup page is re-created on every visit). */
export const explainDraft = new ExplainDraft();
