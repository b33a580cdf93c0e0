// The studies of the workspace for the Studies list: loaded when first read, newest first, and kept
// live by `study.progress` — a running study's bar moves with each event, and the list is read again
// when a study finishes a step or ends (its counts and status change then).
import { createSubscriber } from 'svelte/reactivity';
import type { Api } from '../../../shared/api.js';
import type { StudyProgress, StudySummary } from '../../../shared/studies.js';
import { errorText, unwrap } from '../api.js';

export class StudiesState {
  readonly #api: Api;
  #list = $state.raw<StudySummary[]>([]);
  #loaded = $state(false);
  loadError = $state<string | null>(null);
  #subscribe: () => void;

  constructor(api: Api) {
    this.#api = api;
    this.#subscribe = createSubscriber((update) => {
      const off = api.on('study.progress', (p) => this.#progress(p));
      void this.refresh().then(update);
      return off;
    });
  }

  get list(): StudySummary[] {
    this.#subscribe();
    return this.#list;
  }

  get loaded(): boolean {
    this.#subscribe();
    return this.#loaded;
  }

  async refresh(): Promise<void> {
    try {
      this.#list = unwrap(await this.#api['studies.list']({})).toSorted((a, b) => b.id - a.id);
      this.loadError = null;
    } catch (err) {
      this.loadError = errorText(err);
    }
    this.#loaded = true;
  }

  #progress(p: StudyProgress): void {
    const known = this.#list.find((s) => s.id === p.studyId);
    // A study started elsewhere (the CLI, another window), a step done or the end: read the list again.
    if (known === undefined || known.status !== p.status || known.progress?.done !== p.done || p.status !== 'running') {
      void this.refresh();
      return;
    }
    this.#list = this.#list.map((s) => (s.id === p.studyId ? { ...s, progress: p } : s));
  }
}
