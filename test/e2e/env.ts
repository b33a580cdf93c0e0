/** The browser-mode URL (with its token) that global-setup started. */
export function appUrl(): string {
  const url = process.env.HEATLAB_E2E_URL;
  if (!url) throw new Error('HEATLAB_E2E_URL is not set: run the e2e tests through playwright test, whose global setup starts Heatlab.');
  return url;
}

/** The same origin without the token. */
export function originOnly(): string {
  const url = new URL(appUrl());
  return `${url.protocol}//${url.host}/`;
}
