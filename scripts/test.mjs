#!/usr/bin/env node
// `npm test`: every step in order, stopping at the first that fails, then one
// closing line that counts what ran ("summary: N passed, N failed"). CI reads
// closing lines to tell a run that tested something from one that tested
// nothing; schemathesis prints pytest-style "=== … in 14s ===" lines that look
// like an empty pytest run, so the total at the end is what speaks for the run.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const steps = [
  ['prerequisites', 'node scripts/ensure.mjs test'],
  ['typecheck', 'npm run typecheck'],
  ['lint', 'npm run lint'],
  ['shared', 'npm run test -w shared'],
  ['app', 'npm run test -w miniprogram'],
  ['server', 'npm run test -w server'],
  ['fault', 'npm run test:chaos -w server'],
  ['fuzz', 'npm run test:fuzz'],
  ['browser', 'npm run test:e2e'],
];

// What each runner prints at its end: ava "12 tests passed" / "2 tests failed",
// vitest "Tests  11 passed (11)", schemathesis "1506 generated, 1506 passed".
const patterns = [
  [/^\s*(\d+) tests? passed/, 'passed'],
  [/^\s*(\d+) tests? failed/, 'failed'],
  [/^\s*(\d+) known failures?/, 'failed'],
  [/^\s*(\d+) tests? skipped/, 'skipped'],
  [/^\s*(\d+) uncaught exceptions?/, 'failed'],
  [/^\s*(\d+) unhandled rejections?/, 'failed'],
  [/^\s*Tests\s+(?:(\d+) failed \| )?(\d+) passed/, 'vitest'],
  [/^\s*\d+ generated, (\d+) passed(?:, (\d+) failed)?/, 'fuzz'],
];

// eslint-disable-next-line no-control-regex
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
const perStep = [];

function run([name, command]) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const counts = { passed: 0, failed: 0, skipped: 0, cases: 0 };
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const watch = (stream, out) => {
      createInterface({ input: stream }).on('line', (line) => {
        out.write(line + '\n');
        const text = strip(line);
        for (const [re, kind] of patterns) {
          const m = re.exec(text);
          if (!m) continue;
          if (kind === 'vitest') {
            counts.failed += Number(m[1] ?? 0);
            counts.passed += Number(m[2]);
          } else if (kind === 'fuzz') {
            // Generated cases, reported per step but not added to the test count.
            counts.cases += Number(m[1]);
            counts.failed += Number(m[2] ?? 0);
          } else counts[kind] += Number(m[1]);
        }
      });
    };
    watch(child.stdout, process.stdout);
    watch(child.stderr, process.stderr);
    child.on('close', (code) => {
      perStep.push(`${name} ${counts.passed}/${counts.failed}${counts.cases ? ` (${counts.cases} generated cases)` : ''} in ${Math.round((Date.now() - t0) / 1000)} s`);
      for (const k of Object.keys(totals)) totals[k] += counts[k];
      resolve(code ?? 1);
    });
  });
}

// TEST_STEPS=shared,app runs only those steps (after the prerequisites), for a quick local check.
const only = process.env.TEST_STEPS?.split(',').map((s) => s.trim());
const chosen = only ? steps.filter(([name], i) => i === 0 || only.includes(name)) : steps;

let failedStep = null;
for (const step of chosen) {
  const code = await run(step);
  if (code !== 0) {
    failedStep = step[0];
    totals.failed = Math.max(totals.failed, 1);
    break;
  }
}
console.log(`\n[test] steps (passed/failed): ${perStep.join('; ')}${failedStep ? `; stopped at ${failedStep}` : ''}`);
console.log(`summary: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failedStep ? 1 : 0);
