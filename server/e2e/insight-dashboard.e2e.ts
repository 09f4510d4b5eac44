import { randomUUID } from 'node:crypto';
import test from 'ava';
import mongoose from 'mongoose';
import { SHANGHAI_DISTRICTS } from '@ssp/shared';
import { insertRawReports } from '../test/reportStore';
import { createStaff } from '../test/staff';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { seriousViolations } from './axe';
import { ARTIFACTS, inside, openPage, signInAsStaff, snap, waitForRoute, withAppAndBrowser } from './browser';

const e2e = withAppAndBrowser(test);

/** A new context signed in as the admin, on 数据看板 once its first figure is shown. */
async function openInsight(browser: Browser, baseUrl: string, options: BrowserContextOptions) {
  const opened = await openPage(browser, options);
  await signInAsStaff(opened.page, baseUrl);
  await opened.page.goto(baseUrl + '/#/admin/insight/index');
  await waitForRoute(opened.page, 'admin/insight');
  await opened.page.locator('[data-testid="metric-total"]:visible').waitFor({ timeout: 60_000 });
  return opened;
}

const CATS = [
  { code: 'illegal_parking', name: '违章停车', parentCode: 'city_management', parentName: '城市管理' },
  { code: 'property_service', name: '物业服务', parentCode: 'housing_property', parentName: '住房与物业' },
  { code: 'road_damage', name: '道路破损', parentCode: 'roads_facilities', parentName: '道路与市政设施' },
  { code: 'noise_construction', name: '施工噪声', parentCode: 'noise', parentName: '噪声扰民' },
];

/**
 * 数据看板 is drawn at the console's scale (14 px controls, as on 诉求检索 and every other console page), not
 * at the resident pages' phone scale: a period chip and the filter bar's inputs measure the same.
 */
async function consoleScale(page: Page): Promise<Record<string, string>> {
  // A plain string: tsx wraps named functions in a `__name` helper that does not exist in the page.
  const sels = { chip: '[data-testid="period-7"]', button: '.insight .c-btn', title: '.console-title', nav: '.console-nav-item', metric: '.insight-metric-label', cardTitle: '.insight .card-title' };
  const out: Record<string, string> = {};
  for (const [k, sel] of Object.entries(sels)) {
    out[k] = await page.evaluate(`(() => { const el = [...document.querySelectorAll(${JSON.stringify(sel)})].find((e) => e.offsetParent !== null); return el ? getComputedStyle(el).fontSize : 'missing'; })()`);
  }
  return out;
}

/** Only a year earlier (the year-earlier trend list shows it falling). */
const GARBAGE = { code: 'garbage_sorting', name: '垃圾分类', parentCode: 'environment', parentName: '环境保护' };

function report(i: number, at: Date, district: { code: string; name: string }, category: (typeof CATS)[number], point: { lat: number; lng: number }, status = 'submitted') {
  const steps = status === 'submitted' ? [] : [{ at: new Date(at.getTime() + 3600_000), status: 'accepted', actor: 'admin', message: '受理' }];
  if (status === 'closed') steps.push({ at: new Date(at.getTime() + 20 * 3600_000), status: 'resolved', actor: 'admin', message: '办结' }, { at: new Date(at.getTime() + 40 * 3600_000), status: 'closed', actor: 'citizen', message: '评价' });
  return {
    _id: new mongoose.Types.ObjectId(Math.floor(at.getTime() / 1000)).toHexString(),
    ticketNo: `E2E-${i}-${randomUUID().slice(0, 6)}`,
    citizenId: new mongoose.Types.ObjectId(),
    idempotencyKey: randomUUID(),
    requestHash: 'e2e',
    kind: i % 3 ? 'complaint' : 'snap',
    status,
    description: '',
    category,
    urgent: i % 17 === 0,
    point,
    location: { ...point, coordSystem: 'gcj02' },
    district,
    timeline: [{ at, status: 'submitted', actor: 'citizen', message: '已提交' }, ...steps],
    overdueAt: null,
    rating: status === 'closed' ? { value: i % 4 ? 'satisfied' : 'unsatisfied', at } : null,
    delivery: { state: 'delivered', attempts: 1 },
    effects: [],
    createdAt: at,
    updatedAt: new Date(),
  };
}

