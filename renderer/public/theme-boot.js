// Applies the theme the user chose (lib/theme-choice.svelte.ts keeps it) before the page's first
// paint, so a dark choice on a light OS never flashes light. A file, not inline: the CSP allows
// only the app's own scripts. No choice, or storage unavailable: the theme follows the OS.
try {
  const choice = localStorage.getItem('heatlab.theme');
  if (choice === 'light' || choice === 'dark') document.documentElement.dataset.theme = choice;
} catch {
  // storage refused (a locked-down browser profile): follow the OS
}
