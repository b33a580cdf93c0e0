/** Builds the main-side bundles into dist/main. */
export function buildMain(options?: { quiet?: boolean }): Promise<void>;
/** Builds the renderer into dist/renderer when its sources changed (always with --force). */
export function buildRenderer(): Promise<void>;
