// Places inside the Explain view, addressed by the hash after #/explain so reloads and Back keep them:
// #/explain (choose what to explain, earlier runs), #/explain?model=<id>&dataset=<id>&images=<i>,<i>
// (the form prefilled from a model page or one of its misclassified images), #/explain/job/<id> (a running explanation job),
// #/explain/jobs/<id>,<id>,… (one job per model, explaining several models on the same images),
// #/explain/runs/<id>,<id>,…[?image=<dataset index>] (the heatmap grid of those runs, one column group
// per run — grouped by model when they come from several — with one image's row comparison open),
// #/explain?models=<id>,<id>&dataset=<id> (the form set to explain several models on the same images).
/** Choices another page hands to the Explain form; what is left out keeps the form's own choice. */
export interface ExplainPrefill {
  modelId?: number;
  datasetId?: number;
  /** Dataset indices to explain. */
  images?: number[];
  /** Several models to explain on the same images, side by side (the models list's "Compare explanations"). */
  modelIds?: number[];
}

export type ExplainRoute =
  | { page: 'setup'; prefill?: ExplainPrefill }
  | { page: 'job'; jobId: number }
  | { page: 'jobs'; jobIds: number[] }
  | { page: 'runs'; runIds: number[]; image?: number };

const positive = (text: string | undefined): number | null => {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(n) && n > 0 ? n : null;
};

export function parseExplainRoute(hash: string): ExplainRoute {
  const [path, query] = hash.replace(/^#\/?explain\/?/, '').split('?');
  const [first, second] = (path ?? '').split('/');
  if (first === 'job') {
    const jobId = positive(second);
    return jobId === null ? { page: 'setup' } : { page: 'job', jobId };
  }
  if (first === 'jobs') {
    const ids = (second ?? '').split(',').map(positive);
    if (ids.length > 0 && ids.every((id) => id !== null)) return { page: 'jobs', jobIds: [...new Set(ids as number[])] };
  }
  if (first === 'runs') {
    const ids = (second ?? '').split(',').map(positive);
    if (ids.length > 0 && ids.every((id) => id !== null)) {
      const image = new URLSearchParams(query ?? '').get('image');
      const index = image === null || image === '' ? NaN : Number(image);
      return { page: 'runs', runIds: [...new Set(ids as number[])], ...(Number.isInteger(index) && index >= 0 ? { image: index } : {}) };
    }
  }
  return setupRoute(new URLSearchParams(query ?? ''));
}

function setupRoute(query: URLSearchParams): ExplainRoute {
  const prefill: ExplainPrefill = {};
  const modelId = positive(query.get('model') ?? undefined);
  const datasetId = positive(query.get('dataset') ?? undefined);
  const images = (query.get('images') ?? '').split(',').filter((t) => t !== '').map(Number);
  if (modelId !== null) prefill.modelId = modelId;
  if (datasetId !== null) prefill.datasetId = datasetId;
  if (images.length > 0 && images.every((i) => Number.isInteger(i) && i >= 0)) prefill.images = [...new Set(images)];
  const models = (query.get('models') ?? '').split(',').filter((t) => t !== '').map(positive);
  if (models.length > 0 && models.every((id) => id !== null)) prefill.modelIds = [...new Set(models as number[])];
  return Object.keys(prefill).length > 0 ? { page: 'setup', prefill } : { page: 'setup' };
}

export function explainHref(route: ExplainRoute): string {
  switch (route.page) {
    case 'setup': {
      const p = route.prefill ?? {};
      const query = new URLSearchParams();
      if (p.modelId !== undefined) query.set('model', String(p.modelId));
      if (p.datasetId !== undefined) query.set('dataset', String(p.datasetId));
      if (p.images !== undefined && p.images.length > 0) query.set('images', p.images.join(','));
      if (p.modelIds !== undefined && p.modelIds.length > 0) query.set('models', p.modelIds.join(','));
      const text = query.toString().replaceAll('%2C', ',');
      return text === '' ? '#/explain' : `#/explain?${text}`;
    }
    case 'job':
      return `#/explain/job/${route.jobId}`;
    case 'jobs':
      return `#/explain/jobs/${route.jobIds.join(',')}`;
    case 'runs':
      return `#/explain/runs/${route.runIds.join(',')}${route.image === undefined ? '' : `?image=${route.image}`}`;
  }
}

export function goToExplain(route: ExplainRoute): void {
  window.location.hash = explainHref(route);
}
