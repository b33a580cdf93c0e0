// A small choice the user made (theme, whether a panel is open), kept in the origin's localStorage
// across reloads. Storage may be refused (a locked-down profile) or hold anything: then the default.
// Browser mode on a random port is a new origin each start; `serve --port N` keeps the choices.

export function readPreference<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const stored = localStorage.getItem(key);
    return allowed.find((a) => a === stored) ?? fallback;
  } catch {
    return fallback;
  }
}

export function writePreference(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not kept: the choice still holds for this page's life
  }
}
