/**
 * The in-process rollup writer, run on a worker thread of the API's process (`npm start` stays one process).
 *
 * Why: the writer's Node work — its facts' differences, the journal's JSON, hotspot detection, and the driver's
 * encoding and decoding of its commands, the reads of busy geo cells among them — ran on the event loop that
 * serves the API, and the submits' slowest 1 % waited for it while no writer command was in flight (README,
 * "tenth pass"; docs/LOG.md, "rollupjit"); slicing it into 4 ms pieces still left in-process submit p99 ~20 %
 * over off, where the writer in its own process was within a few per cent. On its own thread the writer has
 * its own event loop, heap and garbage collector, and its own connection pool; what stays on the API's thread
 * is `factOf` of each stored report (what the `stored` event's document is turned into, a few µs) and one
 * message per event-loop turn with the facts heard in it.
 *
 * The writer itself (rollupWriter.ts) is unchanged: one serial writer, its journal, its guards, its scan. The
 * thread is started at the first call (the database is connected by then: createApp does not connect), and
 * connects where the API's thread did (`databaseSettings`). Without that (a process connected otherwise), or
 * with the writer off, the writer runs on the calling thread as before.
 *
 * Messages are handled in the order sent, so facts heard before a call (`drain`) are the writer's before the
 * call runs. If the thread dies (an uncaught error), the calls in flight fail, the error is logged, and the
 * next call starts a new one (its journal replay and scan recover what the dead one had not written).
 */
import { Worker } from 'node:worker_threads';
import { databaseSettings } from '../db/connect';
import type { Logger } from '../log';
import { factOf, type Fact, type ReportLike } from './contribution';
import { createRollupWriter, type HotspotAnnouncement } from './rollupWriter';

type WriterDeps = Parameters<typeof createRollupWriter>[0];
/** The writer's settings that cross to its thread (plain values). */
export type WriterSettings = Omit<WriterDeps, 'repo' | 'log' | 'announce'>;
type Engine = ReturnType<typeof createRollupWriter>;
export type WriterLag = ReturnType<Engine['lag']>;
type RebuildResult = Awaited<ReturnType<Engine['rebuild']>>;

export interface WriterThreadOptions {
  uri: string;
  dbName?: string;
  /** whether hotspots are announced (the connector has `announce`): the thread asks this thread to send them */
  announce: boolean;
  writer: WriterSettings;
}
type Method = 'drain' | 'settle' | 'rebuild' | 'start' | 'stop' | 'lag';
export type ToWriter =
  | { t: 'heard'; items: [string, Fact | null][] }
  | { t: 'call'; id: number; method: Method }
  | { t: 'announced'; id: number; error?: string };
export type ToMain =
  | { t: 'log'; level: keyof Logger; msg: string; fields?: Record<string, unknown> }
  | { t: 'announce'; id: number; payload: HotspotAnnouncement }
  | { t: 'result'; id: number; value?: unknown; error?: { message: string } };

/** What app.ts and its callers use of the writer, wherever it runs. */
export interface RollupWriterHandle {
  enqueue(id: string, report?: ReportLike): void;
  drain(): Promise<void>;
  settle(): Promise<void>;
  rebuild(): Promise<RebuildResult>;
  start(): void;
  stop(): Promise<void>;
  lag(): Promise<WriterLag>;
  /** where it runs (the bench prints it) */
  readonly where: 'thread' | 'here';
}

/** The writer on this thread (writer off, or no database settings to give a thread). */
function here(engine: Engine): RollupWriterHandle {
  return {
    enqueue: (id, report) => engine.enqueue(id, report),
    drain: () => engine.drain(),
    settle: () => engine.settle(),
    rebuild: () => engine.rebuild(),
    start: () => void engine.start(),
    stop: () => engine.stop(),
    lag: async () => engine.lag(),
    where: 'here',
  };
}

