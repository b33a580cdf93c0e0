// Light, dark, or whatever the OS says. The choice is written as <html data-theme>, which theme.css
// turns into `color-scheme`; public/theme-boot.js reads the same key before first paint.
import { readPreference, writePreference } from './preference.js';

export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];
export const themeLabels: { [T in Theme]: string } = { system: 'Follow system', light: 'Light', dark: 'Dark' };

const KEY = 'heatlab.theme';

export class ThemeChoice {
  #theme = $state<Theme>(readPreference(KEY, themes, 'system'));

  get theme(): Theme {
    return this.#theme;
  }

  set theme(theme: Theme) {
    this.#theme = theme;
    writePreference(KEY, theme);
    applyTheme(theme);
  }

  /** Takes up a choice made in another tab of the app; returns the unsubscribe. */
  followOtherTabs(): () => void {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== KEY) return;
      this.#theme = readPreference(KEY, themes, 'system');
      applyTheme(this.#theme);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
