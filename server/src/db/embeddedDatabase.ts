import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { REPO_ROOT } from '../config';

/**
 * Provisions a local MongoDB-protocol server when MONGODB_URI is not set, so
 * `npm start` and the tests run on a real database with nothing to install by
 * hand. In order of preference:
 *   1. `mongod` on PATH;
 *   2. FerretDB v1.24 (SQLite backend), built from the Go module proxy on
 *      first use (see tools/ferretdb/main.go for why it is a small wrapper);
 *   3. mongodb-memory-server-core, if installed (downloads mongod; needs internet).
 */
export interface EmbeddedDatabase {
  uri: string;
  engine: 'mongod' | 'ferretdb' | 'mongodb-memory-server';
  /** the server's process id, when it is a child process (benchmarks read its CPU time) */
  pid?: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  log?: (line: string) => void;
}


/** Where a running server notes the address of its embedded database (for db:export/db:import). */
export function embeddedUriFile(dataDir: string): string {
  return path.join(dataDir, 'embedded-db.uri');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function onPath(bin: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Builds the FerretDB wrapper (patched, see tools/ferretdb/README.md) if it is missing; returns its path or null when Go is absent. */
export function ensureFerretDb(): string | null {
  if (process.env.FERRETDB_BIN && existsSync(process.env.FERRETDB_BIN)) return process.env.FERRETDB_BIN;
  if (!onPath('go')) return null;
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools/ferretdb/build.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('building FerretDB failed (see output above)');
  return r.stdout.trim().split('\n').pop()!;
}

async function waitReady(uri: string, child: ChildProcess | null, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`database process exited with code ${child.exitCode}`);
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await client.close().catch(() => {});
    }
  }
  throw new Error(`database did not become ready in ${timeoutMs} ms: ${(lastError as Error)?.message}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startProcess(engine: 'mongod' | 'ferretdb', bin: string, args: string[], uri: string, log: (l: string) => void): Promise<EmbeddedDatabase> {
  // stdin stays a pipe: if this process dies hard, the pipe closes and FerretDB stops too.
  const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const cleanup = () => child.kill('SIGTERM');
  process.once('exit', cleanup);
  try {
    await waitReady(uri, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  log(`database: ${engine} at ${uri}`);
  return {
    uri,
    engine,
    pid: child.pid,
    async stop() {
      process.off('exit', cleanup);
      await stopChild(child);
    },
  };
}

/**
 * Runs a given FerretDB build (see tools/ferretdb/build.mjs) on a free port:
 * the differential test and the data benchmark compare the patched build with
 * FerretDB as released (`upstream`).
 */
export async function startFerretDbBuild(which: 'patched' | 'upstream', dataDir: string, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  let bin = which === 'patched' ? ensureFerretDb() : null;
  if (which === 'upstream') {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools/ferretdb/build.mjs'), '--upstream'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error('building upstream FerretDB failed (see output above)');
    bin = r.stdout.trim().split('\n').pop()!;
  }
  if (!bin) throw new Error('FerretDB needs Go to build');
  const port = await freePort();
  mkdirSync(dataDir, { recursive: true });
  return startProcess('ferretdb', bin, ['-listen-addr', `127.0.0.1:${port}`, '-data-dir', dataDir, '-log-level', 'error', '-exit-on-stdin-close'], `mongodb://127.0.0.1:${port}`, log);
}

export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}`;

  const mongod = onPath('mongod');
  if (mongod) {
    const dbpath = path.join(options.dataDir, 'mongod');
    mkdirSync(dbpath, { recursive: true });
    return startProcess('mongod', mongod, ['--dbpath', dbpath, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'], uri, log);
  }

  const ferret = ensureFerretDb();
  if (ferret) {
    const dataDir = path.join(options.dataDir, 'ferretdb');
    return startProcess(
      'ferretdb',
      ferret,
      ['-listen-addr', `127.0.0.1:${port}`, '-data-dir', dataDir, '-log-level', 'error', '-exit-on-stdin-close'],
      uri,
      log,
    );
  }

  try {
    const pkg = 'mongodb-memory-server-core';
    const { MongoMemoryServer } = (await import(pkg)) as {
      MongoMemoryServer: { create(): Promise<{ getUri(): string; stop(): Promise<boolean> }> };
    };
    const server = await MongoMemoryServer.create();
    log('database: mongodb-memory-server');
    return { uri: server.getUri().replace(/\/$/, ''), engine: 'mongodb-memory-server', stop: async () => void (await server.stop()) };
  } catch (err) {
    throw new Error(
      'No MongoDB-protocol server available: set MONGODB_URI, put mongod on PATH, install Go (for FerretDB), ' +
        `or install mongodb-memory-server-core with internet access. (${(err as Error).message})`,
      { cause: err },
    );
  }
}
