// The ground-truth mask kinds a benchmark generator can provide, and their names: apart from the
// generators' zod schemas, so a view that only names them does not load zod.
export const maskKinds = ['object', 'band', 'edges', 'corners', 'instances'] as const;
export type MaskKind = (typeof maskKinds)[number];

export const maskKindLabels: { [K in MaskKind]: string } = {
  object: 'Object — the filled shape(s)',
  band: 'Band — between the polygon at 0.75× and 1.25× its radius (create_bands_1.m)',
  edges: 'Edges — within a distance of the outline',
  corners: 'Corners — discs around each vertex',
  instances: 'Instances — one id per object',
};
