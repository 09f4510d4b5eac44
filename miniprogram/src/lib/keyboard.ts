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
 *  (c) an open Picker takes the focus on its first column (a spinbutton: ↑/↓ move one item, PageUp/PageDown
 *      five, Home/End to the ends; Enter is 确定, Escape is 取消; Tab goes round the columns and 取消/确定 while
 *      it is open); closed by keyboard, the focus goes back to what opened it. Taro scrolls the columns only by
 *      drag or tap: the keys move them through the same functions the drag ends in;
 *  (d) a NutUI Table header cell that sorts (it carries NutUI's sort icon) is a button like the others.
 */
import { t } from '../i18n';

const ROLES = ['button', 'switch', 'tab', 'link', 'checkbox', 'radio', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option'];
/** Roles a native control answers to Space as well as Enter (a link answers to Enter only). */
const SPACE_ROLES = new Set(['button', 'switch', 'checkbox', 'radio', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option']);

/**
 * Taro's H5 Button, the element Taro's Picker listens on for its click, and an open Picker's 取消/确定. (Taro's
 * Picker has no shadow root: it moves its overlay, columns and buttons, to the end of <body> when it mounts and
 * keeps it as its `overlay` property; they are reachable from here.)
 */
const TARO_CONTROLS = 'taro-button-core, taro-picker-core > div:first-child, .weui-picker__action';
/** One column of an open Picker. */
const PICKER_COLUMN = 'taro-picker-group';
/** NutUI Table's header cells; only those with NutUI's sort icon sort (see sortable()). */
const TABLE_HEADER = '.nut-table-main-head-tr-th';
const ROLE_SELECTOR = ROLES.map((r) => `[role="${r}"]`).join(', ');
const CONTROL_SELECTOR = `${ROLE_SELECTOR}, ${TARO_CONTROLS}`;
const PREPARE_SELECTOR = `${CONTROL_SELECTOR}, ${PICKER_COLUMN}, ${TABLE_HEADER}`;
/** The browser already makes these focusable and answers their keys itself. */
const NATIVE = 'button, a[href], input, textarea, select, summary, [contenteditable=""], [contenteditable="true"]';

function roleOf(el: Element): string {
  const role = el.getAttribute('role');
  if (role) return role;
  return 'button'; // Taro controls without a role of their own act as buttons
}

/** A header cell NutUI sorts by on click: it holds the sort icon (`sorter` set on the column), others do not. */
function sortable(el: Element): boolean {
  return Boolean(el.querySelector('.nut-icon, svg, img'));
}

function prepare(el: Element): void {
  if (el.matches(NATIVE)) return;
  if (el.matches(PICKER_COLUMN)) return preparePickerColumn(el as PickerColumn);
  if (el.matches(TABLE_HEADER)) {
    // A plain header stays a header; a sorting one becomes a button (Enter/Space click it, as NutUI's click sorts).
    if (!sortable(el) || el.hasAttribute('role')) return;
    el.setAttribute('role', 'button');
  }
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
  if (pickerKey(e)) return;
  const space = e.key === ' ' || e.key === 'Spacebar';
  if (e.key !== 'Enter' && !space) return;
  const el = e.target;
  // Only the focused control itself: a key typed in an input inside a clickable card stays the input's.
  if (!(el instanceof HTMLElement) || el.matches(NATIVE) || !el.matches(CONTROL_SELECTOR)) return;
  if (space && !SPACE_ROLES.has(roleOf(el))) return;
  e.preventDefault(); // Space would scroll the page; Enter would do nothing else
  if (e.repeat || el.getAttribute('aria-disabled') === 'true') return;
  el.click();
  const picker = pickerOf(el);
  if (!picker) return;
  // 取消/确定 closed the picker: back to its trigger. The trigger (or a control in it) opened it: to its first column.
  if (el.closest('.weui-picker__overlay')) focusTrigger(picker);
  else void focusWhenOpen(picker);
}

// ——— Taro's Picker (H5: taro-picker-core; one taro-picker-group per column) ———

/** Row height and the offset of the first row in Taro's picker columns (picker-group.js: LINE_HEIGHT, TOP). */
const LINE_HEIGHT = 34;
const TOP = 102;
/** The properties Taro's column and Picker components expose on their elements (Stencil: the element is the instance). */
type PickerColumn = HTMLElement & {
  range?: unknown[];
  rangeKey?: string;
  mode?: string;
  height?: number;
  columnId?: string;
  updateHeight?: (height: number, columnId: string, needRevise?: boolean) => void;
  updateDay?: (value: number, column: number) => void;
};
type PickerElement = HTMLElement & { height?: number[]; overlay?: HTMLElement };

const overlayOf = (picker: Element) => (picker as PickerElement).overlay ?? picker.querySelector<HTMLElement>('.weui-picker__overlay');
/** The Picker an element of an overlay belongs to (the overlay lives under <body>, away from its Picker). */
function pickerOf(el: Element): PickerElement | null {
  const overlay = el.closest('.weui-picker__overlay');
  if (!overlay) return el.closest<PickerElement>('taro-picker-core');
  return Array.from(document.querySelectorAll<PickerElement>('taro-picker-core')).find((p) => overlayOf(p) === overlay) ?? null;
}
const isOpen = (picker: Element) => {
  const overlay = overlayOf(picker);
  return Boolean(overlay && getComputedStyle(overlay).display !== 'none');
};
const columnsOf = (picker: Element) => Array.from(overlayOf(picker)?.querySelectorAll<PickerColumn>(PICKER_COLUMN) ?? []);

/** Time columns carry four padding rows at each end (Taro draws the wheel as endless): never land on those. */
function bounds(col: PickerColumn): [number, number] {
  const n = col.range?.length ?? 0;
  return col.mode === 'time' ? [4, n - 5] : [0, n - 1];
}

/** The row a column shows now: from the Picker's own state, which updateHeight changes at once (the column's prop follows a frame later). */
function rowOf(col: PickerColumn): number {
  const picker = pickerOf(col);
  const height = picker?.height?.[Number(col.columnId ?? 0)] ?? col.height ?? TOP;
  return Math.round((TOP - height) / LINE_HEIGHT);
}

function rowText(col: PickerColumn, row: number): string {
  const item = col.range?.[row];
  const text = col.rangeKey && item && typeof item === 'object' ? (item as Record<string, unknown>)[col.rangeKey] : item;
  return String(text ?? '').trim();
}

/**
 * Sets an attribute only when it changes. Setting one to the value it has still makes a mutation record, and the
 * observer below answers `role` records by preparing the element again: writing the same role each time would
 * never end.
 */
function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** What a screen reader says for a column: a spinbutton, its value the row's text. */
function describeColumn(col: PickerColumn, row = rowOf(col)): void {
  const [min, max] = bounds(col);
  const columns = col.parentElement ? col.parentElement.querySelectorAll(PICKER_COLUMN).length : 1;
  setAttr(col, 'role', 'spinbutton');
  setAttr(col, 'aria-valuemin', String(min));
  setAttr(col, 'aria-valuemax', String(max));
  setAttr(col, 'aria-valuenow', String(row));
  setAttr(col, 'aria-valuetext', rowText(col, row));
  if (!col.hasAttribute('aria-label') || col.hasAttribute('data-kb-label')) {
    const n = Number(col.columnId ?? 0) + 1;
    setAttr(col, 'aria-label', columns > 1 ? t('common.pickerColumn', { n, columns }) : t('common.pickerChoose'));
    setAttr(col, 'data-kb-label', '');
  }
}

function preparePickerColumn(col: PickerColumn): void {
  if (!col.hasAttribute('tabindex')) {
    col.setAttribute('tabindex', '0');
    col.setAttribute('data-kb-tabindex', '');
  }
  if (!col.hasAttribute('data-kb-column')) {
    col.setAttribute('data-kb-column', '');
    // A drag or tap may have moved it since: say its row again whenever it takes the focus.
    col.addEventListener('focus', () => describeColumn(col));
  }
  describeColumn(col);
}

/** Moves a column to `row` the way a finished drag does (picker-group.js handleMoveEnd): date columns first re-range the days. */
function moveColumn(col: PickerColumn, row: number): void {
  const [min, max] = bounds(col);
  const to = Math.min(max, Math.max(min, row));
  if (to === rowOf(col) || !col.updateHeight) return;
  const height = TOP - LINE_HEIGHT * to;
  if (col.mode === 'date' && col.updateDay) col.updateDay(Number(rowText(col, to).replace(/[^0-9]/g, '')), Number(col.columnId ?? 0));
  col.updateHeight(height, col.columnId ?? '0', col.mode === 'time');
  // A multi-column Picker tells the page (onColumnChange), as after a drag.
  (col as unknown as { onColumnChange?: { emit?: (d: unknown) => void } }).onColumnChange?.emit?.({ columnId: col.columnId, height });
  // A new month may have moved the day column too (fewer days): every column says its row again.
  const picker = pickerOf(col);
  (picker ? columnsOf(picker) : [col]).forEach((c) => describeColumn(c));
}

function focusTrigger(picker: Element): void {
  const trigger = picker.querySelector<HTMLElement>(':scope > div:first-child');
  const target = trigger?.querySelector<HTMLElement>('[tabindex]') ?? trigger;
  target?.focus();
}

/** After the trigger's click the Picker shows its overlay on its next render: then its first column takes the focus. */
async function focusWhenOpen(picker: Element): Promise<void> {
  for (let i = 0; i < 100 && !isOpen(picker); i++) await new Promise((r) => setTimeout(r, 20));
  const first = columnsOf(picker)[0];
  if (!first || !isOpen(picker)) return;
  preparePickerColumn(first);
  first.focus();
}

/** Keys inside an open Picker. True when the key was the Picker's. */
function pickerKey(e: KeyboardEvent): boolean {
  const el = e.target;
  if (!(el instanceof HTMLElement)) return false;
  const overlay = el.closest<HTMLElement>('.weui-picker__overlay');
  const picker = overlay && pickerOf(overlay);
  if (!overlay || !picker || !isOpen(picker)) return false;
  const action = (i: number) => overlay.querySelectorAll<HTMLElement>('.weui-picker__action')[i];
  if (e.key === 'Escape' || e.key === 'Esc') {
    e.preventDefault();
    action(0)?.click(); // 取消
    focusTrigger(picker);
    return true;
  }
  if (e.key === 'Tab') {
    // The open Picker covers the page: the focus goes round its columns and buttons, not off behind it.
    const stops = Array.from(overlay.querySelectorAll<HTMLElement>(`.weui-picker__action, ${PICKER_COLUMN}`)).filter((x) => x.getAttribute('tabindex') !== '-1');
    const at = stops.indexOf(el);
    if (stops.length === 0) return false;
    e.preventDefault();
    stops[(at + (e.shiftKey ? -1 : 1) + stops.length) % stops.length].focus();
    return true;
  }
  if (!el.matches(PICKER_COLUMN)) return false;
  const col = el as PickerColumn;
  const [min, max] = bounds(col);
  const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 5, PageUp: -5 };
  if (e.key in step) moveColumn(col, rowOf(col) + step[e.key]);
  else if (e.key === 'Home') moveColumn(col, min);
  else if (e.key === 'End') moveColumn(col, max);
  else if (e.key === 'Enter' || e.key === ' ') {
    if (e.repeat) return true;
    action(1)?.click(); // 确定
    focusTrigger(picker);
  } else return false;
  e.preventDefault(); // the arrows would scroll the page behind
  return true;
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
          r.addedNodes.forEach((n) => {
            if (!(n instanceof Element)) return;
            prepareTree(n);
            // A sort icon drawn into a header cell after the cell itself: the cell becomes sortable now.
            const header = n.parentElement?.closest(TABLE_HEADER);
            if (header) prepare(header);
          });
        }
      }
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['role', 'disabled'] });
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
}
