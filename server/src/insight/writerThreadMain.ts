/**
 * The rollup writer's worker thread (started by writerThread.ts; not run on its own). It has its own
 * mongoose, connected to the database the API's thread prepared, its own report repository (the writer reads
 * reports by id, by `updatedAt` and, to rebuild, in pages) and one rollup writer, which it runs exactly as
 * the API's thread used to: the facts it is told (`heard`), its calls (drain, settle, rebuild, start, stop,
 * lag) answered by id. Its log lines and its hotspot announcements go to the API's thread, which owns the
 * logger and the pipeline's connector.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import mongoose from 'mongoose';
import { attachDatabase } from '../db/connect';
import type { Logger } from '../log';
import { createReportRepository } from '../reports/reportRepository';
import type { Fact } from './contribution';
import { createRollupWriter, type HotspotAnnouncement } from './rollupWriter';
import type { ToMain, ToWriter, WriterThreadOptions } from './writerThread';

const port = parentPort!;
const opts = workerData as WriterThreadOptions;
const send = (m: ToMain) => port.postMessage(m);

/** Errors as plain fields (a structured clone keeps an Error's message, not a driver error's code). */
const plain = (v: unknown): unknown =>
  v instanceof Error ? { name: v.name, message: v.message, stack: v.stack, ...('code' in v ? { code: (v as { code: unknown }).code } : {}) } : v;
const forward = (level: keyof Logger) => (msg: string, fields?: Record<string, unknown>) =>
  send({ t: 'log', level, msg, fields: fields && Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, plain(v)])) });
const log: Logger = { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };

let nextAnnounce = 1;
const announcing = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
const announce = opts.announce
  ? (payload: HotspotAnnouncement) =>
      new Promise<void>((resolve, reject) => {
        const id = nextAnnounce++;
        announcing.set(id, { resolve, reject });
        send({ t: 'announce', id, payload });
      })
  : null;

/**
 * This thread runs below the API's priority (nice 10, `PRIORITY_BELOW_NORMAL`): on a busy machine the OS gives
 * the CPU to the API's thread (and the database) first, and the writer takes what is left — the thread-level
 * form of "the writer yields to the submits" (its lag, INSIGHT_MAX_LAG_MS, is then a wish, not a bound, while the
 * CPU is saturated). On Linux a thread's nice value is its own: the thread's id (from /proc/thread-self) is
 * given to setpriority. Elsewhere, or where it is refused, the thread keeps the process's priority.
 */
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0 && tid !== process.pid) os.setPriority(tid, os.constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // not Linux, or not allowed: the same priority as the API's thread
}

// Messages posted before this point wait in the port's queue until the listener below is attached.
await attachDatabase(opts.uri, opts.dbName);
const writer = createRollupWriter({ ...opts.writer, repo: createReportRepository(), log, announce });

port.on('message', (m: ToWriter) => {
  if (m.t === 'heard') {
    for (const [id, fact] of m.items) writer.heard(id, fact as Fact | null);
    return;
  }
  if (m.t === 'announced') {
    const a = announcing.get(m.id);
    announcing.delete(m.id);
    if (m.error) a?.reject(new Error(m.error));
    else a?.resolve();
    return;
  }
  const run = async (): Promise<unknown> => {
    switch (m.method) {
      case 'drain':
        return writer.drain();
      case 'settle':
        return writer.settle();
      case 'rebuild':
        return writer.rebuild();
      case 'start':
        writer.start();
        return undefined;
      case 'lag':
        return writer.lag();
      case 'stop':
        await writer.stop();
        await mongoose.disconnect();
        return undefined;
    }
  };
  run().then(
    (value) => send({ t: 'result', id: m.id, value }),
    (err: unknown) => send({ t: 'result', id: m.id, error: plain(err) as { message: string } }),
  );
});
