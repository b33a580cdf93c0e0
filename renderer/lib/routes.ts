// The app's views, addressed by the URL hash (#/data) so reloads and the back button keep the place.
export const routes = [
  { id: 'data', label: 'Data', group: 'work' },
  { id: 'models', label: 'Models', group: 'work' },
  { id: 'explain', label: 'Explain', group: 'work' },
  { id: 'annotate', label: 'Annotate', group: 'work' },
  { id: 'evaluate', label: 'Evaluate', group: 'work' },
  { id: 'studies', label: 'Studies', group: 'work' },
  { id: 'catalogue', label: 'Catalogue', group: 'system' },
  { id: 'engine', label: 'Engine', group: 'system' },
  { id: 'help', label: 'Help', group: 'system' },
] as const;

export type RouteId = (typeof routes)[number]['id'];

export function currentRoute(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return routes.find((r) => r.id === id)?.id ?? 'data';
}
