// Walks a page with the Tab key as a keyboard user would and reports every control that Tab (or the
// arrow keys, inside a composite widget such as a listbox or a radio group) never reaches, that
// shows no focus indicator when focused, or that has no accessible name. Names and roles come from
// Chromium's own accessibility tree, over the DevTools protocol.
import type { CDPSession, Page } from '@playwright/test';

export interface FocusProblem {
  where: string;
  problem: string;
}

/** What may take part in keyboard interaction; `[tabindex]` catches custom widgets. */
const interactive =
  'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex], [contenteditable="true"], [contenteditable=""], ' +
  '[role="button"], [role="link"], [role="checkbox"], [role="radio"], [role="switch"], [role="option"], [role="gridcell"], [role="tab"], [role="menuitem"], [role="slider"], [role="spinbutton"]';
/** Widgets whose members are reached by the arrow keys once one of them has the focus. */
const composite = '[role="listbox"], [role="grid"], [role="treegrid"], [role="tree"], [role="radiogroup"], [role="tablist"], [role="toolbar"], [role="menu"], [role="menubar"]';

/** Marks every visible, enabled control with `data-kbd` and returns their descriptions by mark. */
function markControls(page: Page): Promise<Record<string, string>> {
  return page.evaluate(
    ({ interactive }) => {
      const out: Record<string, string> = {};
      const scope: ParentNode = document.querySelector('dialog:modal') ?? document;
      let n = 0;
      for (const el of scope.querySelectorAll<HTMLElement>(interactive)) {
        el.removeAttribute('data-kbd');
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (r.width < 2 || r.height < 2 || style.visibility === 'hidden' || el.closest('[inert], [aria-hidden="true"]')) continue;
        // The content of a closed <details> keeps its boxes in Chromium but is not shown (content-visibility).
        if (!el.checkVisibility({ visibilityProperty: true })) continue;
        if ((el as HTMLButtonElement).disabled || el.getAttribute('aria-disabled') === 'true' || el.closest('fieldset:disabled')) continue;
        // A tabindex="-1" target of programmatic focus (a heading, a region) is not a control.
        const role = el.getAttribute('role');
        const native = el.matches('a[href], button, input, select, textarea, summary');
        if (el.getAttribute('tabindex') === '-1' && !native && (role === null || ['region', 'heading', 'main', 'dialog', 'document', 'group', 'img'].includes(role))) continue;
        const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
        const id = String(n++);
        el.setAttribute('data-kbd', id);
        out[id] = `<${el.tagName.toLowerCase()}${role ? ` role=${role}` : ''}${el.dataset.testid ? ` data-testid=${el.dataset.testid}` : ''}${el.getAttribute('type') ? ` type=${el.getAttribute('type')}` : ''}> “${text}”`;
      }
      return out;
    },
    { interactive },
  );
}

interface Focused {
  mark: string | null;
  desc: string;
  body: boolean;
  indicator: boolean;
}

/** The focused element and whether it (or, for a tiny native input, its label) draws a focus indicator. */
function focusedElement(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return { mark: null, desc: 'body', body: true, indicator: false };
    const drawn = (e: Element) => {
      const s = getComputedStyle(e);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 && !/rgba\(.*,\s*0\)$/.test(s.outlineColor) && s.outlineColor !== 'transparent';
      return outline || s.boxShadow !== 'none';
    };
    const r = el.getBoundingClientRect();
    // A visually hidden native input shows its focus on its label.
    const target = r.width < 4 || r.height < 4 ? (el.closest('label') ?? el) : el;
    const active = el.getAttribute('aria-activedescendant');
    const descendant = active ? document.getElementById(active) : null;
    return {
      mark: el.getAttribute('data-kbd'),
      desc: `<${el.tagName.toLowerCase()}${el.getAttribute('role') ? ` role=${el.getAttribute('role')}` : ''}${el.dataset.testid ? ` data-testid=${el.dataset.testid}` : ''}> “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)}”`,
      body: false,
      indicator: drawn(target) || (descendant !== null && drawn(descendant)),
    };
  });
}

/** Chromium's computed role and accessible name of the focused element. */
async function focusedAxNode(cdp: CDPSession): Promise<{ role: string; name: string }> {
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  if (!result.objectId) return { role: '', name: '' };
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
  await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
  const node = nodes[0];
  return { role: String(node?.role?.value ?? ''), name: String(node?.name?.value ?? '').trim() };
}

