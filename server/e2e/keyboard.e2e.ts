import test from 'ava';
import type { Page } from 'playwright-core';
import { REPORT_STATUSES, STATUS_LABELS } from '@ssp/shared';
import { validComplaint } from '../test/harness';
import { inside, openPage, signInAsStaff, snap, waitForRoute, withAppAndBrowser } from './browser';

const e2e = withAppAndBrowser(test);

/** What has the keyboard focus: its data-testid, else its role and text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '(body)';
    const id = el.getAttribute('data-testid');
    return id ? `#${id}` : `${el.getAttribute('role') ?? el.tagName.toLowerCase()}:${(el.innerText || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 20)}`;
  });
}

/** Presses Tab (or Shift+Tab) until `want` has the focus (at most `max` times); returns every stop on the way. */
async function tabTo(page: Page, want: string | RegExp, max = 60, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    stops.push(now);
    if (typeof want === 'string' ? now === want : want.test(now)) return stops;
  }
  throw new Error(`Tab never reached ${String(want)}; stops: ${stops.join(' → ')}`);
}

test.serial('phone 390: a resident reaches 我要反映 by Tab and opens it with Enter, signs in with Enter, and toggles 长辈模式 with Space', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors } = await openPage(browser);

  await page.goto(server.baseUrl + '/');
  // The privacy notice's 同意 is a Taro Button (<taro-button-core>): reachable and operable like a <button>.
  await page.locator('[data-testid="privacy-agree"]:visible').waitFor();
  await tabTo(page, '#privacy-agree');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="privacy-agree"]').waitFor({ state: 'hidden' });

  await page.locator('[data-testid="entry-complaint"]:visible').waitFor();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, '#entry-complaint');
  t.is(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'solid', 'keyboard focus is visible');
  await snap(page, 'keyboard-01-home-focus-phone');
  await page.keyboard.press('Enter');
  // Not signed in on the web: the login page first; its 本地体验登录 (a Taro Button) answers to Enter too.
  await waitForRoute(page, 'auth/login');
  await tabTo(page, '#local-login');
  await page.keyboard.press('Enter');
  await waitForRoute(page, 'report/complaint');

  // Space still types a space in a text field: the handler leaves native controls alone.
  const description = page.locator(inside('description', 'textarea'));
  await description.focus();
  await page.keyboard.type('路灯 不亮');
  t.is(await description.inputValue(), '路灯 不亮');

  // Home again: the 长辈模式 switch and the language button take the focus; Space turns the switch on.
  await page.goto(server.baseUrl + '/#/pages/index/index');
  const elder = page.locator('[data-testid="elder-switch"]:visible');
  await elder.waitFor();
  t.is(await elder.getAttribute('aria-checked'), 'false');
  await tabTo(page, '#elder-switch');
  await snap(page, 'keyboard-02-elder-switch-focus-phone');
  const scrolled = () => page.evaluate(() => [...document.querySelectorAll('.taro_page')].reduce((sum, el) => sum + el.scrollTop, window.scrollY));
  const scrollBefore = await scrolled();
  await page.keyboard.press(' ');
  await t.notThrowsAsync(page.locator('[data-testid="elder-switch"][aria-checked="true"]:visible').waitFor({ timeout: 10_000 }), '长辈模式 switched on by Space');
  t.is(await scrolled(), scrollBefore, 'Space does not scroll the page');
  await page.locator('.elder-entry:visible').first().waitFor();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, '#language-switch');
  await snap(page, 'keyboard-03-elder-language-focus-phone');
  t.deepEqual(errors, []);
  await context.close();
});

