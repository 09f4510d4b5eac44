// Builds the FerretDB wrapper (main.go) into .data/bin against a patched copy
// of FerretDB v1.24.2 (patches/*.patch in order, see README.md here): the
// module is copied out of the Go module cache, the patches applied with
// `git apply`, and the build points at the copy with a `replace` in a
// generated go.mod. Prints the binary's path as its last line. Used by
// scripts/ensure.mjs and the server.
//   node tools/ferretdb/build.mjs             the patched build
//   node tools/ferretdb/build.mjs --upstream  FerretDB v1.24.2 as released (for the differential test)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
// Bump when main.go or a patch changes, so existing builds are replaced.
// p8: patches 0001–0006 (0004 range/sort pushdown, 0005 grouped updates, 0006 lazy SQL debug log).
// p9: + 0007 (planner statistics, and a lower bound on the streamed sort's key).
// p10: + 0008 (bounded ANALYZE). p12: + 0010 (one-pass sjson decoder, no resource tracking; GOGC 400 in main.go).
// p13: + 0011 (write transactions queue on a Go mutex per database instead of SQLite's busy handler).
// p14: + 0012 (a filter's `_id` equality is the whole SQL clause; branch drain).
// p15: + 0013 (an `update` command answers each statement's matched count, `sspMatched`; branch submit).
// p16: both.
// p17: + 0014 (a streamed sort over an OR merges one SELECT per branch; synchronous=NORMAL and WAL checkpoints
// in the background; branch readtail).
// p18: + 0015 (an `$in` of any length is pushed down, above 100 values as one json_each parameter; branch drain3).
// p19: + 0016 (modernc.org/libc's memcmp vectorised: SQLite's JSON cache compared each stored document byte by byte
// once per index expression; branch submit7). The first patch of a dependency: patches/<module path with / as ->/.
export const FERRETDB_BIN = path.resolve(here, '../../.data/bin/ferretdb-ssp-p19');
/** The same wrapper without any patch: what the patched build's query results are compared with. */
export const FERRETDB_UPSTREAM_BIN = path.resolve(here, '../../.data/bin/ferretdb-upstream-1.24.2');

const PATCHES = readdirSync(path.join(here, 'patches'))
  .filter((f) => f.endsWith('.patch'))
  .sort();
/**
 * Patches to FerretDB's dependencies: `patches/<module path, "/" written "-">/*.patch` (e.g. `modernc.org-libc`),
 * applied to a copy of the version FerretDB's build selects, which the build then uses through a `replace`.
 */
const DEPENDENCY_PATCHES = readdirSync(path.join(here, 'patches'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => ({ module: e.name.replaceAll('-', '/'), dir: path.join(here, 'patches', e.name) }));

function makeWritable(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else chmodSync(p, 0o644);
  }
}

export function buildFerretDb(log = (l) => console.error(l), { upstream = false } = {}) {
  const bin = upstream ? FERRETDB_UPSTREAM_BIN : FERRETDB_BIN;
  if (existsSync(bin)) return bin;
  log(`building FerretDB v1.24.2${upstream ? ' (unpatched)' : ''} (first run only, takes a minute or two)…`);
  const go = (args) => execFileSync('go', args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  go(['mod', 'download', 'github.com/FerretDB/FerretDB']);
  const moduleDir = go(['list', '-m', '-f', '{{.Dir}}', 'github.com/FerretDB/FerretDB']);
  const buildDir = path.resolve(here, '../../.data/build', upstream ? 'ferretdb-upstream' : 'ferretdb');
  const source = path.join(buildDir, 'FerretDB');
  rmSync(buildDir, { recursive: true, force: true });
  cpSync(moduleDir, source, { recursive: true });
  makeWritable(source); // the module cache is read-only; the copy must be replaceable next time
  for (const patch of upstream ? [] : PATCHES) {
    // The ceiling stops git from finding this repository above .data/build (it would then apply paths relative to its root, i.e. nothing).
    execFileSync('git', ['apply', '--whitespace=nowarn', path.join(here, 'patches', patch)], { cwd: source, stdio: 'inherit', env: { ...process.env, GIT_CEILING_DIRECTORIES: buildDir } });
  }
  const replaces = [`replace github.com/FerretDB/FerretDB => ${source}`];
  for (const dep of upstream ? [] : DEPENDENCY_PATCHES) {
    // The version this build selects (go.mod's requirement), copied and patched like FerretDB above.
    go(['mod', 'download', dep.module]);
    const version = go(['list', '-m', '-f', '{{.Version}}', dep.module]);
    const depSource = path.join(buildDir, dep.module.replaceAll('/', '-'));
    cpSync(go(['list', '-m', '-f', '{{.Dir}}', dep.module]), depSource, { recursive: true });
    makeWritable(depSource);
    for (const patch of readdirSync(dep.dir).filter((f) => f.endsWith('.patch')).sort()) {
      execFileSync('git', ['apply', '--whitespace=nowarn', path.join(dep.dir, patch)], { cwd: depSource, stdio: 'inherit', env: { ...process.env, GIT_CEILING_DIRECTORIES: buildDir } });
    }
    replaces.push(`replace ${dep.module} ${version} => ${depSource}`);
  }
  writeFileSync(path.join(buildDir, 'go.mod'), `${readFileSync(path.join(here, 'go.mod'), 'utf8')}\n${replaces.join('\n')}\n`);
  copyFileSync(path.join(here, 'go.sum'), path.join(buildDir, 'go.sum'));
  mkdirSync(path.dirname(bin), { recursive: true });
  execFileSync('go', ['build', `-modfile=${path.join(buildDir, 'go.mod')}`, '-o', bin, '.'], { cwd: here, stdio: 'inherit' });
  return bin;
}

if (process.argv[1] === import.meta.filename) console.log(buildFerretDb(undefined, { upstream: process.argv.includes('--upstream') }));
