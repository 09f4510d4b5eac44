import type { ReportRepository } from './reportRepository';

/**
 * Human ticket numbers like SH20261128-000123: the date in Shanghai time and
 * a per-day sequence. Six digits cover 999,999 a day (the busiest day on
 * record had 58,000 contacts), so numbers sort in issue order.
 *
 * Why not a `$inc` counter document: FerretDB v1.24 does not apply concurrent
 * updates of one document atomically (we measured 20 concurrent `$inc`s
 * leaving the counter at 5, and concurrent upserts handing out the same
 * value). Unique-index inserts are atomic on both FerretDB and MongoDB, so the
 * report insert itself claims its number through the unique index on
 * `ticketNo`: each process proposes the next number it knows of, and on a
 * duplicate (another process took it) re-reads the highest issued and retries.
 */
export function shanghaiDate(now: Date): string {
  const shifted = new Date(now.getTime() + 8 * 60 * 60 * 1000);
  return shifted.toISOString().slice(0, 10).replaceAll('-', '');
}

export function formatTicketNo(day: string, seq: number): string {
  return `SH${day}-${String(seq).padStart(6, '0')}`;
}

export function createTicketNumberAllocator(repo: ReportRepository) {
  async function highestIssued(day: string): Promise<number> {
    const prefix = `SH${day}-`;
    const latest = await repo.highestTicketNo(prefix, `SH${day}.`);
    return latest ? Number(latest.slice(prefix.length)) : 0;
  }

  const last = new Map<string, Promise<number>>();

  return {
    /** The next number to try for `now`'s day. Synchronous increment: no two callers here get the same one. */
    async propose(now: Date): Promise<string> {
      const day = shanghaiDate(now);
      let known = last.get(day);
      if (!known) {
        known = highestIssued(day);
        last.clear(); // only today's counter is worth keeping
        last.set(day, known);
      }
      const next = known.then((n) => n + 1);
      last.set(day, next);
      return formatTicketNo(day, await next);
    },
    /** Another process issued numbers we did not see: catch up before the next proposal. */
    async resync(now: Date): Promise<void> {
      const day = shanghaiDate(now);
      const previous = last.get(day) ?? Promise.resolve(0);
      const fresh = Promise.all([previous, highestIssued(day)]).then(([a, b]) => Math.max(a, b));
      last.set(day, fresh);
      await fresh;
    },
  };
}

export type TicketNumberAllocator = ReturnType<typeof createTicketNumberAllocator>;
