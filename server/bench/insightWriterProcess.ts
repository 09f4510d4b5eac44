/**
 * The 数据看板's rollup writer as its own instance (bench:insight's "on" run): it runs only the writer,
 * which finds reports the API instances stored by its catch-up scan (`INSIGHT_SCAN_MS`, default 30 s),
 * exactly as an instance with INSIGHT_WRITER=on next to API instances with INSIGHT_WRITER=off does. It prints
 * `ready` once it has caught up and its scan runs.
 */
import mongoose from 'mongoose';
import { writeFileSync } from 'node:fs';
import { tallyCommands } from './commandTally';
import { traceCommands } from './insightSubmitTrace';
import { connectDatabase } from '../src/db/connect';
import { createRollupWriter } from '../src/insight/rollupWriter';
import { createLogger, silentLogger } from '../src/log';
import { createReportRepository } from '../src/reports/reportRepository';

// BENCH_TALLY=1: what the writer asks of the database, printed (one JSON line on stderr) when it stops.
const tally = process.env.BENCH_TALLY === '1';
// WRITER_TRACE_FILE (bench:insight's BENCH_TRACE): every command after `ready`, left in that file at SIGTERM.
const traceFile = process.env.WRITER_TRACE_FILE;
await connectDatabase(tally || traceFile ? withMonitoring(process.env.MONGODB_URI!) : process.env.MONGODB_URI!, process.env.BENCH_DB);
const commands = tally ? tallyCommands(mongoose.connection.getClient()) : null;
const tracer = traceFile ? traceCommands(mongoose.connection.getClient()) : null;
const writer = createRollupWriter({ repo: createReportRepository(), log: process.env.BENCH_WRITER_LOG ? createLogger('debug', (l) => process.stderr.write(l + '\n')) : silentLogger, announce: null, scanMs: Number(process.env.INSIGHT_SCAN_MS ?? 30_000), maxLagMs: process.env.INSIGHT_MAX_LAG_MS ? Number(process.env.INSIGHT_MAX_LAG_MS) : undefined });
process.on('SIGTERM', () =>
  void writer.stop().then(() => {
    if (tracer) writeFileSync(traceFile!, JSON.stringify(tracer.take()));
    if (commands) process.stderr.write(`${JSON.stringify({ step: 'own-instance writer commands', ...commands.summary(), ...writer.lag() })}\n`);
    process.exit(0);
  }),
);
// Caught up first (reports filed while no writer ran, e.g. by the bench's "off" arm), then running: the
// bench measures the writer keeping up with the submits it measures, not a backlog or this process starting.
await writer.drain();
writer.start();
commands?.reset();
tracer?.take();
process.stdout.write('ready\n');

function withMonitoring(uri: string) {
  const u = new URL(uri);
  if (!u.pathname) u.pathname = '/';
  u.searchParams.set('monitorCommands', 'true');
  return u.toString();
}
