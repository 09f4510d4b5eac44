/**
 * Preloaded into our server by bench:submit when BENCH_TRACE=<file> is set (`node --import=./bench/submitTrace.ts`):
 * records, for finding what makes a submit's slowest 1 %, with the time each happened (ms since the process began,
 * `performance.now()`):
 *  - each HTTP request: start and duration (node's `http.server.request.start` / `response.finish` channels);
 *  - each database command our server sends (`Db.prototype.command`, which the group commits use):
 *    its name, collection, statement count and duration (the wait for FerretDB, its queue included);
 *  - event-loop stalls: a 5 ms timer that fires late by more than 10 ms;
 *  - garbage collections (PerformanceObserver 'gc'): start, duration, kind.
 * Written as one JSON line per event to the file at exit (SIGTERM included); nothing is
 * recorded without BENCH_TRACE, and the server's code is not changed by it.
 */
import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import mongoose from 'mongoose';

const file = process.env.BENCH_TRACE;
if (file) {
  const events: unknown[] = [{ e: 'origin', t: 0, origin: performance.timeOrigin }];
  const started = new WeakMap<object, number>();
  diagnostics.subscribe('http.server.request.start', (m) => {
    const { request } = m as { request: IncomingMessage };
    started.set(request, performance.now());
  });
  diagnostics.subscribe('http.server.response.finish', (m) => {
    const { request, response } = m as { request: IncomingMessage; response: ServerResponse };
    const t0 = started.get(request);
    if (t0 !== undefined) events.push({ e: 'req', t: t0, d: performance.now() - t0, s: response.statusCode, u: request.url });
  });

  const Db = mongoose.mongo.Db;
  const command = Db.prototype.command;
  Db.prototype.command = async function (this: InstanceType<typeof Db>, cmd: Record<string, unknown>, ...rest: unknown[]) {
    const t0 = performance.now();
    try {
      return await (command as (...a: unknown[]) => Promise<unknown>).call(this, cmd, ...rest);
    } finally {
      const name = Object.keys(cmd)[0];
      const n = (cmd.documents as unknown[] | undefined)?.length ?? (cmd.updates as unknown[] | undefined)?.length ?? 1;
      events.push({ e: 'db', t: t0, d: performance.now() - t0, c: `${name}:${String(cmd[name])}`, n });
    }
  } as typeof command;

  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 15) events.push({ e: 'stall', t: last, d: now - last - 5 });
    last = now;
  }, 5).unref();

  new PerformanceObserver((list) => {
    for (const g of list.getEntries()) events.push({ e: 'gc', t: g.startTime, d: g.duration, k: (g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind });
  }).observe({ entryTypes: ['gc'] });

  const dump = () => writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  process.on('exit', dump);
}
