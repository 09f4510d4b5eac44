import { isFerretDb } from './dialect';

/**
 * One write command in flight per process on the embedded database.
 *
 * Why: SQLite has one writer. When a second FerretDB connection wants to write
 * while one transaction holds the lock, SQLite's default busy handler puts it
 * to sleep for 1, 2, 5, 10, 15, 20, 25… ms and tries again — long after the
 * lock was free. Under submit load (a rate-limit write, an outbox insert and
 * a report insert per submit, from many requests at once) FerretDB sat mostly
 * idle with its writes asleep in that handler (goroutine dumps of bench:submit:
 * `sqliteDefaultBusyCallback` under `UpdateAll` and `InsertAll`), and our
 * process waited for them. Taking turns here instead costs nothing: the writes
 * could not overlap inside SQLite anyway, and the group commits
 * (groupCommit.ts) gather more items while they wait.
 *
 * On MongoDB writes run concurrently, so the gate is open there. It orders
 * only this process's writes; other processes on the same embedded database
 * still meet SQLite's busy handler (fewer of them).
 */
let tail: Promise<unknown> = Promise.resolve();

export function throughWriteGate<T>(write: () => Promise<T>): Promise<T> {
  if (!isFerretDb()) return write();
  const run = tail.then(write, write);
  tail = run.catch(() => {});
  return run;
}
