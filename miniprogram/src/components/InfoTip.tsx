import { Text } from '@tarojs/components';
import { useState, type ReactNode } from 'react';
import './InfoTip.scss';

const IS_H5 = process.env.TARO_ENV === 'h5';
let nextId = 0;

/**
 * Was this focus given by the keyboard? A tap or click also focuses the trigger (it has a tabindex), and that
 * focus must not open the tip, or the click that follows would close it again at once. The browser already
 * tells the two apart for its focus ring (`:focus-visible`).
 */
function keyboardFocus(e: unknown): boolean {
  const el = (e as { target?: unknown }).target;
  try {
    return el instanceof Element && el.matches(':focus-visible');
  } catch {
    return false;
  }
}

/**
 * What a trigger needs to show an explanation on tap (mini-program and web), and on keyboard focus (web), instead
 * of a `title` attribute, which a touch screen or a keyboard never shows (and the mini-program does not have):
 * role button (lib/keyboard.ts gives it the tab stop and Enter/Space), aria-expanded, and aria-describedby
 * pointing at the text so a screen reader reads it with the trigger.
 */
export function useTip() {
  const [open, setOpen] = useState(false);
  const [id] = useState(() => `info-tip-${++nextId}`);
  const trigger = {
    role: 'button',
    'aria-expanded': open ? 'true' : 'false',
    'aria-describedby': id,
    onClick: () => setOpen((o) => !o),
    ...(IS_H5 ? { onFocus: (e: unknown) => keyboardFocus(e) && setOpen(true), onBlur: () => setOpen(false) } : {}),
  };
  return { open, id, trigger };
}

/**
 * A small ⓘ that shows `text` beside it: on tap, on keyboard focus, and (web) while the pointer rests on it. The
 * text floats over the content below, as wide as the nearest positioned box (a card or a bar sets
 * `position: relative`), so it is never clipped by a narrow cell. `label` names the button for screen readers.
 */
export function InfoTip({ text, label, testId }: { text: ReactNode; label: string; testId?: string }) {
  const { open, id, trigger } = useTip();
  return (
    <Text className={`info-tip${open ? ' open' : ''}`}>
      <Text className='info-tip-icon' {...(trigger as object)} aria-label={label} data-testid={testId}>
        ⓘ
      </Text>
      {/* Always in the page (hidden until opened) so aria-describedby has something to read. */}
      <Text className='info-tip-bubble' id={id} {...({ role: 'tooltip' } as object)} data-testid={testId ? `${testId}-text` : undefined}>
        {text}
      </Text>
    </Text>
  );
}
