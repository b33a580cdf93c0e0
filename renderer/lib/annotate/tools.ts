// The editor's tools, their names and keyboard shortcuts.
export const tools = ['brush', 'eraser', 'polygon', 'rect', 'ellipse', 'fill', 'hand'] as const;
export type Tool = (typeof tools)[number];

export const toolInfo: Record<Tool, { label: string; key: string }> = {
  brush: { label: 'Brush', key: 'B' },
  eraser: { label: 'Eraser', key: 'E' },
  polygon: { label: 'Polygon', key: 'P' },
  rect: { label: 'Rectangle', key: 'R' },
  ellipse: { label: 'Ellipse', key: 'O' },
  fill: { label: 'Fill', key: 'F' },
  hand: { label: 'Hand', key: 'H' },
};

/** The tool a key selects, if any. */
export function toolForKey(key: string): Tool | null {
  return tools.find((t) => toolInfo[t].key === key.toUpperCase()) ?? null;
}
