/**
 * Where a submit's time goes while the rollup writer works (issue 11, BENCH_TRACE=1 in bench:insight): what
 * the client waited, what the API's handler took and how much of it was waiting on the database, the API
 * process's event-loop delay, and what the writer asked of the database meanwhile — then the slowest 1 % of
 * submits lined up with it. Times are absolute (performance.timeOrigin + now, ms), so the writer's own process
 * (bench/insightWriterProcess.ts) can record its commands on the same clock and the bench joins both.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type Koa from 'koa';
import type mongoose from 'mongoose';

type MongoClient = mongoose.mongo.MongoClient;
export const nowMs = () => performance.timeOrigin + performance.now();

/** One command as the driver saw it: start (absolute ms), duration, and the request it ran for (0: none). */
export interface CommandSpan {
  t: number;
  ms: number;
  name: string;
  coll: string;
  items: number;
  req: number;
  /** an insert into reports: the reports' ids (the submits it belongs to, found by the ids the clients got back; concurrent submits' inserts are grouped) */
  docs?: string[];
}

/** The request a command runs for (set by the bench's first middleware). */
const request = new AsyncLocalStorage<{ id: number; dbMs: number; cmds: number; open: boolean }>();

/** Records every command of this client on `collections` (a prefix test) or all; light: no sizes. */
export function traceCommands(client: MongoClient, keep: (coll: string) => boolean = () => true) {
  let spans: CommandSpan[] = [];
  const open = new Map<number, CommandSpan>();
  client.on('commandStarted', (e) => {
    const cmd = e.command as Record<string, any>;
    const coll = String(cmd[e.commandName]);
    if (!keep(coll)) return;
    const items = e.commandName === 'insert' ? cmd.documents.length : e.commandName === 'update' ? cmd.updates.length : e.commandName === 'delete' ? cmd.deletes.length : 1;
    // A timer armed during a request (the in-process writer's tick) carries its context on: only a command
    // started while the request is still open is its own.
    const store = request.getStore();
    const s: CommandSpan = { t: nowMs(), ms: 0, name: e.commandName, coll, items, req: store?.open ? store.id : 0 };
    // (the async context does not survive the driver's connection pool under contention, so a submit's
    // report insert is found by its document's id instead)
    if (e.commandName === 'insert' && coll === 'reports') s.docs = cmd.documents.map((d: { _id: unknown }) => String(d._id));
    open.set(e.requestId, s);
  });
  const done = (e: { requestId: number; duration: number }) => {
    const s = open.get(e.requestId);
    if (!s) return;
    open.delete(e.requestId);
    s.ms = e.duration;
    spans.push(s);
    const store = request.getStore();
    if (store && s.req && store.id === s.req) {
      store.dbMs += e.duration;
      store.cmds++;
    }
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  return {
    take() {
      const s = spans;
      spans = [];
      return s;
    },
  };
}

/** Server side of each request: when the handler started and ended, and its database wait (summed command time). */
export interface ServerSpan {
  id: number;
  tIn: number;
  tOut: number;
  dbMs: number;
  cmds: number;
}

/** A first middleware that gives each request an id, its own store, and records its server-side span. */
export function traceRequests(app: Koa) {
  let next = 1;
  let spans: ServerSpan[] = [];
  app.middleware.unshift(async (ctx, nextMw) => {
    if (ctx.method !== 'POST' || ctx.path !== '/api/v1/reports') return nextMw();
    const store = { id: next++, dbMs: 0, cmds: 0, open: true };
    const tIn = nowMs();
    ctx.set('x-bench-req', String(store.id));
    try {
      await request.run(store, nextMw);
    } finally {
      store.open = false;
    }
    spans.push({ id: store.id, tIn, tOut: nowMs(), dbMs: store.dbMs, cmds: store.cmds });
  });
  return {
    take() {
      const s = spans;
      spans = [];
      return s;
    },
  };
}

/** The event loop's delay: a histogram over the arm, and a timeline of the stalls past `stallMs` (start, length). */
export function traceEventLoop(stallMs = 20) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const stalls: { t: number; ms: number }[] = [];
  let last = nowMs();
  const probe = setInterval(() => {
    const t = nowMs();
    const late = t - last - 10;
    if (late > stallMs) stalls.push({ t: last + 10, ms: late });
    last = t;
  }, 10);
  probe.unref();
  return {
    stop() {
      clearInterval(probe);
      h.disable();
      const ms = (x: number) => Math.round((x / 1e6) * 10) / 10;
      return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), stalls };
    },
  };
}

