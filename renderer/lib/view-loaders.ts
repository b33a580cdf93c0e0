// Each view is a chunk of its own, fetched and evaluated when first shown: opening one view does not
// compile the others, nor build their forms from zod schemas (hundreds of ms at start on a busy machine).
import type { Api } from '../../shared/api.js';
import { parseExplainRoute } from './explain-route.js';
import { startGrid } from './explain/grid-start.js';
import { currentRoute, type RouteId } from './routes.js';

export const viewLoaders = {
  data: () => import('../views/DataView.svelte'),
  models: () => import('../views/ModelsView.svelte'),
  explain: () => import('../views/ExplainView.svelte'),
  annotate: () => import('../views/AnnotateView.svelte'),
  evaluate: () => import('../views/EvaluateView.svelte'),
  studies: () => import('../views/StudiesView.svelte'),
  catalogue: () => import('../views/CatalogueView.svelte'),
  engine: () => import('../views/EngineView.svelte'),
  help: () => import('../views/HelpView.svelte'),
} satisfies Record<RouteId, () => Promise<unknown>>;

/** The Explain view's pages, each a chunk of its own: the grid of runs loads without the setup's method forms (zod). */
export const explainPages = {
  runs: () => import('../views/explain/ComparisonPage.svelte'),
  job: () => import('../views/explain/ExplainJob.svelte'),
  jobs: () => import('../views/explain/ExplainJob.svelte'),
  setup: () => Promise.all([import('../views/explain/ExplainSetup.svelte'), import('../views/explain/RunHistory.svelte')]),
};

/** Starts fetching the code of the page an address shows — its view's chunk and, in Explain, the page's — side by side rather than one after the other. */
export function preloadCode(hash: string): void {
  const route = currentRoute(hash);
  viewLoaders[route]().catch(() => undefined);
  if (route === 'explain') explainPages[parseExplainRoute(hash).page]().catch(() => undefined);
}

/** Starts fetching the data the address shows first, once main can be asked: a grid's first rows. */
export function preloadData(api: Api, hash: string): void {
  if (currentRoute(hash) !== 'explain') return;
  const route = parseExplainRoute(hash);
  if (route.page === 'runs') startGrid(api, route.runIds);
}
