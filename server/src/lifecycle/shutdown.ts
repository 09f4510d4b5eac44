import type http from 'node:http';

/**
 * Graceful stop for the HTTP side: stop accepting connections, let requests
 * in flight finish (up to `graceMs`), tell keep-alive clients to go away, and
 * only then cut what is left. The caller then stops the background workers
 * (each waits for its pass in progress) and closes the database, so nothing a
 * request or a pass is writing is cut in half.
 */
export function gracefulServer(server: http.Server, opts: { graceMs: number }) {
  let draining = false;
  let inFlight = 0;
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    res.once('close', () => inFlight--);
    // A request that arrives on an open keep-alive connection while draining
    // is still answered, but the client is told not to send another on it.
    if (draining) res.setHeader('Connection', 'close');
  });

  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    /** Resolves when every connection is closed; `forced` when the grace period ran out first. */
    async drain(): Promise<{ forced: boolean }> {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Connections that were busy become idle when their response ends: close those too.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.graceMs)));
      const result = await Promise.race([closed.then(() => 'closed' as const), timedOut]);
      clearInterval(sweep);
      clearTimeout(timer);
      if (result === 'timeout') {
        server.closeAllConnections();
        await closed;
      }
      return { forced: result === 'timeout' };
    },
  };
}