export interface ClientSpan {
  t0: number;
  t1: number;
  req: number;
  /** the report's id, as the answer gave it */
  id: string;
}

const q = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] * 10) / 10;
};
const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * Joins one arm's records: per submit its client time, the part before the handler ran (HTTP, the event
 * loop's queue), the handler's database wait and the rest (Node work and waits between commands), the event
 * loop's stalls and the writer's commands overlapping it; then the same for the slowest 1 % beside all.
 */
export function analyse(clients: ClientSpan[], servers: ServerSpan[], writer: CommandSpan[], loop: ReturnType<ReturnType<typeof traceEventLoop>['stop']>, api: CommandSpan[]) {
  const byId = new Map(servers.map((s) => [s.id, s]));
  const insertOf = new Map(api.flatMap((c) => (c.docs ?? []).map((d) => [d, c] as const)));
  const writes = writer.filter((c) => !['find', 'aggregate', 'count', 'getMore'].includes(c.name));
  const reads = writer.filter((c) => ['find', 'aggregate', 'count', 'getMore'].includes(c.name));
  const rows = clients.flatMap((c) => {
    const s = byId.get(c.req);
    if (!s) return [];
    const total = c.t1 - c.t0;
    const busyWith = (list: CommandSpan[]) => list.reduce((a, w) => a + overlap(c.t0, c.t1, w.t, w.t + w.ms), 0);
    return [
      {
        total,
        before: s.tIn - c.t0,
        handler: s.tOut - s.tIn,
        // the report insert: the submit's last write, queued on the database's one writer like the writer's
        insert: insertOf.get(c.id)?.ms ?? 0,
        after: c.t1 - s.tOut,
        stall: loop.stalls.reduce((a, x) => a + overlap(c.t0, c.t1, x.t, x.t + x.ms), 0),
        writerWrite: busyWith(writes),
        writerRead: busyWith(reads),
        t0: c.t0,
      },
    ];
  });
  rows.sort((a, b) => b.total - a.total);
  const slow = rows.slice(0, Math.max(1, Math.ceil(rows.length / 100)));
  const keys = ['total', 'before', 'handler', 'insert', 'after', 'stall', 'writerWrite', 'writerRead'] as const;
  const summary = (rs: typeof rows) => Object.fromEntries(keys.map((k) => [k, { p50: q(rs.map((r) => r[k]), 0.5), mean: Math.round((rs.reduce((a, r) => a + r[k], 0) / Math.max(1, rs.length)) * 10) / 10 }]));
  // Share of the slowest 1 % during which a writer write command was in flight, against all submits'.
  const share = (rs: typeof rows, k: 'writerWrite' | 'stall') => Math.round((rs.filter((r) => r[k] > 0).length / Math.max(1, rs.length)) * 100) / 100;
  const w = writes.map((c) => c.ms);
  const byKind = new Map<string, number[]>();
  for (const c of writes) byKind.set(`${c.name} ${c.coll}`, [...(byKind.get(`${c.name} ${c.coll}`) ?? []), c.ms]);
  return {
    submits: rows.length,
    all: summary(rows),
    slowest1pct: summary(slow),
    withWriterWrite: { all: share(rows, 'writerWrite'), slowest: share(slow, 'writerWrite') },
    withStall: { all: share(rows, 'stall'), slowest: share(slow, 'stall') },
    eventLoop: { p50: loop.p50, p99: loop.p99, max: loop.max, stallsOver20ms: loop.stalls.length, stallMsSum: Math.round(loop.stalls.reduce((a, x) => a + x.ms, 0)) },
    writerWrites: { n: w.length, p50: q(w, 0.5), p99: q(w, 0.99), max: q(w, 1), sum: Math.round(w.reduce((a, b) => a + b, 0)) },
    writerReads: { n: reads.length, sum: Math.round(reads.reduce((a, c) => a + c.ms, 0)) },
    writerWritesByKind: Object.fromEntries([...byKind].map(([k, xs]) => [k, { n: xs.length, max: q(xs, 1), sum: Math.round(xs.reduce((a, b) => a + b, 0)) }])),
  };
}