test.serial('数据看板 at 1440×900: map, 堵点 table, and an alert for a seeded hotspot', async (t) => {
  const { server, browser } = e2e;
  const now = Date.now();
  const docs = [];
  // 200 reports over the last 28 days, skewed towards a few districts and categories.
  for (let i = 0; i < 200; i++) {
    const d = SHANGHAI_DISTRICTS[Math.floor(((i * 7919) % 1000) / 1000 * (i % 2 ? 4 : 16))];
    const c = CATS[(i * 31) % (i % 3 ? 2 : 4)];
    docs.push(report(i, new Date(now - ((i * 104729) % 2419) * 1_000_000 - 3600_000), d, c, { lat: 31.1 + ((i * 37) % 100) / 400, lng: 121.3 + ((i * 53) % 100) / 300 }, i % 3 === 0 ? 'closed' : i % 3 === 1 ? 'accepted' : 'submitted'));
  }
  // A year earlier only: 8 垃圾分类 reports, spread ≥ 1 km apart (no hotspot).
  for (let k = 0; k < 8; k++) docs.push(report(3000 + k, new Date(now - 365 * 86_400_000 - k * 3600_000), SHANGHAI_DISTRICTS[k], GARBAGE, { lat: 31.0 + k * 0.01, lng: 121.2 + k * 0.012 }));
  // A hotspot: six 违章停车 reports within ~150 m in徐汇 over the last few hours.
  const xuhui = SHANGHAI_DISTRICTS.find((d) => d.code === '310104')!;
  for (let k = 0; k < 6; k++) docs.push(report(1000 + k, new Date(now - (6 - k) * 1800_000), xuhui, CATS[0], { lat: 31.1885 + k * 0.0002, lng: 121.4365 + k * 0.0002 }));
  docs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  await insertRawReports(docs);
  await server.services.insightWriter.drain();

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signInAsStaff(page, server.baseUrl);
  const badge = page.locator('[data-testid="insight-badge"]:visible');
  await badge.waitFor({ timeout: 10_000 });
  t.is(await badge.innerText(), '1');
  await page.locator('[data-testid="nav-dashboard"]:visible').click();
  await waitForRoute(page, 'admin/insight');

  await page.locator('[data-testid="metric-total"]:visible').waitFor({ timeout: 60_000 });
  t.regex(await page.locator('[data-testid="metric-total"]:visible').innerText(), /206/);
  // The map is drawn: ECharts puts a canvas in the container.
  await page.locator('[data-testid="map-chart"]:visible canvas').waitFor({ timeout: 60_000 });
  const rows = page.locator('[data-testid="panel-blockers-table"]:visible .insight-tr');
  await rows.nth(1).waitFor();
  t.true((await rows.count()) > 5, '堵点 table has rows');
  // Every figure says what it counts (shown on tap or keyboard focus: the explanations test below).
  t.regex((await page.locator('[data-testid="metric-total-tip"]').textContent()) ?? '', /收到的全部诉求件数/);
  // One alert place on the page (the navigation badge carries the count): the unseen hotspot is listed.
  t.is(await page.locator('[data-testid="alert-badge"]').count(), 0);
  const list = page.locator('[data-testid="alert-list"]:visible');
  await list.waitFor();
  t.regex(await list.innerText(), /热点提醒：1 个新热点未读/);
  await page.waitForTimeout(800);
  await snap(page, '40-insight-dashboard-1440');
  t.like(await consoleScale(page), { chip: '14px', button: '14px', title: '22px', nav: '15px', metric: '13px', cardTitle: '15px' });
  // axe: no critical or serious violation (the 热点规则 inputs had no label).
  t.deepEqual(await seriousViolations(page), [], 'axe at 1440');
  // The map panel on its own (the page scrolls inside Taro's container, so a page shot shows the top only).
  await page.locator('[data-testid="panel-map"]:visible').screenshot({ path: `${ARTIFACTS}/42-insight-map.png` });
  await page.locator('[data-testid="panel-days"]:visible').screenshot({ path: `${ARTIFACTS}/43-insight-days.png` });

  t.regex(await list.innerText(), /城市管理 · 徐汇区 · 6 件/);
  await list.screenshot({ path: `${ARTIFACTS}/44-insight-alert-list.png` });
  await page.locator('[data-testid="panel-hotspots"]:visible').scrollIntoViewIfNeeded();
  t.regex(await page.locator('[data-testid="panel-hotspots"]:visible').innerText(), /城市管理\s+徐汇区\s+6/);

  // Open the worst 堵点: its reports are listed with the true count, each a link.
  const worst = (await rows.nth(1).innerText()).split(/\s+/);
  await rows.nth(1).click();
  const pairList = page.locator('[data-testid="pair-reports"]:visible');
  await pairList.waitFor();
  t.regex(await pairList.innerText(), new RegExp(`${worst[0]} · ${worst[1]}：共 ${worst[2]} 件`));
  t.is(await pairList.locator('[data-testid="listed-report"]').count(), Number(worst[2]));
  await snap(page, '41-insight-alerts-and-blocker');

  // A hotspot's reports, opened from its alert: ticket number, category, time, status; each opens the report.
  await page.locator('[data-testid^="alert-open-"]:visible').first().click();
  const spot = page.locator('[data-testid="hotspot-reports"]:visible');
  await spot.waitFor();
  t.regex(await spot.innerText(), /热点 · 城市管理 · 徐汇区：共 6 件/);
  const tickets = await spot.locator('[data-testid="listed-report"]').allInnerTexts();
  t.is(tickets.length, 6);
  t.true(tickets.every((x) => /^E2E-100\d-/.test(x)), tickets.join());
  t.regex(await spot.innerText(), /违章停车[\s\S]*已提交/);
  // One time format across the console: 2026-12-01 02:43, Shanghai time.
  t.regex(await spot.innerText(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b/);
  t.notRegex(await spot.innerText(), /\d{4}\/\d{1,2}\/\d{1,2}|\d{2}:\d{2}:\d{2}/);
  t.regex(await list.innerText(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2} — \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  await spot.screenshot({ path: `${ARTIFACTS}/48-insight-hotspot-reports-1440.png` });
  await spot.locator('[data-testid="listed-report"]').first().click();
  await waitForRoute(page, 'admin/report');
  await page.locator('[data-testid="report-detail"]:visible').waitFor({ timeout: 60_000 });
  // The report's console page, titled with its ticket number.
  await page.getByText(`诉求 ${tickets[0]}`).first().waitFor({ timeout: 60_000 });
  t.regex(await page.locator('[data-testid="report-detail"]:visible').innerText(), /违章停车/);
  await page.goBack();
  await waitForRoute(page, 'admin/insight');
  // The hotspot table's rows open the same list.
  await page.locator('[data-testid="panel-hotspots-table"]:visible .insight-tr.clickable').first().click();
  t.regex(await page.locator('[data-testid="hotspot-reports"]:visible').innerText(), /共 6 件/);

  // Trends: against the previous period and, in their own panel, against the same dates a year earlier.
  t.regex(await page.locator('[data-testid="panel-trends"]:visible').innerText(), /趋势：与上期相比升降最多/);
  t.notRegex(await page.locator('[data-testid="panel-trends"]:visible').innerText(), /垃圾分类/);
  const yearDown = await page.locator('[data-testid="panel-trends-year-down"]:visible').innerText();
  t.regex(yearDown, /垃圾分类\s*▼ 8（去年同期 8，同比 -100%）/);
  await page.locator('[data-testid="panel-trends-year"]:visible').screenshot({ path: `${ARTIFACTS}/49-insight-trends-year-1440.png` });
  // The first-level distribution: chart, and a table that adds up to the total.
  await page.locator('[data-testid="first-level-chart"]:visible canvas').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="panel-first-level-toggle"]:visible').click();
  const firstLevel = await page.locator('[data-testid="panel-first-level-table"]:visible .insight-tr:not(.insight-th)').allInnerTexts();
  t.is(firstLevel.reduce((n, r) => n + Number(r.split(/\s+/).at(-1)), 0), 206);
  // 堵点 columns say what they count.
  t.regex((await page.locator('[data-testid="panel-blockers-tip-解决率-text"]').textContent()) ?? '', /解决率 = 目前已办结或已关闭的件数/);
  t.regex((await page.locator('[data-testid="panel-blockers-tip-环比-text"]').textContent()) ?? '', /与上一个等长时间段相比/);

  // The category filter: a second-level category narrows the figures; hotspots follow its first level.
  const admin = await server.loginAdmin();
  const to = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  const parking = (await server.request('GET', `/api/v1/admin/insight/overview?from=${from}&to=${to}&category=illegal_parking`, { token: admin.token })).body.total;
  t.true(parking > 6 && parking < 206);
  // Opened on a category (a shared link, `?category=`; the picker sets the same filter).
  await page.goto(server.baseUrl + '/#/admin/insight/index?category=illegal_parking');
  await page.reload();
  await page.waitForFunction((n) => document.querySelector('[data-testid="metric-total"]')?.textContent?.includes(String(n)), parking, { timeout: 60_000 });
  t.regex(await page.locator('[data-testid="category-picker"]:visible').innerText(), /违章停车/);
  t.regex(await page.locator('[data-testid="panel-hotspots"]:visible').innerText(), /城市管理\s+徐汇区\s+6/);
  t.regex(await page.locator('[data-testid="panel-hotspots"]:visible').innerText(), /已按「城市管理」显示/);
  await snap(page, '50-insight-category-filter-1440');
  await page.goto(server.baseUrl + '/#/admin/insight/index');
  await page.reload();
  await page.waitForFunction(() => /206/.test(document.querySelector('[data-testid="metric-total"]')?.textContent ?? ''), undefined, { timeout: 60_000 });

  // The hotspot rule: an admin changes it in the form; a bad value is refused at its field, in Chinese.
  const settings = page.locator('[data-testid="hotspot-settings"]:visible');
  await settings.scrollIntoViewIfNeeded();
  t.is(await page.locator(inside('hotspot-minReports', 'input')).inputValue(), '5');
  await page.locator(inside('hotspot-radiusM', 'input')).fill('20');
  await page.locator('[data-testid="hotspot-settings-save"]:visible').click();
  await page.locator('[data-testid="hotspot-radiusM-error"]:visible').waitFor();
  t.is(await page.locator('[data-testid="hotspot-radiusM-error"]:visible').innerText(), '半径至少 50 米');
  await settings.screenshot({ path: `${ARTIFACTS}/51-insight-settings-error-1440.png` });
  await page.locator(inside('hotspot-radiusM', 'input')).fill('400');
  await page.locator(inside('hotspot-minReports', 'input')).fill('6');
  await page.locator('[data-testid="hotspot-settings-save"]:visible').click();
  await page.locator('[data-testid="hotspot-settings-message"]:visible', { hasText: '已保存' }).waitFor();
  t.is(await page.locator('[data-testid="hotspot-radiusM-error"]').count(), 0);
  t.deepEqual((await server.request('GET', '/api/v1/admin/insight/settings', { token: admin.token })).body, { minReports: 6, radiusM: 400, windowHours: 24 });
  // Shown after a reload: the saved values.
  await page.reload();
  await page.locator(inside('hotspot-minReports', 'input')).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => (document.querySelector('[data-testid="hotspot-radiusM"] input') as HTMLInputElement | null)?.value === '400', undefined, { timeout: 60_000 });
  t.is(await page.locator(inside('hotspot-minReports', 'input')).inputValue(), '6');
  // One audit entry for the save.
  const audit = (await server.request('GET', '/api/v1/admin/audit?action=insight.settings', { token: admin.token })).body.items;
  t.is(audit.length, 1);
  t.like(audit[0].summary, { after: { minReports: 6, radiusM: 400, windowHours: 24 } });
  await server.request('PUT', '/api/v1/admin/insight/settings', { token: admin.token, json: { minReports: 5, radiusM: 300, windowHours: 24 } });
  await page.reload();
  await page.locator('[data-testid="metric-total"]:visible').waitFor({ timeout: 60_000 });

  // CSV export of the 堵点 table downloads a file with its header.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="panel-blockers-csv"]:visible').click()]);
  const chunks: Buffer[] = [];
  for await (const c of (await download.createReadStream())!) chunks.push(c as Buffer);
  t.true(Buffer.concat(chunks).toString('utf8').startsWith('\ufeff区,二级分类,件数,环比,集中度,解决率,满意率,综合分'));

  // Marked seen: the alert leaves the page and the navigation badge goes at once.
  await page.locator('[data-testid="alerts-seen"]:visible').click();
  await list.waitFor({ state: 'detached' });
  t.is(await page.locator('[data-testid="insight-badge"]:visible').count(), 0);
  t.is((await server.request('GET', '/api/v1/admin/insight/alerts', { token: (await server.loginAdmin()).token })).body.unseen, 0);
  t.deepEqual(errors, []);
  await context.close();
});

