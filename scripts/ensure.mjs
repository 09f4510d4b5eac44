#!/usr/bin/env node
// Installs what `npm start` / `npm test` need on a fresh clone, and nothing twice.
//   node scripts/ensure.mjs deps      npm packages (npm ci when node_modules is missing or stale)
//   node scripts/ensure.mjs runtime   deps + the embedded database (FerretDB, built with Go)
//   node scripts/ensure.mjs h5        build the H5 app if its sources changed since the last build
//   node scripts/ensure.mjs test      runtime + Chromium and CJK fonts for the browser tests
//   node scripts/ensure.mjs fuzz      schemathesis (PyPI, pinned) in a project-local venv, .data/venv
// Steps can be combined: `ensure.mjs runtime h5`.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { buildFerretDb } from '../tools/ferretdb/build.mjs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd, opts = {}) => execSync(cmd, { stdio: 'inherit', cwd: root, ...opts });
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
// on stderr: `npm run -s classify -- predict-file` runs this first, and its stdout must be JSON lines only
const say = (msg) => console.error(`[ensure] ${msg}`);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function deps() {
  const marker = path.join(root, 'node_modules/.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing npm packages (npm ci)…');
  run('npm ci --no-audit --no-fund', { stdio: ['inherit', 2, 2] });
}

function database() {
  if (process.env.MONGODB_URI || has('mongod') || process.env.FERRETDB_BIN) return;
  if (!has('go')) {
    say('no MONGODB_URI, no mongod and no Go: the server will try mongodb-memory-server (needs internet)');
    return;
  }
  buildFerretDb(say); // returns at once when the current build exists
}

function h5() {
  const index = path.join(root, 'miniprogram/dist/h5/index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(root, 'miniprogram/src')),
    newestMtime(path.join(root, 'miniprogram/config')),
    newestMtime(path.join(root, 'shared/src')),
  );
  if (built > sources) return say('H5 build is up to date');
  say('building the H5 app…');
  run('npm run build:h5 -w miniprogram');
}

function browser() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const fonts = existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
  if (existsSync(chromium) && fonts) return;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    throw new Error(`Chromium (${chromium}) and fonts-noto-cjk are needed for the browser tests: install them (Debian: apt-get install chromium fonts-noto-cjk)`);
  }
  say('installing Chromium and CJK fonts from Debian…');
  run('apt-get update -qq', { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run('apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk', { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The fuzzer behind `npm run test:fuzz`, pinned; reinstalled when the pin changes. */
const SCHEMATHESIS = '4.32.5';
function fuzz() {
  const venv = path.join(root, '.data/venv');
  const st = path.join(venv, 'bin/schemathesis');
  if (existsSync(st) && spawnSync(st, ['--version'], { encoding: 'utf8' }).stdout?.includes(SCHEMATHESIS)) return;
  if (!has('python3')) throw new Error('python3 (with venv) is needed for the API fuzzer: apt-get install python3-venv');
  say(`installing schemathesis ${SCHEMATHESIS} into .data/venv…`);
  if (!existsSync(path.join(venv, 'bin/pip'))) run(`python3 -m venv ${JSON.stringify(venv)}`);
  run(`${JSON.stringify(path.join(venv, 'bin/pip'))} install --quiet --disable-pip-version-check schemathesis==${SCHEMATHESIS}`);
}

const steps = { deps, runtime: () => (deps(), database()), h5, test: () => (deps(), database(), browser(), fuzz()), fuzz };
const wanted = process.argv.slice(2);
if (wanted.length === 0 || wanted.some((w) => !steps[w])) {
  console.error(`usage: ensure.mjs ${Object.keys(steps).join('|')} […]`);
  process.exit(2);
}
for (const w of wanted) steps[w]();
