#!/usr/bin/env node
// Prints the mini-program's main-package and subpackage sizes (WeChat limits: 2 MB per package).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const dist = path.resolve(import.meta.dirname, '../miniprogram/dist/weapp');
const app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8'));
const subRoots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/$/, ''));

function size(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? size(p) : statSync(p).size;
  }
  return total;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const total = size(dist);
const subs = subRoots.map((r) => [r, size(path.join(dist, r))]);
const main = total - subs.reduce((a, [, n]) => a + n, 0);
console.log(`main package: ${kb(main)} (target ≤ 1024 KB, WeChat limit 2048 KB)`);
for (const [r, n] of subs) console.log(`subpackage ${r}: ${kb(n)}`);
console.log(`total: ${kb(total)}`);
if (main > 1024 * 1024) process.exitCode = 1;
