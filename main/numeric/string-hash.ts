// FNV-1a of a string as a 32-bit number: gives each named thing (a layer, a perturbation) its own
// stream of one seed, the same whichever other things are drawn with it.
export function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
