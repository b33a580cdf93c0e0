// Places inside the Annotate view, addressed by the hash after #/annotate so a reload returns to
// the same set and image: #/annotate, #/annotate/new (?dataset=<id>), #/annotate/<set>/<image>.
export type AnnotateRoute = { page: 'list' } | { page: 'new'; datasetId: number | null } | { page: 'set'; id: number; index: number };

const positive = (s: string | undefined): number | null => {
  const n = Number(s);
  return s !== undefined && s !== '' && Number.isInteger(n) && n >= 0 ? n : null;
};

export function parseAnnotateRoute(hash: string): AnnotateRoute {
  const [path = '', query = ''] = hash.replace(/^#\/?annotate\/?/, '').split('?');
  const [first, second] = path.split('/');
  if (first === 'new') return { page: 'new', datasetId: positive(new URLSearchParams(query).get('dataset') ?? undefined) };
  const id = positive(first);
  return id !== null && id > 0 ? { page: 'set', id, index: positive(second) ?? 0 } : { page: 'list' };
}

export function annotateHref(route: AnnotateRoute): string {
  if (route.page === 'list') return '#/annotate';
  if (route.page === 'new') return route.datasetId === null ? '#/annotate/new' : `#/annotate/new?dataset=${route.datasetId}`;
  return `#/annotate/${route.id}/${route.index}`;
}
