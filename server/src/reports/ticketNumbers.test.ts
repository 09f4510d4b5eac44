import test from 'ava';
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../../test/harness';
import { insertRawReports } from '../../test/reportStore';
import { createTicketNumberAllocator, shanghaiDate } from './ticketNumbers';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.close();
});

const raw = (ticketNo: string, createdAt: string) => ({
  _id: new mongoose.Types.ObjectId().toHexString(),
  ticketNo,
  citizenId: new mongoose.Types.ObjectId(),
  idempotencyKey: ticketNo,
  createdAt: new Date(createdAt),
  updatedAt: new Date(createdAt),
});

test('a day whose counter is new continues after the numbers issued that day (Asia/Shanghai day, read by createdAt)', async (t) => {
  // Numbers issued before the counters existed (or with a counter lost), on days nothing else uses.
  await insertRawReports([
    raw('SH20310304-000007', '2031-03-04T09:00:00+08:00'),
    // 00:30 in Shanghai is still the previous day in UTC: it belongs to the 4th.
    raw('SH20310304-000120', '2031-03-04T00:30:00+08:00'),
    raw('SH20310303-000500', '2031-03-03T23:59:59+08:00'),
    raw('SH20310305-000999', '2031-03-05T08:00:00+08:00'),
  ]);
  const numbers = createTicketNumberAllocator(s.services.repo);
  t.is(await numbers.propose(new Date('2031-03-04T10:00:00+08:00')), 'SH20310304-000121');
  t.is(await numbers.propose(new Date('2031-03-04T10:00:01+08:00')), 'SH20310304-000122');
  t.is(await numbers.propose(new Date('2031-03-05T10:00:00+08:00')), 'SH20310305-001000');
  // A day with nothing issued starts at 1.
  t.is(await numbers.propose(new Date('2031-03-06T10:00:00+08:00')), 'SH20310306-000001');
});

test('the ticket day is Shanghai\'s, at both sides of midnight and back again (the day is remembered between calls)', (t) => {
  const at = (iso: string) => shanghaiDate(new Date(iso));
  t.is(at('2026-11-29T15:59:59.999Z'), '20261129');
  t.is(at('2026-11-29T16:00:00.000Z'), '20261130');
  t.is(at('2026-11-29T15:59:59.999Z'), '20261129');
  t.is(at('2026-11-30T15:59:59.999Z'), '20261130');
  t.is(at('2026-12-31T16:00:00.000Z'), '20270101');
  t.is(at('2026-11-30T00:00:00.000Z'), '20261130');
  t.is(at('1970-01-01T00:00:00.000Z'), '19700101');
});
