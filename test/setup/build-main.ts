// Builds dist/main (esbuild, well under a second) so tests run the current compute host bundle.
import { buildMain } from '../../main/build/build.mjs';

export default async function setup(): Promise<void> {
  await buildMain({ quiet: true });
}