test.serial('desktop 1440: in 工单处理 the side navigation, filters, 查询 and row actions take the focus and answer Enter/Space', async (t) => {
  const { server, browser } = e2e;
  const citizen = await server.loginCitizen();
  const submitted = await server.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint({}), headers: { 'Idempotency-Key': crypto.randomUUID() } });
  t.is(submitted.status, 201);
  const ticketNo = (submitted.body as { ticketNo: string }).ticketNo;

  const { context, page, errors } = await openPage(browser, { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await signInAsStaff(page, server.baseUrl);
  await page.goto(server.baseUrl + '/#/admin/tickets/index');
  await waitForRoute(page, 'admin/tickets');
  const row = page.locator(`[data-testid="console-ticket"][data-ticket="${ticketNo}"]:visible`);
  await row.waitFor({ timeout: 15_000 });

  // One pass of Tab from the top: the side navigation, the filters, 查询 and the row's actions are all stops.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const stops = await tabTo(page, '#console-accepted');
  for (const want of ['#nav-tickets', '#nav-search', 'button:状态：全部在办', 'checkbox:紧急', 'button:查询']) t.true(stops.includes(want), `${want} in the tab order: ${stops.join(' → ')}`);
  await snap(page, 'keyboard-04-console-row-action-focus-desk');
  // Enter on a row action opens its form.
  await page.keyboard.press('Enter');
  await t.notThrowsAsync(page.locator('[data-testid="console-confirm"]:visible').waitFor({ timeout: 10_000 }), '受理 opened by Enter');

  // From the top again: Enter opens the 状态 Picker, Space ticks the 紧急 filter, Enter on 查询 runs the query (the test report is not urgent,
  // so its row goes), and Shift+Tab back to the side navigation, where Enter opens 诉求检索.
  await page.reload();
  await row.waitFor({ timeout: 15_000 });
  // The 状态 Picker's trigger answers Enter: the picker opens.
  await tabTo(page, 'button:状态：全部在办');
  await page.keyboard.press('Enter');
  await page.locator('.weui-picker__action:visible').filter({ hasText: '确定' }).waitFor({ timeout: 10_000 });
  // Escape closes it (取消); choosing a value by keyboard: the 诉求检索 test below.
  await page.keyboard.press('Escape');
  await page.reload();
  await row.waitFor({ timeout: 15_000 });

  await tabTo(page, 'checkbox:紧急');
  await page.keyboard.press(' ');
  await t.notThrowsAsync(page.locator('.f-check[role="checkbox"][aria-checked="true"]:visible').filter({ hasText: '紧急' }).waitFor({ timeout: 10_000 }), '紧急 ticked by Space');
  await page.keyboard.press(' ');
  await t.notThrowsAsync(page.locator('.f-check[role="checkbox"][aria-checked="false"]:visible').filter({ hasText: '紧急' }).waitFor({ timeout: 10_000 }), '紧急 unticked by Space');
  await row.waitFor({ timeout: 15_000 });
  // A keyword only takes effect on 查询: typed (no query yet), then Enter on 查询 runs it and the row goes.
  await page.locator('input[placeholder="工单号或内容关键词"]:visible').fill('没有这样的内容');
  await tabTo(page, 'button:查询', 10);
  t.true(await row.isVisible(), 'typing alone does not query');
  await snap(page, 'keyboard-06-console-query-focus-desk');
  await page.keyboard.press('Enter');
  await t.notThrowsAsync(row.waitFor({ state: 'detached', timeout: 15_000 }), '查询 ran by Enter');
  await tabTo(page, '#nav-search', 30, 'Shift+Tab');
  await page.keyboard.press('Enter');
  await waitForRoute(page, 'admin/search');
  t.deepEqual(errors, []);
  await context.close();
});

