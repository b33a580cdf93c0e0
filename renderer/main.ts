import { mount } from 'svelte';
import App from './App.svelte';
import { connect } from './lib/api.js';
import { preloadCode, preloadData } from './lib/view-loaders.js';
import './lib/theme.css';

const target = document.getElementById('app')!;
// The first page's code travels while the connection opens (the app asks for it again, from the
// cache), and its data as soon as the connection is open.
preloadCode(window.location.hash);

connect()
  .then((connection) => {
    preloadData(connection.api, window.location.hash);
    mount(App, { target, props: { connection } });
  })
  .catch((err: unknown) => {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.style.margin = '2rem';
    p.textContent = `Heatlab cannot reach its main process: ${err instanceof Error ? err.message : String(err)} Start Heatlab again and open the URL it prints.`;
    target.replaceChildren(p);
  });
