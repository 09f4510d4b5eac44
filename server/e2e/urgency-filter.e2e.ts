import { readFileSync } from 'node:fs';
import test from 'ava';
import type { Page } from 'playwright-core';
import { submitComplaint } from '../test/harness';
import { setReportFields, unsetReportFields } from '../test/reportStore';
import { seriousViolations } from './axe';
import { openPage, shownTickets, signInAsStaff, snap, waitForRoute, WIDTHS, withAppAndBrowser } from './browser';

// 诉求检索's 紧急程度 filter in the browser: a dispatcher ticks 次紧急 (then 紧急 as well) and sees only those rows;
// the export follows the ticks. At a desk (1440) and on a phone (390).
const e2e = withAppAndBrowser(test);

type Seeded = Record<'water' | 'plain' | 'oldUrgent', { id: string; ticketNo: string; urgency?: string }>;
let seeded: Seeded | null = null;

async function seed(): Promise<Seeded> {
  const { server } = e2e;
  const citizen = await server.loginCitizen();
  const submit = async (body: Record<string, unknown>) => (await submitComplaint(server, body, citizen)).report as unknown as { id: string; ticketNo: string; urgency: string };
  // 次紧急 as the classifier files it (the same text as console.e2e.ts's badge test).
  const water = await submit({ description: '我们这栋楼从早上开始整栋停水，到现在还没来水，楼里住的大多是老人' });
  // 普通, and a 紧急 report stored before the levels existed (`urgent: true`, no `urgency`): set directly, so the
  // test does not depend on what the classifier makes of their texts.
  const plain = await submit({ description: '小区门口的共享单车停得有点乱，希望有人来整理一下' });
  await setReportFields(plain.id, { urgency: 'normal', urgent: false });
  const oldUrgent = await submit({ description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃' });
  await setReportFields(oldUrgent.id, { urgent: true });
  await unsetReportFields(oldUrgent.id, ['urgency']);
  return { water, plain, oldUrgent };
}

const row = (page: Page, ticketNo: string) => page.locator(`[data-testid="search-row"][data-ticket="${ticketNo}"]:visible`);
const checkbox = (page: Page, level: string) => page.locator(`[data-testid="urgency-${level}"]:visible`);

for (const width of WIDTHS) {
  test.serial(`${width.name} ${width.viewport.width}: 诉求检索 — tick 次紧急, see only 次紧急 rows; add 紧急 (an old report too); the export follows; labelled and keyboard-operable`, async (t) => {
    const { server, browser } = e2e;
    seeded ??= await seed();
    const { water, plain, oldUrgent } = seeded;
    t.is(water.urgency, 'semi_urgent', 'the seed text is 次紧急');

    const { context, page, errors } = await openPage(browser, { viewport: width.viewport, locale: 'zh-CN', acceptDownloads: true });
    await signInAsStaff(page, server.baseUrl);
    await page.goto(server.baseUrl + '/#/admin/search/index');
    await waitForRoute(page, 'admin/search');
    for (const r of [water, plain, oldUrgent]) await row(page, r.ticketNo).waitFor({ timeout: 30_000 });

    // The levels are checkboxes in a group a screen reader names 「紧急程度」.
    const group = page.locator('[data-testid="search-urgency"]:visible');
    t.is(await group.getAttribute('role'), 'group');
    t.is(await page.locator(`#${await group.getAttribute('aria-labelledby')}`).innerText(), '紧急程度');
    t.deepEqual(await group.locator('[role="checkbox"]').allInnerTexts(), ['紧急', '次紧急', '普通']);
    t.deepEqual(await group.locator('[role="checkbox"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-checked'))), ['false', 'false', 'false']);

    // 次紧急 ticked (at the desk by the keyboard: focus, Space; on the phone by a tap), then 查询.
    if (width.name === 'desk') {
      await checkbox(page, 'semi_urgent').focus();
      await page.keyboard.press(' ');
    } else {
      await checkbox(page, 'semi_urgent').click();
    }
    await page.locator('[data-testid="urgency-semi_urgent"][aria-checked="true"]:visible').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="search-go"]:visible').click();
    await row(page, plain.ticketNo).waitFor({ state: 'detached', timeout: 30_000 });
    await row(page, water.ticketNo).waitFor({ timeout: 30_000 });
    t.deepEqual(await shownTickets(page), [water.ticketNo], 'only the 次紧急 row');
    t.is(await page.locator(`[data-testid="badge-semi-urgent"][data-ticket="${water.ticketNo}"]:visible`).count(), 1);
    await snap(page, `urgency-01-${width.name}-semi-urgent-only`);
    t.deepEqual(await seriousViolations(page), [], 'axe: no serious or critical violations with the filter set');

    // The export takes the ticks: the CSV lists the 次紧急 report only.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('[data-testid="export-csv"]:visible').click()]);
    const lines = readFileSync((await download.path())!, 'utf8').replace('\uFEFF', '').trim().split('\r\n');
    const header = lines[0].split(',');
    t.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), [water.ticketNo]);
    t.is(lines[1].split(',')[header.indexOf('紧急程度')], '次紧急');

    // 紧急 as well ("what must be done today"): the report stored with only `urgent: true` comes in; 普通 stays out.
    await checkbox(page, 'urgent').click();
    await page.locator('[data-testid="urgency-urgent"][aria-checked="true"]:visible').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="search-go"]:visible').click();
    await row(page, oldUrgent.ticketNo).waitFor({ timeout: 30_000 });
    t.deepEqual(await shownTickets(page), [water.ticketNo, oldUrgent.ticketNo].sort());
    await snap(page, `urgency-02-${width.name}-urgent-and-semi-urgent`);

    // Unticked both: every row again.
    for (const level of ['urgent', 'semi_urgent']) {
      await checkbox(page, level).click();
      await page.locator(`[data-testid="urgency-${level}"][aria-checked="false"]:visible`).waitFor({ timeout: 10_000 });
    }
    await page.locator('[data-testid="search-go"]:visible').click();
    await row(page, plain.ticketNo).waitFor({ timeout: 30_000 });
    t.deepEqual(await shownTickets(page), [water.ticketNo, plain.ticketNo, oldUrgent.ticketNo].sort());
    t.deepEqual(errors, []);
    await context.close();
  });
}
