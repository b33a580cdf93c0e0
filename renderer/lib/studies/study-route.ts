// Places inside the Studies view, addressed by the hash after #/studies so reloads and Back keep them:
// #/studies (the list), #/studies/new (a template, or from scratch), #/studies/new/plan (the form from
// scratch), #/studies/new/plan?models=<id>,<id> (with those models preselected, from the model list),
// #/studies/new/plan?template=<id>&size=small|full (starting from a template's plan), #/studies/<id> (a study).
import type { StudySize } from '../../../shared/studies.js';

export type StudyRoute =
  | { page: 'list' }
  | { page: 'new' }
  | { page: 'plan'; modelIds?: number[]; template?: { id: string; size: StudySize } }
  | { page: 'study'; id: number };

const positive = (text: string | undefined | null): number | null => {
  const n = Number(text);
  return text !== undefined && text !== null && text !== '' && Number.isInteger(n) && n > 0 ? n : null;
};

export function parseStudyRoute(hash: string): StudyRoute {
  const [path = '', query = ''] = hash.replace(/^#\/?studies\/?/, '').split('?');
  const [first = '', second = ''] = path.split('/');
  if (first === 'new' && second === 'plan') {
    const params = new URLSearchParams(query);
    const ids = (params.get('models') ?? '').split(',').filter((t) => t !== '').map(positive);
    const template = params.get('template');
    const size = params.get('size') === 'full' ? 'full' : 'small';
    return {
      page: 'plan',
      ...(ids.length > 0 && ids.every((id) => id !== null) ? { modelIds: [...new Set(ids as number[])] } : {}),
      ...(template ? { template: { id: template, size } } : {}),
    };
  }
  if (first === 'new') return { page: 'new' };
  const id = positive(first);
  return id === null ? { page: 'list' } : { page: 'study', id };
}

export function studyHref(route: StudyRoute): string {
  switch (route.page) {
    case 'list':
      return '#/studies';
    case 'new':
      return '#/studies/new';
    case 'study':
      return `#/studies/${route.id}`;
    case 'plan': {
      const parts: string[] = [];
      if (route.modelIds && route.modelIds.length > 0) parts.push(`models=${route.modelIds.join(',')}`);
      if (route.template) parts.push(`template=${encodeURIComponent(route.template.id)}`, `size=${route.template.size}`);
      return parts.length === 0 ? '#/studies/new/plan' : `#/studies/new/plan?${parts.join('&')}`;
    }
  }
}

export function goToStudies(route: StudyRoute): void {
  window.location.hash = studyHref(route);
}
