import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import test from 'ava';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { TEST_ADMIN } from '../test/harness';
import { validComplaint } from '../test/harness';
import { inside, snap, waitForRoute, WIDTHS, withAppAndBrowser } from './browser';

const e2e = withAppAndBrowser(test);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function signIn(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(baseUrl + '/#/auth/login/index');
  await page.locator(inside('admin-username', 'input')).fill(username);
  await page.locator(inside('admin-password', 'input')).fill(password);
  await page.locator('[data-testid="admin-login"]:visible').click();
}

/** axe-core injected into the page: critical and serious violations only. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through DevTools, so the app's strict CSP (no inline scripts) does not block it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

let seeded: { huangpu: { id: string; ticketNo: string }; xuhui: { id: string; ticketNo: string }; water: { id: string; ticketNo: string; urgency: string } } | null = null;

for (const width of WIDTHS) {
  test.serial(`${width.name} ${width.viewport.width}×${width.viewport.height}: admin creates a 黄浦区 operator; the operator changes the password, sees only 黄浦区, exports; the admin sees it in 操作日志`, async (t) => {
    const { server, browser } = e2e;
    if (!seeded) {
      const citizen = await server.loginCitizen();
      const submit = async (body: Record<string, unknown>) => (await server.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint(body), headers: { 'Idempotency-Key': crypto.randomUUID() } })).body;
      seeded = {
        huangpu: await submit({}),
        xuhui: await submit({ description: '徐家汇天桥下的人行道砖块翘起来了，容易绊倒', location: { lat: 31.188, lng: 121.4365, coordSystem: 'gcj02', accuracy: 10, address: '徐汇区华山路' } }),
        // 次紧急 (a whole building without water): staff must tell it from 普通 in the list and the detail
        water: await submit({ description: '我们这栋楼从早上开始整栋停水，到现在还没来水，楼里住的大多是老人' }),
      };
    }
    const { huangpu, xuhui, water } = seeded!;
    const errors: string[] = [];

    // The admin creates the operator.
    const adminCtx = await browser.newContext({ viewport: width.viewport, locale: 'zh-CN', acceptDownloads: true });
    const admin = await adminCtx.newPage();
    admin.on('pageerror', (e) => errors.push(e.message));
    await signIn(admin, server.baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
    await waitForRoute(admin, 'admin/index');
    await admin.locator('[data-testid="nav-staff"]:visible').click();
    await waitForRoute(admin, 'admin/staff');
    const username = `hp${width.name}`;
    await admin.locator(inside('staff-username', 'input')).fill(username);
    await admin.locator(inside('staff-name', 'input')).fill(`黄浦值班${width.name}`);
    await admin.locator('[data-testid="district-310101"]:visible').click();
    await admin.locator('[data-testid="staff-create"]:visible').click();
    const secret = admin.locator('[data-testid="initial-password"]');
    await secret.waitFor({ timeout: 10_000 });
    const initialPassword = (await secret.innerText()).trim();
    t.true(initialPassword.length >= 12);
    await snap(admin, `30-${width.name}-staff-created`);
    await admin.locator('.nut-dialog-footer-ok:visible').click();
    await secret.waitFor({ state: 'hidden' });

    // The operator signs in and must change the password first.
    const opCtx = await browser.newContext({ viewport: width.viewport, locale: 'zh-CN', acceptDownloads: true });
    const op = await opCtx.newPage();
    op.on('pageerror', (e) => errors.push(e.message));
    await signIn(op, server.baseUrl, username, initialPassword);
    await waitForRoute(op, 'admin/password');
    await op.locator('[data-testid="must-change"]:visible').waitFor();
    await snap(op, `31-${width.name}-must-change-password`);
    const newPassword = `Lantern-over-bund-${width.name}-2026`;
    await op.locator(inside('pw-current', 'input')).fill(initialPassword);
    await op.locator(inside('pw-next', 'input')).fill(newPassword);
    await op.locator(inside('pw-again', 'input')).fill(newPassword);
    await op.locator('[data-testid="pw-submit"]:visible').click();
    await waitForRoute(op, 'admin/index');

    // 诉求检索 shows 黄浦区 only.
    await op.locator('[data-testid="nav-search"]:visible').click();
    await waitForRoute(op, 'admin/search');
    await op.locator(`[data-testid="search-row"][data-ticket="${huangpu.ticketNo}"]:visible`).waitFor({ timeout: 10_000 });
    t.is(await op.locator(`[data-testid="search-row"][data-ticket="${xuhui.ticketNo}"]`).count(), 0);
    const districts = await op.locator('[data-testid="row-district"]:visible').allInnerTexts();
    t.true(districts.length > 0);
    t.true(districts.every((d) => d === '黄浦区'), districts.join(','));
    await snap(op, `32-${width.name}-operator-search`);
    t.is(water.urgency, 'semi_urgent', 'the seed text is 次紧急');
    await op.locator(`[data-testid="search-row"][data-ticket="${water.ticketNo}"]:visible`).waitFor({ timeout: 10_000 });
    t.is(await op.locator(`[data-testid="badge-semi-urgent"][data-ticket="${water.ticketNo}"]:visible`).count(), 1, '次紧急 is marked in the list');
    t.is(await op.locator(`[data-testid="badge-semi-urgent"][data-ticket="${huangpu.ticketNo}"]`).count(), 0);

    // An export downloads: an XLSX with the operator's rows only.
    const [download] = await Promise.all([op.waitForEvent('download', { timeout: 20_000 }), op.locator('[data-testid="export-xlsx"]:visible').click()]);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file!);
    const cells = wb.worksheets[0].getColumn(1).values.slice(2).map(String);
    t.true(cells.includes(huangpu.ticketNo));
    t.false(cells.includes(xuhui.ticketNo));
    t.regex(download.suggestedFilename(), /\.xlsx$/);

    // The detail of its own district's report; a 徐汇区 report by URL is not found.
    await op.goto(`${server.baseUrl}/#/admin/report/index?id=${huangpu.id}`);
    await op.locator('[data-testid="report-detail"]:visible').waitFor({ timeout: 10_000 });
    t.is(await op.locator('[data-testid="detail-district"]:visible').innerText(), '黄浦区');
    await snap(op, `33-${width.name}-report-detail`);
    await op.goto(`${server.baseUrl}/#/admin/report/index?id=${water.id}`);
    await op.reload();
    await op.locator('[data-testid="report-detail"]:visible').getByText('（次紧急）').waitFor({ timeout: 10_000 });
    await op.goto(`${server.baseUrl}/#/admin/report/index?id=${xuhui.id}`);
    await op.reload();
    const notFound = op.locator('[data-testid="report-not-found"]:visible');
    await notFound.waitFor({ timeout: 10_000 });
    t.regex(await notFound.innerText(), /找不到这条诉求/);
    await snap(op, `34-${width.name}-other-district-not-found`);
    // 工单处理 marks 次紧急 as 诉求检索 does (the dispatcher works from this list)
    await op.goto(`${server.baseUrl}/#/admin/tickets/index`);
    await op.reload();
    await waitForRoute(op, 'admin/tickets');
    await op.locator(`[data-testid="badge-semi-urgent"][data-ticket="${water.ticketNo}"]:visible`).waitFor({ timeout: 20_000 });
    t.is(await op.locator(`[data-testid="badge-semi-urgent"][data-ticket="${huangpu.ticketNo}"]`).count(), 0);
    await snap(op, `34b-${width.name}-tickets-semi-urgent`);

    // The admin sees the operator's actions in 操作日志.
    await admin.locator('[data-testid="nav-audit"]:visible').click();
    await waitForRoute(admin, 'admin/audit');
    await admin.locator(`[data-testid="audit-action"][data-action="reports.export"]:visible`).first().waitFor({ timeout: 10_000 });
    const actors = await admin.locator('[data-testid="audit-actor"]:visible').allInnerTexts();
    t.true(actors.includes(`黄浦值班${width.name}`), actors.join(','));
    await snap(admin, `35-${width.name}-audit-log`);
    // The audit log exports too.
    const [auditDownload] = await Promise.all([admin.waitForEvent('download', { timeout: 20_000 }), admin.locator('[data-testid="audit-export"]:visible').click()]);
    t.regex(readFileSync((await auditDownload.path())!, 'utf8'), new RegExp(`黄浦值班${width.name}`));

    // Accessibility: every console page, no critical or serious violation.
    const pages = ['index', 'search', 'tickets', 'triage', 'categories', 'classifier', 'zones', 'staff', 'audit', 'password'];
    const found: string[] = [];
    for (const p of pages) {
      await admin.goto(`${server.baseUrl}/#/admin/${p}/index`);
      await admin.reload();
      await waitForRoute(admin, `admin/${p}`);
      await admin.locator('.console-title:visible').waitFor({ timeout: 10_000 });
      await admin.waitForTimeout(500);
      const violations = await axeViolations(admin);
      found.push(...violations.map((v) => `${p}: ${v}`));
      if (['index', 'search', 'tickets', 'categories', 'staff'].includes(p)) await snap(admin, `36-${width.name}-${p}`);
    }
    await admin.goto(`${server.baseUrl}/#/admin/report/index?id=${huangpu.id}`);
    await admin.reload();
    await admin.locator('[data-testid="report-detail"]:visible').waitFor({ timeout: 10_000 });
    found.push(...(await axeViolations(admin)).map((v) => `report: ${v}`));
    t.deepEqual(found, [], `axe at ${width.name}`);

    t.deepEqual(errors, []);
    await adminCtx.close();
    await opCtx.close();
  });
}
