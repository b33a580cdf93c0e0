// Undo and redo for one image's mask, as whole snapshots: masks are small (a 256×256 mask is
// 64 KB), and a snapshot cannot drift from the mask the way a list of inverse operations can.
export class MaskHistory {
  readonly #undo: Uint8Array[] = [];
  readonly #redo: Uint8Array[] = [];
  readonly #limit: number;

  constructor(limit = 100) {
    this.#limit = limit;
  }

  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  get canRedo(): boolean {
    return this.#redo.length > 0;
  }

  /** Call after an edit with the mask as it was before it; a new edit ends what could be redone. */
  record(before: Uint8Array): void {
    this.#undo.push(before.slice());
    if (this.#undo.length > this.#limit) this.#undo.shift();
    this.#redo.length = 0;
  }

  /** The mask to go back to (null when there is none); `current` becomes redoable. */
  undo(current: Uint8Array): Uint8Array | null {
    const before = this.#undo.pop();
    if (before === undefined) return null;
    this.#redo.push(current.slice());
    return before;
  }

  redo(current: Uint8Array): Uint8Array | null {
    const after = this.#redo.pop();
    if (after === undefined) return null;
    this.#undo.push(current.slice());
    return after;
  }

  clear(): void {
    this.#undo.length = 0;
    this.#redo.length = 0;
  }
}
