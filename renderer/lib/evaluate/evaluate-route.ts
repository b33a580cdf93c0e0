// Places inside the Evaluate view, addressed by the hash after #/evaluate so reloads and Back keep them:
// #/evaluate (set up an evaluation, earlier ones), #/evaluate?model=<id> (set up, for that model's runs), #/evaluate/job/<id> (a running evaluation job),
// #/evaluate/<id> (the results of one evaluation), #/evaluate/compare/<id>,<id>,… (evaluations of different models compared).
export type EvaluateRoute = { page: 'setup'; modelId?: number } | { page: 'job'; jobId: number } | { page: 'evaluation'; id: number } | { page: 'compare'; ids: number[] };

const positive = (text: string | undefined): number | null => {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(n) && n > 0 ? n : null;
};

export function parseEvaluateRoute(hash: string): EvaluateRoute {
  const [path = '', query = ''] = hash.replace(/^#\/?evaluate\/?/, '').split('?');
  const [first, second] = path.split('/');
  if (first === 'job') {
    const jobId = positive(second);
    return jobId === null ? { page: 'setup' } : { page: 'job', jobId };
  }
  if (first === 'compare') {
    const ids = (second ?? '').split(',').map(positive);
    return ids.length >= 2 && ids.every((i) => i !== null) ? { page: 'compare', ids: ids as number[] } : { page: 'setup' };
  }
  const id = positive(first);
  if (id !== null) return { page: 'evaluation', id };
  const modelId = positive(new URLSearchParams(query).get('model') ?? undefined);
  return modelId === null ? { page: 'setup' } : { page: 'setup', modelId };
}

export function evaluateHref(route: EvaluateRoute): string {
  switch (route.page) {
    case 'setup':
      return route.modelId === undefined ? '#/evaluate' : `#/evaluate?model=${route.modelId}`;
    case 'job':
      return `#/evaluate/job/${route.jobId}`;
    case 'evaluation':
      return `#/evaluate/${route.id}`;
    case 'compare':
      return `#/evaluate/compare/${route.ids.join(',')}`;
  }
}

export function goToEvaluate(route: EvaluateRoute): void {
  window.location.hash = evaluateHref(route);
}
