import test from 'ava';
import type { Page } from 'playwright-core';
import { submitComplaint } from '../test/harness';
import { setReportFields } from '../test/reportStore';
import { seriousViolations } from './axe';
import { openPage, shownTickets, signInAsStaff, snap, waitForRoute, WIDTHS, withAppAndBrowser } from './browser';

// 工作台's figures open the list they count: 次紧急 (a click) opens 诉求检索 on the open 次紧急 reports with the
// 次紧急 box ticked, 超期未办结 (Tab, Enter) on the open overdue ones with 超期 ticked; a hand-edited link with bad
// values still opens the page, unfiltered. At a desk (1440) and on a phone (390).
const e2e = withAppAndBrowser(test);

type Row = { id: string; ticketNo: string; urgency: string };
type Seeded = Record<'water' | 'plain' | 'late' | 'doneWater', Row>;
let seeded: Seeded | null = null;

async function seed(): Promise<Seeded> {
  const { server } = e2e;
  const citizen = await server.loginCitizen();
  const submit = async (body: Record<string, unknown>) => (await submitComplaint(server, body, citizen)).report as unknown as Row;
  // 次紧急 as the classifier files it (the same text as console.e2e.ts and urgency-filter.e2e.ts use).
  const WATER = '我们这栋楼从早上开始整栋停水，到现在还没来水，楼里住的大多是老人';
  const water = await submit({ description: WATER });
  // The others' levels and states are set directly, so the figures do not depend on the classifier or a clock.
  const plain = await submit({ description: '小区门口的共享单车停得有点乱，希望有人来整理一下' });
  await setReportFields(plain.id, { urgency: 'normal', urgent: false });
  const late = await submit({ description: '人民广场附近人行道上的地砖松了好几块，下雨天踩上去会溅水' });
  await setReportFields(late.id, { urgency: 'normal', urgent: false, overdueAt: new Date() });
  // 次紧急 but finished: not in a figure, which counts open reports only.
  const doneWater = await submit({ description: '小区北门的路灯坏了两盏，晚上进出很黑' });
  await setReportFields(doneWater.id, { status: 'resolved', urgency: 'semi_urgent', urgent: false });
  return { water, plain, late, doneWater };
}

const figure = (page: Page, id: string) => page.locator(`[data-testid="${id}"]:visible`);
const checked = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"]:visible`).getAttribute('aria-checked');
const statusPicker = (page: Page) => page.locator('[data-testid="search-status"]:visible').innerText();

