import test from 'ava';
import { newReportId } from './reportRepository';

// Ids are drawn from a pool of random bytes (reportModel.ts): across several refills every id is new and well-formed.
test('report ids are 24 hex characters, all different, across refills of their random pool', (t) => {
  const ids = Array.from({ length: 2000 }, () => newReportId());
  t.true(ids.every((id) => /^[0-9a-f]{24}$/.test(id)));
  t.is(new Set(ids).size, ids.length);
  // Not a counter: consecutive ids share no long prefix (96 random bits each).
  const shared = ids.slice(1).filter((id, i) => id.slice(0, 8) === ids[i].slice(0, 8)).length;
  t.true(shared <= 1);
});