test.serial('数据看板 at phone width (390): panels, trend lists, a hotspot\'s reports and the settings form fit', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors } = await openInsight(browser, server.baseUrl, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' });
  await page.waitForTimeout(800);
  await snap(page, '52-insight-phone-390');
  // The console's phone scale: the same 14 px controls as the other console pages at this width.
  t.like(await consoleScale(page), { chip: '14px', button: '14px', nav: '14px', metric: '13px' });
  t.deepEqual(await seriousViolations(page), [], 'axe at 390');
  for (const id of ['overview', 'panel-days', 'panel-first-level', 'panel-trends-year', 'hotspot-settings']) {
    const el = page.locator(`[data-testid="${id}"]:visible`);
    await el.scrollIntoViewIfNeeded();
    const box = (await el.boundingBox())!;
    t.true(box.x >= 0 && box.x + box.width <= 391, `${id} fits in 390 px (${box.x}+${box.width})`);
    await el.screenshot({ path: `${ARTIFACTS}/53-insight-phone-${id}.png` });
  }
  await page.locator('[data-testid="panel-hotspots-table"]:visible .insight-tr.clickable').first().click();
  const spot = page.locator('[data-testid="hotspot-reports"]:visible');
  await spot.waitFor();
  await spot.screenshot({ path: `${ARTIFACTS}/53-insight-phone-hotspot-reports.png` });
  t.deepEqual(errors, []);
  await context.close();
});

