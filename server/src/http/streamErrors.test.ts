import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startTestServer } from '../../test/harness';
import type { Logger } from '../log';

// A client that leaves in the middle of a download (a resident closing the page while a large file loads) used to
// reach Koa's default error printer: a multi-line stack on stderr, in a log that is otherwise one JSON object a line.
test('a client leaving mid-download is logged as one debug line, not as a stack on stderr', async (t) => {
  const dist = mkdtempSync(path.join(os.tmpdir(), 'ssp-h5-'));
  mkdirSync(dist, { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>t</title>');
  // Far larger than the socket buffers, so the stream is still being piped when the client goes.
  writeFileSync(path.join(dist, 'big.js'), Buffer.alloc(64 * 1024 * 1024, 0x61));
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log: Logger = {
    debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
  };
  const stderr: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void stderr.push(args.join(' '));
  const s = await startTestServer({ h5Dist: dist, log });
  t.teardown(() => {
    console.error = original;
    rmSync(dist, { recursive: true, force: true });
    return s.close();
  });
  await new Promise<void>((resolve, reject) => {
    const req = http.get(`${s.baseUrl}/big.js`, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) => (err.message.includes('socket hang up') || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
  });
  const deadline = Date.now() + 20_000;
  const closed = () => lines.find((l) => l.msg === 'client closed the connection before the response was sent');
  while (!closed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.truthy(closed(), JSON.stringify(lines.filter((l) => l.level !== 'info')));
  t.is(closed()!.fields?.path, '/big.js');
  t.is(closed()!.level, 'debug');
  t.deepEqual(lines.filter((l) => l.level === 'error'), []);
  t.deepEqual(stderr.filter((l) => l.includes('Premature close') || l.includes('ERR_STREAM')), []);
});
