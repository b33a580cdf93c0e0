// Places inside the Models view, addressed by the hash after #/models so reloads and Back keep them:
// #/models, #/models/train, #/models/train?dataset=<id>, #/models/job/<job id> (a training run),
// #/models/import (import an ONNX model), #/models/<id> (a model).
export type ModelsRoute =
  | { page: 'list' }
  | { page: 'train'; datasetId: number | null }
  | { page: 'import' }
  | { page: 'job'; jobId: number }
  | { page: 'model'; id: number };

const positive = (text: string | undefined): number | null => {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(n) && n > 0 ? n : null;
};

export function parseModelsRoute(hash: string): ModelsRoute {
  const [path = '', query = ''] = hash.replace(/^#\/?models\/?/, '').split('?');
  const [first, second] = path.split('/');
  if (first === 'train') return { page: 'train', datasetId: positive(new URLSearchParams(query).get('dataset') ?? undefined) };
  if (first === 'import') return { page: 'import' };
  if (first === 'job') {
    const jobId = positive(second);
    return jobId === null ? { page: 'list' } : { page: 'job', jobId };
  }
  const id = positive(first);
  return id === null ? { page: 'list' } : { page: 'model', id };
}

export function modelsHref(route: ModelsRoute): string {
  switch (route.page) {
    case 'list':
      return '#/models';
    case 'train':
      return route.datasetId === null ? '#/models/train' : `#/models/train?dataset=${route.datasetId}`;
    case 'import':
      return '#/models/import';
    case 'job':
      return `#/models/job/${route.jobId}`;
    case 'model':
      return `#/models/${route.id}`;
  }
}

export function goToModels(route: ModelsRoute): void {
  window.location.hash = modelsHref(route);
}
