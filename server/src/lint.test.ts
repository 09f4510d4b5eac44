import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { ESLint } from 'eslint';
import { REPO_ROOT } from './config';

/**
 * The linter's rules about where code may reach (eslint.config.mjs), checked on code that breaks them: a
 * rule that never fires would pass `npm run lint` just as well. Each case is linted as if it were that file.
 */
const eslint = new ESLint({ cwd: REPO_ROOT });

async function restrictedPaths(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(fatal.map((m) => m.message).join('; '));
  return result.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

test('the Report model: only the repository (and the tests\' report store) may import it, however the import names it', async (t) => {
  const forbidden: [string, string][] = [
    ['server/src/pipeline/sneaky.ts', "import { Report } from '../reports/reportModel';\nexport const r = Report;\n"],
    ['server/src/pipeline/sneaky.ts', "import { Report } from '../reports/reportModel.js';\nexport const r = Report;\n"],
    ['server/src/pipeline/sneaky.ts', "export const load = () => import('../reports/reportModel');\n"],
    ['server/src/pipeline/sneaky.ts', "export { Report } from '../reports/reportModel';\n"],
    ['server/src/reports/reportService.ts', "import { Report } from './reportModel.js';\nexport const r = Report;\n"],
    ['server/bench/sneaky.ts', "import { Report } from '../src/reports/reportModel.ts';\nexport const r = Report;\n"],
  ];
  for (const [file, code] of forbidden) t.true((await restrictedPaths(file, code)).some((m) => m.includes('reportRepository')), `${file}: ${code}`);
  for (const file of ['server/src/reports/reportRepository.ts', 'server/test/reportStore.ts']) {
    t.deepEqual(await restrictedPaths(file, "import { Report } from '../reports/reportModel.js';\nexport const r = Report;\n".replace('../reports/', file.includes('/test/') ? '../src/reports/' : './')), [], file);
  }
});

test('the model rule has no exemptions in code: no file under server/ switches import-x/no-restricted-paths off', async (t) => {
  // An `eslint-disable` comment would let a file import the Report model while `npm run lint` stays clean.
  const files = (await readdir(path.join(REPO_ROOT, 'server'), { recursive: true })).filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.includes('node_modules'));
  // Spelt in two parts so that this line does not match itself.
  const directive = new RegExp(`eslint-${'disable'}[^\\n]*no-restricted-paths`);
  const exempt: string[] = [];
  for (const f of files) if (directive.test(await readFile(path.join(REPO_ROOT, 'server', f), 'utf8'))) exempt.push(f);
  t.true(files.length > 100, 'the walk found the server\'s files');
  t.deepEqual(exempt, []);
});

test('layers: http/ and db/ use no domain, metrics or audit; metrics and audit use no domain; nothing below reports uses staff', async (t) => {
  const forbidden: [string, string][] = [
    // The cycle the linter once missed: http/middleware.ts → metrics/metrics.ts → http/.
    ['server/src/http/middleware2.ts', "import { rateLimited } from '../metrics/metrics';\nexport const c = rateLimited;\n"],
    ['server/src/db/x.ts', "import { createAuditService } from '../audit/auditService';\nexport const a = createAuditService;\n"],
    ['server/src/metrics/x.ts', "import type { ReportRepository } from '../reports/reportRepository';\nexport type R = ReportRepository;\n"],
    ['server/src/audit/x.ts', "import { hashPassword } from '../auth/passwords';\nexport const h = hashPassword;\n"],
    ['server/src/reports/x.ts', "import { createStaffService } from '../staff/staffService';\nexport const s = createStaffService;\n"],
    ['server/src/auth/x.ts', "import { createStaffService } from '../staff/staffService';\nexport const s = createStaffService;\n"],
  ];
  for (const [file, code] of forbidden) t.true((await restrictedPaths(file, code)).length > 0, `${file}: ${code}`);
  // And the directions that are allowed stay allowed.
  const allowed: [string, string][] = [
    ['server/src/metrics/x.ts', "import type { AppState } from '../http/context';\nexport type S = AppState;\n"],
    ['server/src/staff/x.ts', "import type { AuditService } from '../audit/auditService';\nexport type A = AuditService;\n"],
    ['server/src/reports/x.ts', "import type { AuditService } from '../audit/auditService';\nexport type A = AuditService;\n"],
  ];
  for (const [file, code] of allowed) t.deepEqual(await restrictedPaths(file, code), [], `${file}: ${code}`);
});

test('which database answered is db/\'s business: nothing outside db/ imports db/dialect.ts', async (t) => {
  for (const file of ['server/src/http/x.ts', 'server/src/reports/x.ts', 'server/src/pipeline/x.ts']) {
    t.true((await restrictedPaths(file, "import { isFerretDb } from '../db/dialect';\nexport const f = isFerretDb;\n")).some((m) => m.includes('db/expiry.ts')), file);
  }
  t.deepEqual(await restrictedPaths('server/src/db/x.ts', "import { isFerretDb } from './dialect';\nexport const f = isFerretDb;\n"), []);
});

test('duplicate keys are recognised in db/errors.ts only: a copy of the code elsewhere fails lint', async (t) => {
  const [copy] = await eslint.lintText("export const taken = (err: { code?: number }) => err.code === 11000;\n", { filePath: path.join(REPO_ROOT, 'server/src/staff/x.ts') });
  t.true(copy.messages.some((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('db/errors.ts')));
  const [helper] = await eslint.lintText("import { isDuplicateKey } from '../db/errors';\nexport const taken = (err: unknown) => isDuplicateKey(err);\n", { filePath: path.join(REPO_ROOT, 'server/src/staff/x.ts') });
  t.deepEqual(helper.messages, []);
});