/** What has the keyboard focus: its data-testid, else its tag. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '');

async function openHome(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl + '/#/admin/index/index');
  await page.reload();
  await waitForRoute(page, 'admin/index');
  // The figures are counted after the page shows: wait for the last one.
  await figure(page, 'fig-semi-urgent').waitFor({ timeout: 30_000 });
}

for (const width of WIDTHS) {
  test.serial(`${width.name} ${width.viewport.width}: 工作台 — each figure is a named link; 次紧急 (click) and 超期未办结 (Tab, Enter) open 诉求检索 filtered as counted`, async (t) => {
    const { server, browser } = e2e;
    seeded ??= await seed();
    const { water, plain, late, doneWater } = seeded;
    t.is(water.urgency, 'semi_urgent', 'the seed text is 次紧急');

    const { context, page, errors } = await openPage(browser, { viewport: width.viewport, locale: 'zh-CN' });
    await signInAsStaff(page, server.baseUrl);
    await figure(page, 'fig-semi-urgent').waitFor({ timeout: 30_000 });

    // Each figure is a link whose name carries its figure; the counts are the open reports only.
    const names = await page.locator('[data-testid^="fig-"]:visible').evaluateAll((els) => els.map((e) => [e.getAttribute('role'), e.getAttribute('aria-label')]));
    t.deepEqual(names.slice(0, 4), [
      ['link', '办理中的诉求：3，打开列表'],
      ['link', '超期未办结：1，打开列表'],
      ['link', '紧急：0，打开列表'],
      ['link', '次紧急：1，打开列表'],
    ]);
    t.true(names.slice(4).every(([role]) => role === 'link'), '待分拣 too');
    // 常用's links are keyboard stops too (lib/keyboard.ts gives every element with a link role a tabindex)
    const menu = await page.locator('[data-testid^="menu-"]:visible').evaluateAll((els) => els.map((e) => [e.getAttribute('role'), (e as HTMLElement).tabIndex]));
    t.true(menu.length > 0 && menu.every(([role, tabIndex]) => role === 'link' && Number(tabIndex) >= 0), JSON.stringify(menu));
    await snap(page, `home-links-01-${width.name}-figures`);
    t.deepEqual(await seriousViolations(page), [], 'axe: 工作台');

    // 次紧急 by a click: only the open 次紧急 report, its box ticked, 状态 shows 未办结.
    await figure(page, 'fig-semi-urgent').click();
    await waitForRoute(page, 'urgency=semi_urgent', 30_000);
    await page.locator(`[data-testid="search-row"][data-ticket="${water.ticketNo}"]:visible`).waitFor({ timeout: 30_000 });
    t.deepEqual(await shownTickets(page), [water.ticketNo], 'only the open 次紧急 row');
    t.false((await shownTickets(page)).includes(doneWater.ticketNo), 'the finished 次紧急 report is not in the list');
    t.is(await checked(page, 'urgency-semi_urgent'), 'true');
    t.is(await checked(page, 'urgency-urgent'), 'false');
    t.is(await checked(page, 'urgency-normal'), 'false');
    t.is(await checked(page, 'search-overdue'), 'false');
    t.is(await statusPicker(page), '状态：未办结');
    await snap(page, `home-links-02-${width.name}-semi-urgent-list`);
    t.deepEqual(await seriousViolations(page), [], 'axe: 诉求检索 opened from a figure');

    // 超期未办结 by the keyboard: Tab reaches the figure, Enter opens its list.
    await openHome(page, server.baseUrl);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const stops: string[] = [];
    for (let i = 0; i < 60 && stops.at(-1) !== 'fig-overdue'; i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused(page));
    }
    t.is(stops.at(-1), 'fig-overdue', `Tab reaches 超期未办结: ${stops.join(' → ')}`);
    t.is(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'solid', 'keyboard focus is visible');
    await snap(page, `home-links-03-${width.name}-overdue-focused`);
    await page.keyboard.press('Enter');
    await waitForRoute(page, 'overdue=1', 30_000);
    await page.locator(`[data-testid="search-row"][data-ticket="${late.ticketNo}"]:visible`).waitFor({ timeout: 30_000 });
    t.deepEqual(await shownTickets(page), [late.ticketNo], 'only the open overdue row');
    t.is(await checked(page, 'search-overdue'), 'true');
    t.is(await checked(page, 'urgency-semi_urgent'), 'false');
    t.is(await statusPicker(page), '状态：未办结');
    await snap(page, `home-links-04-${width.name}-overdue-list`);

    // A hand-edited link: unknown values are dropped, the page opens unfiltered; a known one next to them stays.
    await page.goto(`${server.baseUrl}/#/admin/search/index?status=bogus&urgency=very,normal&overdue=maybe&district=123&category=%3Cx%3E`);
    await page.reload();
    await waitForRoute(page, 'status=bogus');
    await page.locator(`[data-testid="search-row"][data-ticket="${late.ticketNo}"]:visible`).waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="search-row"][data-ticket="${plain.ticketNo}"]:visible`).waitFor({ timeout: 30_000 });
    t.deepEqual(await shownTickets(page), [plain.ticketNo, late.ticketNo].sort(), '普通 only (the one known value), any status');
    t.is(await checked(page, 'urgency-normal'), 'true');
    t.is(await checked(page, 'search-overdue'), 'false');
    t.is(await statusPicker(page), '状态：全部');
    t.is(await page.locator('[data-testid="search-error"]:visible').count(), 0);

    t.deepEqual(errors, []);
    await context.close();
  });
}

test.serial('phone 390: a 工作台 figure that cannot be read is named in an alert, in Chinese; the others still show', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  await signInAsStaff(page, server.baseUrl);
  // 待分拣's count fails (a gateway's bare 503); the other figures' answers come back.
  await page.route('**/api/v1/admin/triage', (route) => route.fulfill({ status: 503, contentType: 'text/html', body: '<html>503</html>' }));
  await openHome(page, server.baseUrl);
  const alert = page.locator('[data-testid="home-error"]:visible');
  await alert.waitFor({ timeout: 30_000 });
  t.is(await alert.getAttribute('role'), 'alert');
  t.is(await alert.innerText(), '待分拣未能加载：服务暂时不可用，请稍后重试');
  // The figures that were read still show; the one that was not is absent, not shown as 0.
  t.is(await figure(page, 'fig-open').count(), 1);
  t.is(await figure(page, 'fig-triage').count(), 0);
  await snap(page, 'home-figures-error-390');
  t.deepEqual(errors, []);
  await context.close();
});
