// How wide a figure label is, estimated without a browser: SVG text is measured only by whatever
// draws it, yet a paper figure must never clip a label. The widths are DejaVu Sans 2.37's advance
// widths (hmtx, in 1/1000 em), the font the figures name first and librsvg falls back to here;
// Liberation Sans, Arial and Helvetica, named after it, are narrower, so the estimate stays on the
// safe side whichever of them a reader has. Unknown characters count a full em.

// ASCII 32–126, regular and bold.
const ascii = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775,
  752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635,
  635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const boldAscii = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821,
  837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
  716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];
// The other characters Heatlab's labels use (method and metric names, units, marks): [regular, bold].
const extra: Record<string, readonly [number, number]> = {
  '×': [838, 838], '−': [838, 838], '–': [500, 500], '—': [1000, 1000], '…': [1000, 1000], '·': [318, 380], '•': [590, 639], '±': [838, 838], '≈': [838, 838],
  '≤': [838, 838], '≥': [838, 838], '↑': [838, 838], '↓': [838, 838], '★': [896, 896], '⚠': [896, 896], 'α': [659, 687], 'β': [638, 716], 'γ': [592, 681],
  'ε': [541, 557], 'δ': [612, 687], 'ρ': [635, 716], 'σ': [634, 779], 'μ': [636, 736], 'λ': [592, 633], 'θ': [612, 687], 'π': [602, 791], 'Δ': [684, 774],
  'Σ': [632, 683], '⁺': [528, 528], '⁻': [528, 528], '⁰': [401, 438], '¹': [401, 438], '²': [401, 438], '³': [401, 438], '⁴': [401, 438], '⁵': [401, 438],
  '⁶': [401, 438], '⁷': [401, 438], '⁸': [401, 438], '⁹': [401, 438], 'ᴮ': [432, 480], 'ᵏ': [426, 487],
  '°': [500, 500], 'é': [615, 678], 'è': [615, 678], 'à': [613, 675], 'ü': [634, 712], 'ö': [612, 687], 'ä': [613, 675], 'ñ': [634, 712], 'ç': [550, 593],
  'Å': [684, 774], '’': [318, 380], '‘': [318, 380], '“': [518, 657], '”': [518, 657], '≠': [838, 838], '→': [838, 838], '←': [838, 838], '√': [637, 667],
  '∞': [833, 833], '‰': [1342, 1440], '€': [636, 696],
};

/** The fonts a figure's text asks for, widest first (the widths above are the first's). */
export const FIGURE_FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

function advance(char: string, bold: boolean): number {
  const code = char.codePointAt(0)!;
  if (code >= 32 && code <= 126) return (bold ? boldAscii : ascii)[code - 32]!;
  const known = extra[char];
  return known === undefined ? 1000 : known[bold ? 1 : 0];
}

/** Estimated width of `text` at `size` (in the figure's units: the font size's units). */
export function textWidth(text: string, size: number, bold = false): number {
  let total = 0;
  for (const char of text) total += advance(char, bold);
  return (total / 1000) * size;
}

/**
 * The text in lines no wider than `width`, breaking between words, and inside a word only when
 * the word alone is wider (never dropping a character): a label is wrapped, never truncated.
 */
export function wrapText(text: string, width: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  const fits = (s: string) => textWidth(s, size, bold) <= width;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && fits(`${last} ${word}`)) {
      lines[lines.length - 1] = `${last} ${word}`;
      continue;
    }
    let rest = word;
    while (!fits(rest)) {
      // The longest prefix that fits; at least one character, so a box narrower than a letter still ends.
      let k = 1;
      const chars = [...rest];
      while (k < chars.length && fits(chars.slice(0, k + 1).join(''))) k++;
      lines.push(chars.slice(0, k).join(''));
      rest = chars.slice(k).join('');
    }
    if (rest !== '') lines.push(rest);
  }
  return lines.length > 0 ? lines : [''];
}
