/**
 * Times shown to people. Staff and residents are in Shanghai (UTC+8, no daylight saving), whatever the
 * time zone of the server, the browser or the phone, so these do not depend on the local zone: the
 * instant is shifted by eight hours and read as UTC. ISO UTC strings stay the format of the API.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

const shifted = (at: Date | string | number): string => new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS).toISOString();

/** `2026-12-01` — the Shanghai calendar day (file names, day pickers). */
export const shanghaiDate = (at: Date | string | number = Date.now()): string => shifted(at).slice(0, 10);

/** `2026-12-01 02:17:32` — exports: the form spreadsheet programs read as a date and time. */
export const shanghaiDateTime = (at: Date | string | number): string => {
  const s = shifted(at);
  return `${s.slice(0, 10)} ${s.slice(11, 19)}`;
};

/** `2026-12-01 02:17` — the console and the resident pages. */
export const shanghaiMinute = (at: Date | string | number): string => {
  const s = shifted(at);
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
};

/** `02:17` — a clock time on the same day. */
export const shanghaiClock = (at: Date | string | number): string => shifted(at).slice(11, 16);

/**
 * The Shanghai wall-clock time as a Date whose UTC fields are that wall clock. Spreadsheet date cells have
 * no time zone: a cell made from this shows 02:17 for an instant that was 02:17 in Shanghai.
 */
export const shanghaiWallClock = (at: Date | string | number): Date => new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS);
