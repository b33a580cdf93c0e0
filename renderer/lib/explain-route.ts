// Places inside the Explain view, addressed by the hash after #/explain so reloads and Back keep them:
// #/explain (choose what to explain, earlier runs), #/explain/job/<id> (a running explanation job),
// #/explain/runs/<id>,<id>,… (the heatmap grid of those runs, one column group per run).
export type ExplainRoute = { page: 'setup' } | { page: 'job'; jobId: number } | { page: 'runs'; runIds: number[] };

const positive = (text: string | undefined): number | null => {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(n) && n > 0 ? n : null;
};

export function parseExplainRoute(hash: string): ExplainRoute {
  const [first, second] = (hash.replace(/^#\/?explain\/?/, '').split('?')[0] ?? '').split('/');
  if (first === 'job') {
    const jobId = positive(second);
    return jobId === null ? { page: 'setup' } : { page: 'job', jobId };
  }
  if (first === 'runs') {
    const ids = (second ?? '').split(',').map(positive);
    if (ids.length > 0 && ids.every((id) => id !== null)) return { page: 'runs', runIds: [...new Set(ids as number[])] };
  }
  return { page: 'setup' };
}

export function explainHref(route: ExplainRoute): string {
  switch (route.page) {
    case 'setup':
      return '#/explain';
    case 'job':
      return `#/explain/job/${route.jobId}`;
    case 'runs':
      return `#/explain/runs/${route.runIds.join(',')}`;
  }
}

export function goToExplain(route: ExplainRoute): void {
  window.location.hash = explainHref(route);
}
