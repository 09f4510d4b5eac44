import mongoose from 'mongoose';

/**
 * Human ticket numbers like SH20261128-000123: the date in Shanghai time and
 * a per-day sequence from an atomically incremented counter document. Numbers
 * sort by issue order (six digits cover 999,999 a day; the busiest day on
 * record is 58,000). A number burnt by a failed insert leaves a harmless gap.
 */
const counters = () => mongoose.connection.collection<{ _id: string; seq: number }>('counters');

export function shanghaiDate(now: Date): string {
  const shifted = new Date(now.getTime() + 8 * 60 * 60 * 1000);
  return shifted.toISOString().slice(0, 10).replaceAll('-', '');
}

export async function nextTicketNo(now = new Date()): Promise<string> {
  const day = shanghaiDate(now);
  const counter = await counters().findOneAndUpdate(
    { _id: `ticket:${day}` },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  return `SH${day}-${String(counter!.seq).padStart(6, '0')}`;
}
