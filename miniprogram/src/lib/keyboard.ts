/**
 * Keyboard access for the H5 build (started from app.ts, H5 only; the mini-program has no keyboard).
 *
 * Why this exists: Taro's `View` renders a plain element in H5, never a native <button>, so the 79-odd places
 * that mark a clickable View with `role='button'` / `'switch'` / `'link'` / `'checkbox'` got the role but not the
 * behaviour a browser gives a real control: Tab skipped them and Enter/Space did nothing. Taro's own `Button`
 * renders <taro-button-core> and `Picker` wraps its trigger in a <div> with a click handler; neither is focusable
 * nor answers keys either. Rather than patch every page (and every page written later), this module gives all of
 * them what a native control has:
 *  (a) every element with an interactive role, every Taro Button and every Picker trigger that has no tabindex
 *      gets tabindex=0 (a MutationObserver covers elements React adds later; an explicit tabindex is kept, so a
 *      page can still take an element out of the order with tabindex=-1);
 *  (b) Enter on such a focused element clicks it, and so does Space for the roles a native button/checkbox/
 *      switch answers to Space. Native controls (button, a[href], input, textarea, select, summary) are left to
 *      the browser, so nothing fires twice and Space still types a space in text fields; a handler that already
 *      took the key (preventDefault) wins;
 *  (c) an open Picker's columns (Taro scrolls them only by drag) take the focus and move one item per arrow key.
 */

const ROLES = ['button', 'switch', 'tab', 'link', 'checkbox', 'radio', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option'];
/** Roles a native control answers to Space as well as Enter (a link answers to Enter only). */
const SPACE_ROLES = new Set(['button', 'switch', 'checkbox', 'radio', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option']);

/**
 * Taro's H5 Button, and the element Taro's Picker listens on for its click. An open Picker's columns and 取消/确定
 * live in Taro's shadow root, out of this module's reach: a Picker opens by keyboard but its value is still chosen
 * by pointer (docs/LOG.md, branch keyboard).
 */
const TARO_CONTROLS = 'taro-button-core, taro-picker-core > div:first-child';
const ROLE_SELECTOR = ROLES.map((r) => `[role="${r}"]`).join(', ');
const CONTROL_SELECTOR = `${ROLE_SELECTOR}, ${TARO_CONTROLS}`;
const PREPARE_SELECTOR = CONTROL_SELECTOR;
/** The browser already makes these focusable and answers their keys itself. */
const NATIVE = 'button, a[href], input, textarea, select, summary, [contenteditable=""], [contenteditable="true"]';

function roleOf(el: Element): string {
  const role = el.getAttribute('role');
  if (role) return role;
  return 'button'; // Taro controls without a role of their own act as buttons
}

function prepare(el: Element): void {
  if (el.matches(NATIVE)) return;
  const taro = el.matches(TARO_CONTROLS);
  // A Picker whose trigger already holds a control with a role (a View marked role='button'): that one takes the
  // focus and its click bubbles to the trigger, so the trigger would only be a second, silent tab stop.
  if (taro && !el.hasAttribute('role') && el.matches('taro-picker-core > div') && el.querySelector(ROLE_SELECTOR)) return;
  // Taro controls get the role a screen reader needs to announce them; explicit roles stay as written.
  if (taro && !el.hasAttribute('role')) el.setAttribute('role', 'button');
  const disabled = el.hasAttribute('disabled') && el.getAttribute('disabled') !== 'false';
  if (disabled) {
    // A disabled Taro Button takes no focus, like a disabled <button>; only a tabindex this module set goes.
    if (el.hasAttribute('data-kb-tabindex')) {
      el.removeAttribute('tabindex');
      el.removeAttribute('data-kb-tabindex');
    }
    if (!el.hasAttribute('aria-disabled')) el.setAttribute('data-kb-disabled', '');
    el.setAttribute('aria-disabled', 'true');
    return;
  }
  if (el.hasAttribute('data-kb-disabled')) {
    el.removeAttribute('aria-disabled');
    el.removeAttribute('data-kb-disabled');
  }
  if (!el.hasAttribute('tabindex')) {
    el.setAttribute('tabindex', '0');
    el.setAttribute('data-kb-tabindex', '');
  }
}

function prepareTree(root: ParentNode): void {
  if (root instanceof Element && root.matches(PREPARE_SELECTOR)) prepare(root);
  root.querySelectorAll(PREPARE_SELECTOR).forEach(prepare);
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
  const space = e.key === ' ' || e.key === 'Spacebar';
  if (e.key !== 'Enter' && !space) return;
  const el = e.target;
  // Only the focused control itself: a key typed in an input inside a clickable card stays the input's.
  if (!(el instanceof HTMLElement) || el.matches(NATIVE) || !el.matches(CONTROL_SELECTOR)) return;
  if (space && !SPACE_ROLES.has(roleOf(el))) return;
  e.preventDefault(); // Space would scroll the page; Enter would do nothing else
  if (e.repeat || el.getAttribute('aria-disabled') === 'true') return;
  el.click();
}

/**
 * A visible focus ring: the app styles had none, and Taro's own CSS sets `outline: 0` on its Button. Injected
 * here rather than in app.scss so the mini-program's stylesheet never meets `:focus-visible` (styles may be
 * inline under the Content-Security-Policy). Only keyboard focus shows it (`:focus-visible`), not a tap.
 */
const FOCUS_CSS = `
*:focus-visible, taro-button-core:focus-visible { outline: 3px solid #1a5fb4 !important; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
.console-nav *:focus-visible { outline-color: #fff !important; box-shadow: 0 0 0 5px #1a5fb4; }
.taro_page:focus-visible { outline-offset: -3px; box-shadow: none; }
`;

let installed = false;

export function installKeyboardAccess(): void {
  if (installed || typeof document === 'undefined' || typeof MutationObserver === 'undefined') return;
  installed = true;
  document.addEventListener('keydown', onKeyDown);
  const style = document.createElement('style');
  style.setAttribute('data-keyboard-access', '');
  style.textContent = FOCUS_CSS;
  document.head.appendChild(style);
  const start = () => {
    prepareTree(document.body);
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') {
          if (r.target instanceof Element && r.target.matches(PREPARE_SELECTOR)) prepare(r.target);
        } else {
          r.addedNodes.forEach((n) => n instanceof Element && prepareTree(n));
        }
      }
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['role', 'disabled'] });
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
}
