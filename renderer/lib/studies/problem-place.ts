// Where a refused plan's sentence belongs in the study form. Main's sentences start with the bad
// part's place in the plan ("Study plan: datasets[0].models[1] (lenet5): …", "Study plan: methods[2]
// "lrp-epsilon" has …"), so the form can show the sentence next to that part.

export type PlanSection = 'about' | 'datasets' | 'methods' | 'images' | 'groundTruths' | 'metrics' | 'settings';

export interface ProblemPlace {
  section: PlanSection;
  /** datasets[d] (and its models[m]); methods[k], metrics[k], groundTruths[g]: k or g as `index`. */
  dataset?: number;
  model?: number;
  index?: number;
}

const sections: Record<string, PlanSection> = {
  name: 'about',
  question: 'about',
  template: 'about',
  version: 'about',
  datasets: 'datasets',
  methods: 'methods',
  target: 'settings',
  images: 'images',
  groundTruths: 'groundTruths',
  metrics: 'metrics',
  seed: 'settings',
  resamples: 'settings',
  level: 'settings',
};

/** The part of the form a plan's problem names; `settings` when it names none the form knows. */
export function problemPlace(sentence: string): ProblemPlace {
  const slot = /^Study plan: ([A-Za-z]+(?:\[\d+\])?(?:\.[A-Za-z]+(?:\[\d+\])?)*)/.exec(sentence)?.[1];
  if (slot === undefined) return { section: 'settings' };
  const parts = [...slot.matchAll(/([A-Za-z]+)(?:\[(\d+)\])?/g)].map((m) => ({ key: m[1]!, index: m[2] === undefined ? undefined : Number(m[2]) }));
  const [first, second] = parts;
  const section = sections[first!.key] ?? 'settings';
  if (section === 'datasets') {
    return { section, ...(first!.index !== undefined ? { dataset: first!.index } : {}), ...(second?.key === 'models' && second.index !== undefined ? { model: second.index } : {}) };
  }
  return { section, ...(first!.index !== undefined ? { index: first!.index } : {}) };
}

/** Whether a problem's place is this part of the form (a dataset's own fields, or one of its models). */
export function isAt(place: ProblemPlace | null, section: PlanSection, dataset?: number, model?: number): boolean {
  if (place === null || place.section !== section) return false;
  if (section !== 'datasets') return true;
  return place.dataset === dataset && place.model === model;
}