test.serial('数据看板\'s explanations show on tap and on keyboard focus, at 390 and 1440, and no explanation is a title attribute only', async (t) => {
  const { server, browser } = e2e;
  for (const width of [390, 1440]) {
    const phone = width === 390;
    const { context, page, errors } = await openInsight(browser, server.baseUrl, { viewport: { width, height: phone ? 844 : 900 }, deviceScaleFactor: phone ? 2 : 1, hasTouch: phone, isMobile: phone, locale: 'zh-CN' });
    // A title attribute shows only under a resting mouse pointer: none may carry an explanation on this page.
    t.deepEqual(await page.evaluate(() => [...document.querySelectorAll('[data-testid="insight-page"] [title]')].map((el) => el.getAttribute('title'))), [], `${width}: no title attributes`);

    // Tap (or click) a 堵点 column's ⓘ: its explanation shows, inside the screen; a second tap hides it.
    const icon = page.locator('[data-testid="panel-blockers-tip-综合分"]:visible');
    const text = page.locator('[data-testid="panel-blockers-tip-综合分-text"]');
    await icon.scrollIntoViewIfNeeded();
    t.false(await text.isVisible(), `${width}: hidden at first`);
    if (phone) await icon.tap();
    else await icon.click();
    await t.notThrowsAsync(text.waitFor({ state: 'visible', timeout: 10_000 }), `${width}: shown on tap`);
    t.regex(await text.innerText(), /综合分 0–1/);
    const box = (await text.boundingBox())!;
    t.true(box.x >= 0 && box.x + box.width <= width + 1, `${width}: the explanation fits the screen (${box.x}+${box.width})`);
    t.is(await icon.getAttribute('aria-expanded'), 'true');
    await snap(page, `insight-tip-tap-${width}`);
    if (phone) await icon.tap();
    else {
      await icon.click();
      await page.mouse.move(0, 0); // a mouse resting on the ⓘ shows it too
    }
    await t.notThrowsAsync(text.waitFor({ state: 'hidden', timeout: 10_000 }), `${width}: hidden on a second tap`);

    // A figure's sentence shows when its card is tapped.
    const metric = page.locator('[data-testid="metric-total"]:visible');
    if (phone) await metric.tap();
    else await metric.click();
    await t.notThrowsAsync(page.locator('[data-testid="metric-total-tip"]:visible').waitFor({ timeout: 10_000 }), `${width}: a figure's sentence on tap`);

    // Keyboard: Tab reaches the category filter's ⓘ, and its explanation shows while it has the focus.
    await page.reload();
    await page.locator('[data-testid="metric-total"]:visible').waitFor({ timeout: 60_000 });
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'category-picker-tip');
    }
    t.true(reached, `${width}: the category filter's ⓘ is a tab stop`);
    await t.notThrowsAsync(page.locator('[data-testid="category-picker-tip-text"]:visible').waitFor({ timeout: 10_000 }), `${width}: shown on keyboard focus`);
    t.regex(await page.locator('[data-testid="category-picker-tip-text"]').innerText(), /只看某个一级分类/);
    await snap(page, `insight-tip-keyboard-${width}`);
    await page.keyboard.press('Tab');
    await t.notThrowsAsync(page.locator('[data-testid="category-picker-tip-text"]').waitFor({ state: 'hidden', timeout: 10_000 }), `${width}: hidden when the focus moves on`);
    t.deepEqual(await seriousViolations(page), [], `axe at ${width}`);
    t.deepEqual(errors, []);
    await context.close();
  }
});

