import { mount } from 'svelte';
import App from './App.svelte';
import { connect } from './lib/api.js';
import './lib/theme.css';

const target = document.getElementById('app')!;

connect()
  .then((connection) => mount(App, { target, props: { connection } }))
  .catch((err: unknown) => {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.style.margin = '2rem';
    p.textContent = `Heatlab cannot reach its main process: ${err instanceof Error ? err.message : String(err)} Start Heatlab again and open the URL it prints.`;
    target.replaceChildren(p);
  });
