/** 12345's urgency levels: 紧急 (life or safety at risk now), 次紧急 (to handle within a day), 普通. */
export type Urgency = 'urgent' | 'semi_urgent' | 'normal';
/** The levels from most to least urgent (the order staff choose them in 诉求检索). */
export const URGENCY_LEVELS = ['urgent', 'semi_urgent', 'normal'] as const satisfies readonly Urgency[];
export const URGENCY_LABELS: Record<Urgency, string> = { urgent: '紧急', semi_urgent: '次紧急', normal: '普通' };

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

export interface EmergencyCall {
  number: string;
  /** the key of its label in the app's texts (emergency.n119 …), or null for a number given as is */
  labelKey: 'n119' | 'n110' | 'n120' | 'n962777' | null;
}

/**
 * The numbers to offer, in order. Fire or smoke: 119; a gas smell: 119 (strong smell, fire danger) and the gas
 * company's 24-hour line 962777 (上海燃气抢修). Then the numbers `named` gives (a category question's message,
 * 「…请拨打 962777」). Nothing yet: the one number of `emergencyNumberFor`.
 */
export function emergencyCallsFor(reasons: string[], named = ''): EmergencyCall[] {
  const text = reasons.join(' ');
  const calls: EmergencyCall[] = [];
  const add = (number: string) => {
    if (!calls.some((c) => c.number === number)) calls.push({ number, labelKey: (['119', '110', '120', '962777'].includes(number) ? `n${number}` : null) as EmergencyCall['labelKey'] });
  };
  if (/燃气|煤气|天然气|火|烟/.test(text)) add('119');
  if (/燃气|煤气|天然气/.test(text)) add('962777');
  // Runs of digits, not a look-behind pattern: older WeChat engines on iOS do not parse those.
  for (const n of named.split(/\D+/)) if (/^(?:11[09]|120|\d{5,8})$/.test(n)) add(n);
  if (!calls.length) add(emergencyNumberFor(reasons).number);
  return calls;
}
