// Each view is a chunk of its own, fetched and evaluated when first shown: opening one view does not
// compile the others, nor build their forms from zod schemas (hundreds of ms at start on a busy machine).
import type { RouteId } from './routes.js';

export const viewLoaders = {
  data: () => import('../views/DataView.svelte'),
  models: () => import('../views/ModelsView.svelte'),
  explain: () => import('../views/ExplainView.svelte'),
  annotate: () => import('../views/AnnotateView.svelte'),
  evaluate: () => import('../views/EvaluateView.svelte'),
  catalogue: () => import('../views/CatalogueView.svelte'),
  engine: () => import('../views/EngineView.svelte'),
} satisfies Record<RouteId, () => Promise<unknown>>;
