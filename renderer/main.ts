import { mount } from 'svelte';
import App from './App.svelte';
import { connect } from './lib/api.js';
import { currentRoute } from './lib/routes.js';
import { viewLoaders } from './lib/view-loaders.js';
import './lib/theme.css';

const target = document.getElementById('app')!;
// The first view's chunk travels while the connection opens (the app asks for it again, from the cache).
viewLoaders[currentRoute(window.location.hash)]().catch(() => undefined);

connect()
  .then((connection) => mount(App, { target, props: { connection } }))
  .catch((err: unknown) => {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.style.margin = '2rem';
    p.textContent = `Heatlab cannot reach its main process: ${err instanceof Error ? err.message : String(err)} Start Heatlab again and open the URL it prints.`;
    target.replaceChildren(p);
  });
