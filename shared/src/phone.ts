/** Mainland mobile numbers and Shanghai-style landlines (with or without area code / extension). */
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$/;

export function normalizePhone(input: string): string {
  return input.replace(/[\s()（）]/g, '').replace(/^\+?86-?/, '');
}

export function isValidPhone(input: string): boolean {
  const phone = normalizePhone(input);
  return MOBILE.test(phone) || LANDLINE.test(phone);
}

/** 13812345678 → 138****5678; landlines keep their last 4 digits only. */
export function maskPhone(input: string): string {
  const phone = normalizePhone(input);
  if (MOBILE.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  if (phone.length <= 4) return '****';
  return `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}`;
}
