/**
 * Reads a BENCH_TRACE file (bench/submitTrace.ts) for one window of a bench:submit run and says what the
 * slowest 1 % of submits overlapped:
 *   node --import=tsx bench/submitTraceReport.ts TRACE FROM_EPOCH_MS TO_EPOCH_MS [DB_START_EPOCH_MS]
 * (FROM/TO: the `from`/`to` of bench:submit's JSON line for the run, e.g. `oursRate`). Prints the latency
 * percentiles, the database commands' durations by kind, event-loop stalls and GC pauses in the window, and
 * for the slowest 1 % the stalls, GCs and slow commands that overlapped each (and, with the database's start
 * time, where the request fell in FerretDB's minute-long statistics cycle, patch 0007).
 */
import { readFileSync } from 'node:fs';

type Ev = { e: string; t: number; d: number; c?: string; n?: number; u?: string; s?: number; k?: number; origin?: number };
const [file, fromArg, toArg, dbStartArg] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ev);
const origin = lines.find((e) => e.e === 'origin')!.origin!;
const from = Number(fromArg) - origin;
const to = Number(toArg) - origin;
const inWindow = lines.filter((e) => e.t >= from && e.t <= to);
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `n ${s.length}  p50 ${pct(s, 50).toFixed(1)}  p90 ${pct(s, 90).toFixed(1)}  p99 ${pct(s, 99).toFixed(1)}  max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms`;
};

const reqs = inWindow.filter((e) => e.e === 'req' && e.u === '/api/v1/reports');
console.log(`submits in the server (request read → answer written): ${summary(reqs.map((r) => r.d))}`);
const kinds = new Map<string, Ev[]>();
for (const e of inWindow.filter((x) => x.e === 'db')) kinds.set(e.c!, [...(kinds.get(e.c!) ?? []), e]);
for (const [k, es] of kinds) console.log(`  db ${k.padEnd(24)} ${summary(es.map((e) => e.d))}  statements/command ${(es.reduce((a, e) => a + e.n!, 0) / es.length).toFixed(1)}`);
const stalls = inWindow.filter((e) => e.e === 'stall');
const gcs = inWindow.filter((e) => e.e === 'gc');
console.log(`event-loop stalls > 10 ms: ${stalls.length}, total ${stalls.reduce((a, e) => a + e.d, 0).toFixed(0)} ms, longest ${Math.max(0, ...stalls.map((e) => e.d)).toFixed(0)} ms`);
console.log(`GC: ${gcs.length} pauses, total ${gcs.reduce((a, e) => a + e.d, 0).toFixed(0)} ms, longest ${Math.max(0, ...gcs.map((e) => e.d)).toFixed(1)} ms`);

const overlaps = (r: Ev, e: Ev) => e.t < r.t + r.d && e.t + e.d > r.t;
const slow = [...reqs].sort((a, b) => b.d - a.d).slice(0, Math.max(1, Math.ceil(reqs.length / 100)));
console.log(`\nslowest 1 % (${slow.length}), by start time:`);
for (const r of slow.sort((a, b) => a.t - b.t)) {
  const st = stalls.filter((e) => overlaps(r, e)).reduce((a, e) => a + e.d, 0);
  const gc = gcs.filter((e) => overlaps(r, e)).reduce((a, e) => a + e.d, 0);
  const db = lines.filter((e) => e.e === 'db' && overlaps(r, e) && e.d > 20).map((e) => `${e.c}×${e.n} ${e.d.toFixed(0)}`);
  const cycle = dbStartArg ? `  ${(((r.t + origin - Number(dbStartArg)) / 1000) % 60).toFixed(1)} s into a stats minute` : '';
  console.log(`  +${((r.t - from) / 1000).toFixed(2)} s  ${r.d.toFixed(0)} ms  stalls ${st.toFixed(0)} ms  GC ${gc.toFixed(0)} ms${cycle}  slow commands: ${db.slice(0, 4).join(', ') || '-'}`);
}

// The window in 250 ms slices: when did latency build up?
console.log('\nper 250 ms: submits started, their max latency, the longest db command started, stall ms');
for (let t = from; t < to; t += 250) {
  const rs = reqs.filter((r) => r.t >= t && r.t < t + 250);
  const ds = inWindow.filter((e) => e.e === 'db' && e.t >= t && e.t < t + 250);
  const ss = stalls.filter((e) => e.t >= t && e.t < t + 250);
  const maxR = Math.max(0, ...rs.map((r) => r.d));
  if (maxR < 30) continue;
  const longest = ds.sort((a, b) => b.d - a.d)[0];
  console.log(`  +${((t - from) / 1000).toFixed(2)} s  ${String(rs.length).padStart(3)}  ${maxR.toFixed(0).padStart(5)} ms  ${longest ? `${longest.c}×${longest.n} ${longest.d.toFixed(0)} ms` : '-'}  ${ss.reduce((a, e) => a + e.d, 0).toFixed(0)}`);
}
