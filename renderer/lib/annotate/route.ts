// Places inside the Annotate view, addressed by the hash after #/annotate so a reload returns to
// the same set and image: #/annotate, #/annotate/new (?dataset=<id>&run=<id>), #/annotate/<set>/<image>,
// and #/annotate/<set>/<image>?run=<id> (stepping through the images explanation run <id> explained).
export type AnnotateRoute = { page: 'list' } | { page: 'new'; datasetId: number | null; runId?: number } | { page: 'set'; id: number; index: number; runId?: number };

const positive = (s: string | undefined): number | null => {
  const n = Number(s);
  return s !== undefined && s !== '' && Number.isInteger(n) && n >= 0 ? n : null;
};

export function parseAnnotateRoute(hash: string): AnnotateRoute {
  const [path = '', query = ''] = hash.replace(/^#\/?annotate\/?/, '').split('?');
  const [first, second] = path.split('/');
  const params = new URLSearchParams(query);
  const runId = positive(params.get('run') ?? undefined);
  const run = runId !== null && runId > 0 ? { runId } : {};
  if (first === 'new') return { page: 'new', datasetId: positive(params.get('dataset') ?? undefined), ...run };
  const id = positive(first);
  return id !== null && id > 0 ? { page: 'set', id, index: positive(second) ?? 0, ...run } : { page: 'list' };
}

export function annotateHref(route: AnnotateRoute): string {
  if (route.page === 'list') return '#/annotate';
  const run = route.runId !== undefined ? `run=${route.runId}` : '';
  if (route.page === 'new') {
    const query = [route.datasetId === null ? '' : `dataset=${route.datasetId}`, run].filter(Boolean).join('&');
    return query === '' ? '#/annotate/new' : `#/annotate/new?${query}`;
  }
  return `#/annotate/${route.id}/${route.index}${run ? `?${run}` : ''}`;
}
