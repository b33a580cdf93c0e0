import { describe, expect, it } from 'vitest';
import { inlineText, parseMarkdown, renderMarkdown, slug, tableCells } from '../../renderer/lib/help/markdown.js';

describe('the help Markdown renderer', () => {
  it('escapes raw HTML in text, so a script tag or an event handler stays text', () => {
    expect(renderMarkdown('Hello <script>alert(1)</script> & <img src=x onerror="alert(2)">')).toBe(
      '<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=&quot;alert(2)&quot;&gt;</p>',
    );
  });

  it('escapes HTML inside code spans, headings, table cells and code blocks', () => {
    expect(renderMarkdown('## A <b>bold</b> claim')).toBe('<h2 id="a-bboldb-claim">A &lt;b&gt;bold&lt;/b&gt; claim</h2>');
    expect(renderMarkdown('Use `<div class="x">` here.')).toBe('<p>Use <code>&lt;div class=&quot;x&quot;&gt;</code> here.</p>');
    expect(renderMarkdown('| a |\n| --- |\n| <i>x</i> |')).toBe('<table><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td>&lt;i&gt;x&lt;/i&gt;</td></tr></tbody></table>');
    expect(renderMarkdown('```\n<svg onload=alert(1)>\n```')).toBe('<pre><code>&lt;svg onload=alert(1)&gt;</code></pre>');
  });

  it('keeps relative links, drops links with a scheme to their text, and escapes the href', () => {
    expect(renderMarkdown('[the glossary](glossary.md#aopc)')).toBe('<p><a href="glossary.md#aopc">the glossary</a></p>');
    expect(renderMarkdown('[click](javascript:alert(1)) and [web](https://example.org)')).toBe('<p>click and web</p>');
    expect(renderMarkdown('[x](a"onmouseover="b)')).toBe('<p><a href="a&quot;onmouseover=&quot;b">x</a></p>');
  });

  it('maps link targets through the caller’s resolver, and shows the text alone when it refuses one', () => {
    const link = (t: string) => (t.startsWith('metrics.md#') ? `#/help/${t.slice('metrics.md#'.length)}` : null);
    expect(renderMarkdown('See [AOPC](metrics.md#abpc) and [the code](../../main/x.ts).', { link })).toBe('<p>See <a href="#/help/abpc">AOPC</a> and the code.</p>');
  });

  it('renders a GitHub table with its alignment, escaped pipes and inline markup in cells', () => {
    const html = renderMarkdown('| Parameter | Default | Why |\n| --- | :---: | ---: |\n| `norm` | `max-abs` | max of \\|∂f/∂x\\| over *channels* |\n| `k` | `1000` | short row |');
    expect(html).toBe(
      '<table><thead><tr><th scope="col">Parameter</th><th scope="col" class="align-center">Default</th><th scope="col" class="align-right">Why</th></tr></thead>' +
        '<tbody><tr><td><code>norm</code></td><td class="align-center"><code>max-abs</code></td><td class="align-right">max of |∂f/∂x| over <em>channels</em></td></tr>' +
        '<tr><td><code>k</code></td><td class="align-center"><code>1000</code></td><td class="align-right">short row</td></tr></tbody></table>',
    );
  });

  it('renders tight bullet lists without paragraphs, and numbered lists with their start', () => {
    expect(renderMarkdown('- one\n- **two**\n- three `x`')).toBe('<ul><li>one</li><li><strong>two</strong></li><li>three <code>x</code></li></ul>');
    expect(renderMarkdown('3. c\n4. d')).toBe('<ol start="3"><li>c</li><li>d</li></ol>');
  });

  it('keeps an item’s indented continuation lines and nested blocks inside the item', () => {
    const md = '- **Region size.** The paper\n  scaled to the image.\n\n  | a | b |\n  | --- | --- |\n  | 1 | 2 |\n- Next item\n  - nested';
    expect(renderMarkdown(md)).toBe(
      '<ul><li><p><strong>Region size.</strong> The paper\nscaled to the image.</p>' +
        '<table><thead><tr><th scope="col">a</th><th scope="col">b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table></li>' +
        '<li><p>Next item</p><ul><li>nested</li></ul></li></ul>',
    );
  });

  it('does not take underscores inside formulas for emphasis, nor a lone asterisk', () => {
    expect(renderMarkdown('x_u = Σ_{n ∈ N(u)} w_n x_n and 2 * 3 and lrp-*')).toBe('<p>x_u = Σ_{n ∈ N(u)} w_n x_n and 2 * 3 and lrp-*</p>');
    expect(renderMarkdown('an _emphasised_ word and a *second* one')).toBe('<p>an <em>emphasised</em> word and a <em>second</em> one</p>');
  });

  it('names headings by the anchor line above them, else by GitHub’s slug, numbering repeats', () => {
    const blocks = parseMarkdown('<a id="lrp-z-plus"></a>\n### LRP z⁺ — `lrp-z-plus`\n\n## When to use\n\n## When to use');
    expect(blocks.map((b) => (b.kind === 'heading' ? b.id : null))).toEqual(['lrp-z-plus', 'when-to-use', 'when-to-use-1']);
    // The anchor line itself is never output.
    expect(renderMarkdown('<a id="x"></a>\n# Title')).toBe('<h1 id="x">Title</h1>');
  });

  it('slugs headings as GitHub does: punctuation dropped, letters of any script kept', () => {
    expect(slug(inlineText('Sensitivity — `sensitivity`'))).toBe('sensitivity--sensitivity');
    expect(slug("Krippendorff's α (ordinal)")).toBe('krippendorffs-α-ordinal');
  });

  it('splits table rows at unescaped pipes only', () => {
    expect(tableCells('| a \\| b | `c` |')).toEqual(['a | b', '`c`']);
  });

  it('gives the plain text of inline markup for search and tooltips', () => {
    expect(inlineText('The **[ε rule](glossary.md#epsilon)** with `ε = 1e-6`')).toBe('The ε rule with ε = 1e-6');
  });
});
