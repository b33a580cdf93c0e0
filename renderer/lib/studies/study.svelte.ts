// One study for its page: read once, then followed through `study.progress` — the progress of the
// whole and of the current step replace the stored one at once, and the study is read again when a
// step ends or the pipeline stops, so the steps' states and members stay true.
import { createSubscriber } from 'svelte/reactivity';
import type { Api } from '../../../shared/api.js';
import type { Study, StudyProgress } from '../../../shared/studies.js';
import { errorText, unwrap } from '../api.js';

export class StudyState {
  readonly #api: Api;
  readonly id: number;
  #study = $state.raw<Study | null>(null);
  #live = $state.raw<StudyProgress | null>(null);
  error = $state<string | null>(null);
  #subscribe: () => void;
  #reading = 0;

  constructor(api: Api, id: number) {
    this.#api = api;
    this.id = id;
    this.#subscribe = createSubscriber((update) => {
      const off = api.on('study.progress', (p) => {
        if (p.studyId !== this.id) return;
        const before = this.#live ?? this.#study?.progress ?? null;
        this.#live = p;
        if (before === null || before.done !== p.done || before.step?.index !== p.step?.index || p.status !== 'running') void this.refresh();
      });
      void this.refresh().then(update);
      return off;
    });
  }

  get study(): Study | null {
    this.#subscribe();
    return this.#study;
  }

  /** The newest progress: from the last event of this run, else as the study was read. */
  get progress(): StudyProgress | null {
    this.#subscribe();
    return this.#live ?? this.#study?.progress ?? null;
  }

  async refresh(): Promise<void> {
    const reading = ++this.#reading;
    try {
      const study = unwrap(await this.#api['studies.get']({ id: this.id }));
      if (reading !== this.#reading) return;
      this.#study = study;
      // A finished study's own progress is final: forget an older live one.
      if (study.status !== 'running') this.#live = null;
      this.error = null;
    } catch (err) {
      if (reading === this.#reading) this.error = errorText(err);
    }
  }

  /** Replaces the study with one an action returned (run, cancel, rename). */
  set(study: Study): void {
    this.#reading++;
    this.#study = study;
    if (study.status !== 'running') this.#live = null;
  }
}
