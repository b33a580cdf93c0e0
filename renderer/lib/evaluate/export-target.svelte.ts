// Where the Evaluate view's exports go: the browser's downloads (browser mode), or a folder the user
// picked, written through files.save (the only way under Electron, whose session refuses downloads).
import type { Api } from '../../../shared/api.js';
import { errorText } from '../api.js';
import { download } from '../explain/run-metadata.js';

export type ExportData = Blob | string | Uint8Array;

export class ExportTarget {
  readonly #api: Api;
  readonly canDownload = typeof window !== 'undefined' && !window.heatlab;
  folder = $state<string | null>(null);
  saved = $state<string | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);

  constructor(api: Api) {
    this.#api = api;
  }

  /** Whether a save can start now. */
  get ready(): boolean {
    return !this.busy && (this.canDownload || this.folder !== null);
  }

  /** Makes the file and saves it; errors become the sentence shown under the buttons. */
  async save(make: () => Promise<{ name: string; data: ExportData; type: string }> | { name: string; data: ExportData; type: string }): Promise<void> {
    this.busy = true;
    this.error = null;
    this.saved = null;
    try {
      const { name, data, type } = await make();
      if (this.folder === null) {
        download(name, data, type);
        this.saved = name;
      } else {
        const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : typeof data === 'string' ? new TextEncoder().encode(data) : data;
        const result = await this.#api['files.save']({ folder: this.folder, name, data: bytes });
        if (result.ok) this.saved = result.value.path;
        else this.error = result.error.message;
      }
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }
}
