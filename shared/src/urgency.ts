/** 12345's urgency levels: 紧急 (life or safety at risk now), 次紧急 (to handle within a day), 普通. */
export type Urgency = 'urgent' | 'semi_urgent' | 'normal';

/**
 * The emergency number to offer a resident for a 紧急 text, from the
 * classifier's reasons: fire, gas and smoke → 119; someone unconscious,
 * injured or poisoned → 120; danger, crime, people trapped → 110.
 */
export function emergencyNumberFor(reasons: string[]): { number: '119' | '110' | '120'; label: string } {
  const text = reasons.join(' ');
  if (/燃气|煤气|火|烟/.test(text)) return { number: '119', label: '火警 119' };
  if (/病人|就医|晕|昏迷|中毒|受伤|急救/.test(text)) return { number: '120', label: '急救 120' };
  return { number: '110', label: '报警 110' };
}
