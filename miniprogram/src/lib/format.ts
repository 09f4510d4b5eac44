import { shanghaiMinute } from '@ssp/shared';

/**
 * `2026-12-01 02:17`, in Shanghai time whatever the zone of the phone or browser: staff compare it with
 * exports and with what residents tell them on the phone, and residents with the hotline's answers.
 */
export function formatTime(iso: string): string {
  return shanghaiMinute(iso);
}
