import { addToCounter, raiseCounter } from '../db/counters';
import type { ReportRepository } from './reportRepository';

/**
 * Human ticket numbers like SH20261128-000123: the date in Shanghai time and
 * a per-day sequence. Six digits cover 999,999 a day (the busiest day on
 * record had 58,000 contacts).
 *
 * Each process takes a block of numbers at a time from a per-day counter
 * (`$inc`, atomic on MongoDB and on our FerretDB build), so instances never
 * propose the same number and a submit costs a counter write only once per
 * block; the next block is fetched while half of the current one is left, so
 * a submit does not wait for it (waiting for a refill every few submits was
 * the slowest step of a submit under load). Within one instance numbers
 * follow submit order; across instances they interleave by block, and a
 * restarted instance leaves the rest of its blocks unused (numbers are
 * identifiers, gaps are harmless). The unique index
 * on `ticketNo` stays the guarantee: a conflict (a counter behind numbers
 * issued before counters existed, or a counter lost) raises the counter past
 * the highest issued number and takes a fresh block.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;
/** The last day asked for, as [from, to) in ms: every submit asks, and the answer changes once a day. */
let lastDay = { from: 0, to: 0, day: '' };

export function shanghaiDate(now: Date): string {
  const t = now.getTime();
  if (t >= lastDay.from && t < lastDay.to) return lastDay.day;
  const shifted = new Date(t + SHANGHAI_OFFSET_MS);
  const day = shifted.toISOString().slice(0, 10).replaceAll('-', '');
  const from = Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  lastDay = { from, to: from + DAY_MS, day };
  return day;
}

export function formatTicketNo(day: string, seq: number): string {
  return `SH${day}-${String(seq).padStart(6, '0')}`;
}

/** Numbers taken from the counter at a time. */
export const TICKET_BLOCK = 50;

export function createTicketNumberAllocator(repo: ReportRepository) {
  const counterOf = (day: string) => `ticketNo:${day}`;
  async function highestIssued(day: string): Promise<number> {
    const prefix = `SH${day}-`;
    // The day's reports: from its Asia/Shanghai midnight (UTC+8, no daylight saving time), 24 h.
    const from = new Date(Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T00:00:00+08:00`));
    const latest = await repo.highestTicketNo(prefix, `SH${day}.`, from, new Date(from.getTime() + 86_400_000));
    return latest ? Number(latest.slice(prefix.length)) : 0;
  }

  /** The numbers this process may hand out: `next … last` of `day`, then the prefetched block. */
  let block = { day: '', next: 1, last: 0 };
  let spare: { day: string; next: number; last: number } | null = null;
  let fetching: Promise<void> | null = null;

  async function take(day: string): Promise<{ day: string; next: number; last: number }> {
    let high = await addToCounter(counterOf(day), TICKET_BLOCK);
    if (high === TICKET_BLOCK) {
      // We started today's counter: if numbers were issued today before it existed, continue after them.
      const issued = await highestIssued(day);
      if (issued > 0) {
        await raiseCounter(counterOf(day), issued);
        high = await addToCounter(counterOf(day), TICKET_BLOCK);
      }
    }
    return { day, next: high - TICKET_BLOCK + 1, last: high };
  }

  /** One counter write in flight at a time; its block becomes the spare. */
  function fetchSpare(day: string): Promise<void> {
    fetching ??= take(day)
      .then((b) => {
        spare = b;
      })
      .finally(() => {
        fetching = null;
      });
    return fetching;
  }

  return {
    /** The next number for `now`'s day. Synchronous hand-out from the block: no two callers here get the same one. */
    async propose(now: Date): Promise<string> {
      const day = shanghaiDate(now);
      for (;;) {
        if (block.day === day && block.next <= block.last) {
          const seq = block.next++;
          if (block.last - block.next < TICKET_BLOCK / 2 && !spare && !fetching) void fetchSpare(day).catch(() => {}); // the next submit that needs it retries
          return formatTicketNo(day, seq);
        }
        if (spare?.day === day) {
          block = spare;
          spare = null;
          continue;
        }
        spare = null;
        await fetchSpare(day);
      }
    },
    /** A proposed number was taken already: move the counter past every issued number and drop the rest of the block. */
    async resync(now: Date): Promise<void> {
      const day = shanghaiDate(now);
      await raiseCounter(counterOf(day), await highestIssued(day));
      if (block.day === day) block.last = block.next - 1;
      spare = null;
    },
  };
}

export type TicketNumberAllocator = ReturnType<typeof createTicketNumberAllocator>;