export function createRollupWriterThread(deps: WriterDeps): RollupWriterHandle {
  // (the repository stays here: the thread makes its own, on its own connection)
  const { repo: _repo, log, announce, ...settings } = deps;
  if (settings.enabled === false) return here(createRollupWriter(deps));
  let local: RollupWriterHandle | null = null;
  let worker: Worker | null = null;
  let started = false;
  let nextCall = 1;
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let heard: [string, Fact | null][] = [];
  let flushing = false;

  const spawn = (): Worker | null => {
    if (worker || local) return worker;
    const db = databaseSettings();
    if (!db) {
      local = here(createRollupWriter(deps));
      if (started) local.start();
      return null;
    }
    // A worker thread does not inherit the process's `--import=tsx` (Node 20): it registers tsx itself, then
    // loads its TypeScript entry.
    const entry = new URL('./writerThreadMain.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const w = new Worker(boot, {
      eval: true,
      workerData: { uri: db.uri, dbName: db.dbName, announce: Boolean(announce), writer: settings } satisfies WriterThreadOptions,
    });
    // The process's life is its server's: an idle writer thread does not keep it up (its timers are unref'd as they were).
    w.unref();
    w.on('message', (m: ToMain) => {
      if (m.t === 'log') log[m.level](m.msg, m.fields);
      else if (m.t === 'announce') {
        announce!(m.payload).then(
          () => w.postMessage({ t: 'announced', id: m.id } satisfies ToWriter),
          (err: unknown) => w.postMessage({ t: 'announced', id: m.id, error: (err as Error)?.message ?? String(err) } satisfies ToWriter),
        );
      } else if (m.t === 'result') {
        const c = calls.get(m.id);
        calls.delete(m.id);
        if (!calls.size) w.unref();
        if (m.error) c?.reject(Object.assign(new Error(m.error.message), m.error));
        else c?.resolve(m.value);
      }
    });
    const dead = (err: Error) => {
      if (worker !== w) return;
      worker = null;
      log.error('insight: the rollup writer thread stopped', { error: err });
      for (const c of calls.values()) c.reject(err);
      calls.clear();
    };
    w.on('error', dead);
    w.on('exit', (code) => dead(new Error(`rollup writer thread exited (${code})`)));
    worker = w;
    // A new thread after a dead one: running again, as it was.
    if (started) post({ t: 'call', id: nextCall++, method: 'start' });
    return w;
  };
  const post = (m: ToWriter) => worker!.postMessage(m);
  const flush = () => {
    flushing = false;
    if (!heard.length) return;
    const items = heard;
    heard = [];
    const w = spawn();
    if (w) post({ t: 'heard', items });
    else for (const [id] of items) local!.enqueue(id); // (not reached: local is chosen before anything is heard)
  };
  const call = <T>(method: Method): Promise<T> => {
    flush();
    const w = spawn();
    if (!w) return Promise.resolve(local![method]()) as Promise<T>;
    const id = nextCall++;
    const p = new Promise<T>((resolve, reject) => calls.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    w.ref(); // an answer is awaited
    post({ t: 'call', id, method });
    return p;
  };

  return {
    enqueue(id, report) {
      if (local) return local.enqueue(id, report);
      if (!worker && !databaseSettings()) {
        spawn();
        return local!.enqueue(id, report);
      }
      // The fact here (the document is this thread's), sent with the others heard in this turn of the loop.
      heard.push([id, report ? factOf(report) : null]);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
    drain: () => call('drain'),
    settle: () => call('settle'),
    rebuild: () => call('rebuild'),
    lag: () => call('lag'),
    start() {
      started = true;
      if (local) return local.start();
      call('start').catch((err: unknown) => log.warn('insight: the rollup writer did not start', { error: err }));
    },
    async stop() {
      started = false;
      if (local) return local.stop();
      // (reports heard and not yet sent are sent and written: the writer's stop writes what it holds)
      if (!worker && !heard.length) return;
      await call('stop');
      const w = worker;
      worker = null;
      await w?.terminate();
    },
    get where() {
      return local ? ('here' as const) : ('thread' as const);
    },
  };
}
