import { spawn, type ChildProcess } from 'node:child_process';

/** Quotas out of the way, for load and fault tests that file thousands of reports as a few residents. */
export const NO_QUOTAS = {
  RATE_REPORTS_PER_HOUR: '100000000',
  RATE_REPORTS_PER_DAY: '100000000',
  RATE_UPLOADS_PER_HOUR: '100000000',
  RATE_FOLLOWUPS_PER_TICKET_PER_HOUR: '100000000',
  RATE_SIMILAR_PER_HOUR: '100000000',
  RATE_GEO_PER_HOUR: '100000000',
};

/**
 * Our server as its own process (`src/main.ts`, as `npm start` runs it), for
 * the fault test and the benchmarks: resolves once it says it is running.
 * `nodeArgs` go to node before the script (a benchmark's `--cpu-prof`).
 */
// 300 s by default: a process that trains its first model before it listens (a cold classifier cache) took more than
// 60 s in a CI run on a machine loaded to 20; the wait only matters when something is wrong.
export function startServerProcess(env: NodeJS.ProcessEnv, nodeArgs: string[] = [], startMs = 300_000): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import=tsx', 'src/main.ts'], { env: { NODE_ENV: 'test', ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    // Not left running when it is given up on (it would hold the test's process open).
    const timer = setTimeout(() => (child.kill('SIGTERM'), reject(new Error(`server did not start within ${startMs / 1000} s`))), startMs);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('is running')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => code !== null && code !== 0 && reject(new Error(`server exited ${code}`)));
  });
}

/** SIGTERM, and wait until it has exited. */
export function stopServerProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
