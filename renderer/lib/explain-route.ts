// Places inside the Explain view, addressed by the hash after #/explain so reloads and Back keep them:
// #/explain (choose what to explain, earlier runs), #/explain/job/<id> (a running explanation job),
// #/explain/runs/<id>,<id>,…[?image=<dataset index>] (the heatmap grid of those runs, one column group
// per run, with one image's row comparison open).
export type ExplainRoute = { page: 'setup' } | { page: 'job'; jobId: number } | { page: 'runs'; runIds: number[]; image?: number };

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
  if (first === 'runs') {
    const ids = (second ?? '').split(',').map(positive);
    if (ids.length > 0 && ids.every((id) => id !== null)) {
      const image = new URLSearchParams(query ?? '').get('image');
      const index = image === null || image === '' ? NaN : Number(image);
      return { page: 'runs', runIds: [...new Set(ids as number[])], ...(Number.isInteger(index) && index >= 0 ? { image: index } : {}) };
    }
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
      return `#/explain/runs/${route.runIds.join(',')}${route.image === undefined ? '' : `?image=${route.image}`}`;
  }
}

export function goToExplain(route: ExplainRoute): void {
  window.location.hash = explainHref(route);
}
