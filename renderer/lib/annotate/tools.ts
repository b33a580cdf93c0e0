// The editor's tools, their names and keyboard shortcuts.
export const tools = ['brush', 'eraser', 'polygon', 'rect', 'ellipse', 'fill', 'hand'] as const;
export type Tool = (typeof tools)[number];

export const toolInfo: Record<Tool, { label: string; key: string; icon: string }> = {
  brush: { label: 'Brush', key: 'B', icon: '●' },
  eraser: { label: 'Eraser', key: 'E', icon: '◌' },
  polygon: { label: 'Polygon', key: 'P', icon: '⬠' },
  rect: { label: 'Rectangle', key: 'R', icon: '▭' },
  ellipse: { label: 'Ellipse', key: 'O', icon: '⬭' },
  fill: { label: 'Fill', key: 'F', icon: '▨' },
  hand: { label: 'Hand', key: 'H', icon: '✋' },
};

/** The tool a key selects, if any. */
export function toolForKey(key: string): Tool | null {
  return tools.find((t) => toolInfo[t].key === key.toUpperCase()) ?? null;
}