export async function focusWalk(page: Page): Promise<FocusProblem[]> {
  const problems: FocusProblem[] = [];
  const cdp = await page.context().newCDPSession(page);
  try {
    const controls = await markControls(page);
    // Tab from the start of the document (or of the open modal dialog): focus a mark placed there,
    // which is not itself in the Tab order.
    await page.evaluate(() => {
      const start = document.createElement('span');
      start.tabIndex = -1;
      start.id = 'focus-walk-start';
      (document.querySelector('dialog:modal') ?? document.body).prepend(start);
      start.focus();
    });
    const reached = new Set<string>();
    const order: string[] = [];
    let bodies = 0;
    for (let step = 0; step < 800; step++) {
      await page.keyboard.press('Tab');
      const f = await focusedElement(page);
      if (f.body) {
        if (++bodies > 1 || order.length > 0) break;
        continue;
      }
      const key = f.mark ?? f.desc;
      if (order[0] === key) break;
      if (order.includes(key)) {
        problems.push({ where: f.desc, problem: 'Tab comes back to it before the end of the page (a focus trap)' });
        break;
      }
      order.push(key);
      if (f.mark !== null) reached.add(f.mark);
      const ax = await focusedAxNode(cdp);
      if (ax.name === '') problems.push({ where: f.desc, problem: `has no accessible name (role ${ax.role || 'none'})` });
      if (['', 'generic', 'none', 'presentation'].includes(ax.role)) problems.push({ where: f.desc, problem: 'takes the focus but has no role' });
      if (!f.indicator) problems.push({ where: f.desc, problem: 'shows no focus indicator' });
    }

    // What Tab did not reach must be a member of a composite widget Tab entered, and the arrow keys
    // must move within that widget.
    const unreached = Object.keys(controls).filter((m) => !reached.has(m));
    const verdicts = await page.evaluate(
      ({ unreached, reached, composite }) => {
        const byMark = (m: string) => document.querySelector<HTMLElement>(`[data-kbd="${m}"]`);
        const reachedEls = reached.map(byMark).filter((e): e is HTMLElement => e !== null);
        return unreached.map((m) => {
          const el = byMark(m);
          if (!el) return { mark: m, ok: true, via: null as string | null };
          if (el instanceof HTMLInputElement && el.type === 'radio' && el.name) {
            const sibling = reachedEls.find((r) => r instanceof HTMLInputElement && r.type === 'radio' && r.name === el.name && r.form === el.form);
            return { mark: m, ok: sibling !== undefined, via: sibling?.getAttribute('data-kbd') ?? null };
          }
          const box = el.closest(composite);
          const sibling = box ? reachedEls.find((r) => box.contains(r)) : undefined;
          return { mark: m, ok: sibling !== undefined, via: sibling?.getAttribute('data-kbd') ?? null };
        });
      },
      { unreached, reached: [...reached], composite },
    );
    for (const v of verdicts) if (!v.ok) problems.push({ where: controls[v.mark]!, problem: 'is never reached by the Tab key' });

    // One arrow-key check for each composite entered through a member.
    const entries = [...new Set(verdicts.filter((v) => v.ok && v.via !== null).map((v) => v.via!))];
    for (const via of entries) {
      const member = page.locator(`[data-kbd="${via}"]`);
      if ((await member.count()) === 0) continue;
      await member.focus();
      const before = await page.evaluate(() => `${document.activeElement?.getAttribute('data-kbd')}|${document.activeElement?.getAttribute('aria-activedescendant')}`);
      let moved = false;
      for (const key of ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp']) {
        await page.keyboard.press(key);
        const after = await page.evaluate(() => `${document.activeElement?.getAttribute('data-kbd')}|${document.activeElement?.getAttribute('aria-activedescendant')}`);
        if (after !== before) {
          moved = true;
          break;
        }
      }
      if (!moved) problems.push({ where: controls[via]!, problem: 'the arrow keys do not move to the other members of its widget' });
    }
  } finally {
    await page.evaluate(() => document.getElementById('focus-walk-start')?.remove());
    await cdp.detach();
  }
  return problems;
}
