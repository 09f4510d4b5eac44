// Builds the FerretDB wrapper (main.go) into .data/bin against a patched copy
// of FerretDB v1.24.2 (patches/, see README.md here): the module is copied out
// of the Go module cache, the patched files laid over it, and the build points
// at the copy with a `replace` in a generated go.mod. Prints the binary's path
// as its last line. Used by scripts/ensure.mjs and the server.
//   node tools/ferretdb/build.mjs
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
// Bump when main.go or a patch changes, so existing builds are replaced.
export const FERRETDB_BIN = path.resolve(here, '../../.data/bin/ferretdb-ssp-p1');

const PATCHES = { 'internal/backends/sqlite/metadata/metadata.go': 'patches/metadata.go' };

function makeWritable(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else chmodSync(p, 0o644);
  }
}

export function buildFerretDb(log = (l) => console.error(l)) {
  if (existsSync(FERRETDB_BIN)) return FERRETDB_BIN;
  log('building FerretDB v1.24.2 (first run only, takes a minute or two)…');
  const go = (args) => execFileSync('go', args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  go(['mod', 'download', 'github.com/FerretDB/FerretDB']);
  const moduleDir = go(['list', '-m', '-f', '{{.Dir}}', 'github.com/FerretDB/FerretDB']);
  const buildDir = path.resolve(here, '../../.data/build/ferretdb');
  const source = path.join(buildDir, 'FerretDB');
  rmSync(buildDir, { recursive: true, force: true });
  cpSync(moduleDir, source, { recursive: true });
  makeWritable(source); // the module cache is read-only; the copy must be replaceable next time
  for (const [file, patch] of Object.entries(PATCHES)) {
    const target = path.join(source, file);
    copyFileSync(path.join(here, patch), target);
  }
  writeFileSync(path.join(buildDir, 'go.mod'), `${readFileSync(path.join(here, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${source}\n`);
  copyFileSync(path.join(here, 'go.sum'), path.join(buildDir, 'go.sum'));
  mkdirSync(path.dirname(FERRETDB_BIN), { recursive: true });
  execFileSync('go', ['build', `-modfile=${path.join(buildDir, 'go.mod')}`, '-o', FERRETDB_BIN, '.'], { cwd: here, stdio: 'inherit' });
  return FERRETDB_BIN;
}

if (process.argv[1] === import.meta.filename) console.log(buildFerretDb());
