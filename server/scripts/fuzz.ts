/**
 * Fuzzes the live server against its own OpenAPI document with schemathesis
 * (installed by `node scripts/ensure.mjs fuzz` into .data/venv). Starts the
 * real server process (src/main.ts) on the test database, signs in a
 * resident and a staff member, and runs schemathesis once per audience with
 * that audience's token. Fails on any 5xx and on any answer that breaks the
 * document (status code, content type, headers, body schema).
 *   node --import=tsx scripts/with-database.ts node --import=tsx scripts/fuzz.ts
 * FUZZ_MAX_EXAMPLES (default 25) bounds the cases per operation.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/db/embeddedDatabase';
import { REPO_ROOT } from '../src/config';
import { startServerProcess, stopServerProcess } from '../test/serverProcess';

const ST = path.join(REPO_ROOT, '.data/venv/bin/schemathesis');
if (!existsSync(ST)) {
  console.error(`schemathesis is not installed: run node scripts/ensure.mjs fuzz`);
  process.exit(2);
}
const dbUri = process.env.TEST_MONGODB_URI;
if (!dbUri) throw new Error('run through scripts/with-database.ts');
const WORK_DIR = path.join(REPO_ROOT, '.data/fuzz');
mkdirSync(WORK_DIR, { recursive: true });
const maxExamples = process.env.FUZZ_MAX_EXAMPLES ?? '25';
const METRICS_TOKEN = 'fuzz-metrics-token-0123456789';
const ADMIN_PASSWORD = 'fuzz-console-passphrase';

const port = await freePort();
const server = await startServerProcess({
  MONGODB_URI: `${dbUri}/fuzz_${Date.now()}`,
  NODE_ENV: 'test',
  PORT: String(port),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'error',
  ADMIN_PASSWORD,
  METRICS_TOKEN,
  DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ssp-fuzz-')),
  JWT_SECRET: 'fuzz-jwt-secret-0123456789-0123456789',
  PIPELINE_SECRET: 'fuzz-pipeline-secret-0123456789',
});
const base = `http://127.0.0.1:${port}`;

async function signIn(pathname: string, body: unknown): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${pathname}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
const resident = await signIn('wechat-login', { code: 'fuzz-resident' });
const staff = await signIn('admin-login', { username: 'admin', password: ADMIN_PASSWORD });

// Operations the document marks `x-fuzz: false` (each says why in its *Api.ts).
const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId?: string; 'x-fuzz'?: boolean }>> };
const skipped = Object.values(doc.paths).flatMap((item) => Object.values(item).filter((o) => o['x-fuzz'] === false).map((o) => o.operationId!));

const checks = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_headers_conformance', 'response_schema_conformance'].join(',');

/** `stateful` follows the document's links (e.g. file a report, then act on its id); only audiences that have links get it. */
function schemathesis(label: string, tags: string[], token: string | null, opts: { stateful?: boolean } = {}): Promise<number> {
  const args = [
    'run',
    `${base}/api/v1/openapi.json`,
    '--checks',
    checks,
    '--max-examples',
    maxExamples,
    '--phases',
    `examples,coverage,fuzzing${opts.stateful ? ',stateful' : ''}`,
    '--request-timeout',
    '15',
    '--workers',
    '1',
    '--seed',
    process.env.FUZZ_SEED ?? '20261129',
    '--generation-deterministic',
    ...tags.flatMap((tag) => ['--include-tag', tag]),
    ...skipped.flatMap((id) => ['--exclude-operation-id', id]),
    ...(token ? ['-H', `Authorization: Bearer ${token}`] : []),
  ];
  console.log(`\n[fuzz] ${label}: schemathesis ${args.filter((a) => !a.startsWith('Authorization')).join(' ')}`);
  return new Promise((resolve) => {
    // Its cache and reports go under .data, not into the working tree.
    // Piped, not inherited: schemathesis closes with pytest-style "=== 2 warnings in 14s ===" lines, which
    // a reader of the CI log takes for an empty pytest run. They are printed as "[fuzz] …" instead.
    const child = spawn(ST, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: WORK_DIR, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } });
    const forward = (input: NodeJS.ReadableStream, output: NodeJS.WritableStream) =>
      createInterface({ input }).on('line', (line) => {
        const banner = /^=+ (.*?) =+$/.exec(line.trim());
        output.write(`${banner ? `[fuzz] ${banner[1]}` : line}\n`);
      });
    forward(child.stdout!, process.stdout);
    forward(child.stderr!, process.stderr);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

if (skipped.length) console.log(`[fuzz] not fuzzed (x-fuzz: false): ${skipped.join(', ')}`);
const t0 = Date.now();
const results: [string, number][] = [];
try {
  results.push(['public', await schemathesis('public operations, no token', ['public', 'pipeline'], null)]);
  results.push(['internal', await schemathesis('metrics, METRICS_TOKEN', ['internal'], METRICS_TOKEN)]);
  results.push(['resident', await schemathesis('resident operations, resident token', ['resident'], resident, { stateful: true })]);
  results.push(['staff', await schemathesis('staff operations, staff token', ['staff'], staff, { stateful: true })]);
} finally {
  await stopServerProcess(server);
}
console.log(`\n[fuzz] ${results.map(([l, c]) => `${l}: ${c === 0 ? 'ok' : `FAILED (${c})`}`).join(', ')} in ${Math.round((Date.now() - t0) / 1000)} s`);
process.exit(results.every(([, c]) => c === 0) ? 0 : 1);