test.serial('desktop 1440: in 诉求检索 the keyboard chooses a Picker value (a list, a date) and sorts the table by a header', async (t) => {
  const { server, browser } = e2e;
  const citizen = await server.loginCitizen();
  for (let i = 0; i < 2; i++) {
    const res = await server.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint({}), headers: { 'Idempotency-Key': crypto.randomUUID() } });
    t.is(res.status, 201);
  }
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signInAsStaff(page, server.baseUrl);
  await page.goto(server.baseUrl + '/#/admin/search/index');
  await waitForRoute(page, 'admin/search');
  const rows = page.locator('[data-testid="search-row"]:visible');
  await rows.nth(1).waitFor({ timeout: 15_000 });
  /** The focused Picker column: its role and the value it shows. */
  const column = () => page.evaluate(() => ({ role: document.activeElement?.getAttribute('role'), value: document.activeElement?.getAttribute('aria-valuetext') }));
  const inColumn = () => page.waitForFunction(() => document.activeElement?.matches('taro-picker-group'), undefined, { timeout: 10_000 });

  // 状态: Enter opens the Picker on its column; ↓↓ moves two rows; Enter is 确定 and the focus is back on the trigger.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, 'button:状态：全部');
  await page.keyboard.press('Enter');
  await inColumn();
  t.deepEqual(await column(), { role: 'spinbutton', value: '全部' });
  await snap(page, 'keyboard-07-picker-column-focus-desk');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  // 全部, 未办结 (every open status), then each status: two rows down is the first status.
  const chosen = STATUS_LABELS[REPORT_STATUSES[0]];
  t.deepEqual(await column(), { role: 'spinbutton', value: chosen });
  await page.keyboard.press('Enter');
  await t.notThrowsAsync(page.locator('.f-picker:visible').filter({ hasText: `状态：${chosen}` }).waitFor({ timeout: 10_000 }), '确定 by Enter');
  t.is(await focused(page), `button:状态：${chosen}`, 'the focus is back on the Picker');
  // Escape is 取消: the value stays.
  await page.keyboard.press('Enter');
  await inColumn();
  t.is((await column()).value, chosen, 'opens on the value chosen');
  await page.keyboard.press('End');
  await page.keyboard.press('Escape');
  await page.locator('.weui-picker__overlay:visible').waitFor({ state: 'hidden', timeout: 10_000 });
  t.is(await focused(page), `button:状态：${chosen}`, 'Escape: the value stays and the focus is back');

  // 起 (a date): Tab moves between the columns of the open Picker; the month moves by one; Enter takes the date shown.
  await tabTo(page, 'button:起：不限');
  await page.keyboard.press('Enter');
  await inColumn();
  await page.keyboard.press('Tab');
  const month = Number((await column()).value?.replace(/\D/g, ''));
  t.true(month >= 1 && month <= 12, `the month column has the focus (${month})`);
  await page.keyboard.press(month > 1 ? 'ArrowUp' : 'ArrowDown');
  // the date picker's overlay only: 状态's, closed just before, can still be display:block while it fades (ci-K)
  const shown = await page.evaluate(() => [...document.querySelectorAll('.weui-picker__overlay')].filter((o) => getComputedStyle(o).display !== 'none' && o.querySelectorAll('taro-picker-group').length === 3).flatMap((o) => [...o.querySelectorAll('taro-picker-group')].map((c) => (c.getAttribute('aria-valuetext') ?? '').replace(/\D/g, ''))));
  t.is(shown.length, 3, shown.join());
  t.is(Number(shown[1]), month > 1 ? month - 1 : month + 1, 'the month moved by one');
  await page.keyboard.press('Enter');
  const date = `${shown[0]}-${shown[1].padStart(2, '0')}-${shown[2].padStart(2, '0')}`;
  await t.notThrowsAsync(page.locator('.f-picker:visible').filter({ hasText: `起：${date}` }).waitFor({ timeout: 10_000 }), `the date chosen by keyboard: ${date}`);

  // The 工单号 header sorts by Enter (NutUI sorts the page's rows), and restores the order by Space.
  const order = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-ticket') ?? ''));
  const before = await order();
  const ascending = [...before].sort((a, b) => a.localeCompare(b, 'zh-Hans-CN', { numeric: true }));
  t.notDeepEqual(before, ascending, 'newest first: sorting by 工单号 changes the order');
  await tabTo(page, /^button:工单号/);
  await page.keyboard.press('Enter');
  await t.notThrowsAsync(page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('[data-testid="search-row"]')].map((e) => e.getAttribute('data-ticket'))) === want, JSON.stringify(ascending), { timeout: 10_000 }), 'sorted by Enter');
  await snap(page, 'keyboard-08-sorted-by-keyboard-desk');
  await page.keyboard.press(' ');
  await t.notThrowsAsync(page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('[data-testid="search-row"]')].map((e) => e.getAttribute('data-ticket'))) === want, JSON.stringify(before), { timeout: 10_000 }), 'the first order again by Space');
  t.deepEqual(errors, []);
  await context.close();
});
