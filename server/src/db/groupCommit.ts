import { DUPLICATE_KEY } from './errors';

type Pending<T> = { item: T; resolve: () => void; reject: (err: unknown) => void };

/**
 * Group commit: while one write is in flight, the items that arrive meanwhile
 * queue up and go together in the next one. With nothing in flight, the first
 * item waits only for the rest of the current event-loop turn (`setImmediate`),
 * so the requests read from the sockets in the same turn share its write: no
 * timed window, so at low load no added latency; each command costs our
 * process ~0.3 ms (the driver, BSON, a socket write and read), and a submit
 * makes three (docs/ARCHITECTURE.md, "Submit path: our server's CPU"). Under load many share one
 * write command — on the embedded database one SQLite transaction instead of
 * one each, and a transaction (its WAL sync, and SQLite's single writer) is
 * what a write costs there (docs/ARCHITECTURE.md, "Speed").
 *
 * `write` gets a batch and either succeeds for all of it or throws. A throw
 * that carries the driver's `writeErrors` (an unordered bulk write) fails only
 * the items it names, by index; any other throw fails the whole batch. Each
 * caller's promise settles with its own item's outcome.
 */
export function createGroupCommit<T>(write: (items: T[]) => Promise<unknown>, opts: { maxBatch?: number } = {}) {
  const maxBatch = opts.maxBatch ?? 200;
  let queue: Pending<T>[] = [];
  let writing = false;
  let scheduled = false;

  async function flush(): Promise<void> {
    writing = true;
    while (queue.length) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await write(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (err) {
        settleAfterError(batch, err);
      }
    }
    writing = false;
  }

  return {
    add(item: T): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!writing && !scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            if (!writing) void flush();
          });
        }
      });
    },
  };
}

function settleAfterError<T>(batch: Pending<T>[], err: unknown) {
  const writeErrors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  if (!writeErrors) {
    // Not a per-item failure (connection, server, a command error): every caller gets it.
    for (const p of batch) p.reject(err);
    return;
  }
  const list = (Array.isArray(writeErrors) ? writeErrors : Object.values(writeErrors as object)) as { index?: number; code?: number; errmsg?: string; err?: { index?: number; code?: number; errmsg?: string } }[];
  const failed = new Map<number, { code?: number; errmsg?: string }>();
  for (const w of list) failed.set((w.index ?? w.err?.index)!, { code: w.code ?? w.err?.code, errmsg: w.errmsg ?? w.err?.errmsg });
  batch.forEach((p, i) => {
    const f = failed.get(i);
    if (!f) return p.resolve();
    p.reject(Object.assign(new Error(f.errmsg ?? 'write failed'), { code: f.code ?? (f.errmsg?.includes('E11000') ? DUPLICATE_KEY : undefined) }));
  });
}
