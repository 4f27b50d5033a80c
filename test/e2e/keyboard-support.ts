import type { Locator, Page } from 'playwright-core';
import { IN_PAGE_CONTRAST } from './console-support.js';

/** The focused element as a keyboard user meets it, from {@link FOCUS_PROBE}. */
interface FocusedElement {
  /** Whether it is the element the caller is moving to. */
  isTarget: boolean;
  /** Its role and name, e.g. `button Copy`; `null` when nothing in the page has the focus. */
  name: string | null;
  /** Width in pixels of the outline that shows the focus, 0 when none shows. */
  width: number;
  /** Contrast ratio of that outline against the background around it. */
  contrast: number;
}

/**
 * A page-side function of the target element. A visually hidden control (a segmented radio) shows
 * its focus on the label text beside it.
 */
const FOCUS_PROBE = `(target) => {
  ${IN_PAGE_CONTRAST}
  const focused = document.activeElement;
  if (focused === null || focused === document.body) return { isTarget: false, name: null, width: 0, contrast: 0 };
  const roles = { A: 'link', BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox' };
  const role = focused.getAttribute('role') ?? roles[focused.tagName]
    ?? (focused.tagName === 'INPUT' ? focused.type : focused.tagName.toLowerCase());
  const label = focused.getAttribute('aria-label') ?? focused.labels?.[0]?.textContent ?? focused.textContent ?? '';
  const name = role + ' ' + label.trim().slice(0, 60);
  const isShown = (element) => Number(getComputedStyle(element).opacity) > 0 && element.getBoundingClientRect().width > 1;
  const indicator = isShown(focused) ? focused : focused.nextElementSibling;
  const style = indicator === null ? null : getComputedStyle(indicator);
  if (style === null || style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0)
    return { isTarget: focused === target, name, width: 0, contrast: 0 };
  return {
    isTarget: focused === target,
    name,
    width: parseFloat(style.outlineWidth),
    contrast: contrast(rgba(style.outlineColor), backgroundOf(indicator.parentElement)),
  };
}`;

/**
 * Presses `key` (Tab by default; `Shift+Tab` goes back) until `target` has the focus, as a keyboard
 * user moves through the page, and fails after `limit` presses. Every element that takes the focus on
 * the way must show it: an outline at least 2px wide with a 3:1 contrast against its surroundings
 * (WCAG 2.4.7 and 1.4.11).
 */
export async function moveFocusTo(
  page: Page,
  target: Locator,
  { key = 'Tab', limit = 40 }: { key?: 'Tab' | 'Shift+Tab'; limit?: number } = {},
): Promise<void> {
  const handle = await target.elementHandle();
  const probe = await page.evaluateHandle<(target: unknown) => FocusedElement>(FOCUS_PROBE);
  try {
    const passed: string[] = [];
    for (let presses = 0; presses < limit; presses += 1) {
      await page.keyboard.press(key);
      const focused = await probe.evaluate((run, element) => run(element), handle);
      if (focused.name === null) continue;
      passed.push(focused.name);
      if (focused.width < 2 || focused.contrast < 3) {
        const shown = `outline ${focused.width}px, contrast ${focused.contrast.toFixed(2)}:1`;
        throw new Error(`${focused.name} takes the focus without a visible indicator (${shown})`);
      }
      if (focused.isTarget) return;
    }
    throw new Error(
      `${key} never reached ${target.toString()}; the focus went through:\n  ${passed.join('\n  ')}`,
    );
  } finally {
    await Promise.all([handle.dispose(), probe.dispose()]);
  }
}

/** The role and name of the focused element, e.g. `button Copy`; `null` when nothing has the focus. */
export async function focusedElement(page: Page): Promise<string | null> {
  return page.evaluate<string | null>(`(${FOCUS_PROBE})(null).name`);
}