test.serial('a 徐汇区 analyst sees only 徐汇区: figures, map, hotspots and alerts; another district is refused with a clear message', async (t) => {
  const { server, browser } = e2e;
  const admin = await server.loginAdmin();
  // A second hotspot, in 黄浦区 (道路破损 ×5 within ~100 m over the last hours), beside the 徐汇区 one of the test above.
  const huangpu = SHANGHAI_DISTRICTS.find((d) => d.code === '310101')!;
  const now = Date.now();
  await insertRawReports(Array.from({ length: 5 }, (_, k) => report(2000 + k, new Date(now - (5 - k) * 1200_000), huangpu, CATS[2], { lat: 31.2317 + k * 0.0002, lng: 121.4846 })));
  await server.services.insightWriter.drain();
  const to = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  const all = (await server.request('GET', `/api/v1/admin/insight/hotspots?from=${from}&to=${to}`, { token: admin.token })).body.items;
  t.deepEqual(all.map((h: any) => h.district.name).sort(), ['徐汇区', '黄浦区']);

  const analyst = await createStaff(server, admin.token, { roles: ['analyst'], districts: ['310104'] });
  const expected = (await server.request('GET', `/api/v1/admin/insight/overview?from=${from}&to=${to}`, { token: analyst.token })).body;
  t.deepEqual(expected.byDistrict.map((d: any) => d.name), ['徐汇区']);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.baseUrl + '/#/auth/login/index');
  await page.locator(inside('admin-username', 'input')).fill(analyst.username);
  await page.locator(inside('admin-password', 'input')).fill(analyst.password);
  await page.locator('[data-testid="admin-login"]:visible').click();
  await waitForRoute(page, 'admin/index');
  // The navigation badge counts only the hotspots of the account's districts.
  const badge = page.locator('[data-testid="insight-badge"]:visible');
  await badge.waitFor({ timeout: 10_000 });
  t.is(await badge.innerText(), '1');
  await page.locator('[data-testid="nav-dashboard"]:visible').click();
  await waitForRoute(page, 'admin/insight');

  const total = page.locator('[data-testid="metric-total"]:visible');
  await total.waitFor({ timeout: 60_000 });
  t.regex(await total.innerText(), new RegExp(`^收到 ⓘ\\s*${expected.total}\\b`));
  t.regex(await page.locator('[data-testid="district-picker"]:visible').innerText(), /全部（所辖区）/);
  await page.locator('[data-testid="map-chart"]:visible canvas').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(800);
  await page.locator('[data-testid="panel-map"]:visible').screenshot({ path: `${ARTIFACTS}/45-insight-scoped-map.png` });
  await snap(page, '46-insight-scoped-1440');
  // The map's table view: 徐汇区 only.
  await page.locator('[data-testid="panel-map-toggle"]:visible').click();
  const mapRows = await page.locator('[data-testid="panel-map-table"]:visible .insight-tr:not(.insight-th)').allInnerTexts();
  t.deepEqual(mapRows.map((r) => r.split(/\s+/)[0]), ['徐汇区']);
  // Hotspots and alerts: the 徐汇区 one, not the 黄浦区 one.
  const hotspots = await page.locator('[data-testid="panel-hotspots"]:visible').innerText();
  t.regex(hotspots, /城市管理\s+徐汇区/);
  t.notRegex(hotspots, /黄浦区/);
  const alerts = await page.locator('[data-testid="alert-list"]:visible').innerText();
  t.regex(alerts, /1 个新热点未读/);
  t.notRegex(alerts, /黄浦区/);
  // 堵点: only 徐汇区 rows.
  const blockerDistricts = (await page.locator('[data-testid="panel-blockers-table"]:visible .insight-tr:not(.insight-th)').allInnerTexts()).map((r) => r.split(/\s+/)[0]);
  t.true(blockerDistricts.length > 0);
  t.deepEqual([...new Set(blockerDistricts)], ['徐汇区']);

  // The hotspot rule: read-only for an analyst.
  const rule = page.locator('[data-testid="hotspot-settings-readonly"]:visible');
  await rule.waitFor();
  t.regex(await rule.innerText(), /300 米内、24 小时内同一一级分类满 5 件（只有管理员可以修改）/);
  t.is(await page.locator('[data-testid="hotspot-settings-save"]').count(), 0);

  // Another district (a shared link to 黄浦区): refused, saying which districts this account may see.
  await page.goto(server.baseUrl + '/#/admin/insight/index?district=310101');
  await page.reload();
  const error = page.locator('[data-testid="insight-error"]:visible');
  await error.waitFor({ timeout: 60_000 });
  t.regex(await error.innerText(), /你的账号只能查看徐汇区的数据/);
  t.is(await page.locator('[data-testid="metric-total"]:visible').count(), 0);
  await snap(page, '47-insight-scoped-refused');
  t.deepEqual(errors, []);
  await context.close();
});
