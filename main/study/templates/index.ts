// The study templates: study files with their citations, each at a small size (a few minutes on a
// laptop, for a first look) and the full size (the paper's scale).
import { HeatlabError } from '../../../shared/errors.js';
import type { StudyPlanInput, StudySize, StudyTemplateInfo } from '../../../shared/studies.js';
import { countingCircles } from './counting-circles.js';
import { samek2017 } from './samek2017.js';
import { ts2018 } from './ts2018.js';
import { yourData } from './your-data.js';

export const studyTemplates: readonly StudyTemplateInfo[] = [samek2017, ts2018, countingCircles, yourData];

export function templatePlan(id: string, size: StudySize): StudyPlanInput {
  const template = studyTemplates.find((t) => t.id === id);
  if (template === undefined) throw new HeatlabError('invalid_request', `There is no study template "${id}"; the templates are ${studyTemplates.map((t) => t.id).join(', ')}.`);
  return structuredClone(template.plans[size]);
}
