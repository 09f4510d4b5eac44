import type { Logger } from './log';

/**
 * Runs `pass` every `everyMs` in the background, one pass at a time (the next
 * is scheduled when the last has finished, so a slow pass never overlaps
 * itself). A failing pass is logged and the schedule goes on. `stop()` waits
 * for a pass in progress, so shutdown does not cut one in half.
 */
export function periodic(what: string, pass: () => Promise<unknown>, opts: { everyMs: number; log: Logger; firstAfterMs?: number }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  function schedule(ms: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .catch((err) => opts.log.warn(`${what} failed`, { error: err }))
        .finally(() => {
          running = null;
          schedule(opts.everyMs);
        });
    }, ms);
    timer.unref();
  }

  return {
    get running() {
      return !stopped;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(opts.firstAfterMs ?? 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
