import test from 'ava';
import type { Page } from 'playwright-core';
import { inside, PHONE, snap, waitForRoute, withAppAndBrowser, signInAsStaff, openComplaintForm, waitForDistrict } from './browser';

const e2e = withAppAndBrowser(test);

async function startComplaint(page: Page, text: string) {
  await openComplaintForm(page, e2e.server.baseUrl);
  await waitForDistrict(page);
  await page.locator(inside('description', 'textarea')).fill(text);
  await page.locator('[data-testid="submit"]:visible').click();
}

test.serial('附近已有人反映: a second resident is offered the open ticket nearby, joins it, and hears of its progress in 消息通知', async (t) => {
  const { server, browser } = e2e;
  // The first resident files a report at People's Square.
  const first = await (await browser.newContext(PHONE)).newPage();
  await startComplaint(first, '人民广场东侧人行道的路灯连续一周不亮，晚上很黑');
  await waitForRoute(first, 'report/success');
  await first.locator('[data-testid="view-ticket"]:visible').click();
  await waitForRoute(first, 'tickets/detail');
  const reportId = new URL(first.url().replace('#', '')).searchParams.get('id')!;
  t.truthy(reportId);

  // A neighbour, a few metres away, describes the same problem in other words.
  const second = await (await browser.newContext(PHONE)).newPage();
  await startComplaint(second, '人民广场东边人行道上的路灯不亮了，晚上黑乎乎的');
  const offer = second.locator('[data-testid="similar"]:visible');
  await offer.waitFor({ timeout: 10_000 });
  t.is(await offer.locator('[data-testid="similar-item"]').count(), 1);
  t.regex(await offer.innerText(), /附近已有人反映/);
  await offer.scrollIntoViewIfNeeded();
  await snap(second, '30-similar-offer');
  await offer.locator('[data-testid="similar-join"]').click();
  await waitForRoute(second, 'tickets/detail');
  await second.locator('[data-testid="follower-banner"]:visible').waitFor();
  t.true(second.url().includes(reportId), 'the neighbour now follows the first ticket');
  await snap(second, '31-joined');

  // Staff accept it; the neighbour sees it in 消息通知 from the home page.
  const admin = await server.loginAdmin();
  const moved = await server.request('POST', `/api/v1/admin/reports/${reportId}/transitions`, { token: admin.token, json: { to: 'accepted' } });
  t.is(moved.status, 200);
  for (let i = 0; i < 50; i++) {
    await second.waitForTimeout(100);
    await second.goto(server.baseUrl + '/#/pages/index/index');
    if (await second.locator('[data-testid="unread-count"]:visible').count()) break;
  }
  t.is((await second.locator('[data-testid="unread-count"]:visible').innerText()).trim(), '1');
  await snap(second, '32-home-unread');
  await second.locator('[data-testid="entry-messages"]:visible').click();
  await waitForRoute(second, 'tickets/messages');
  const item = second.locator('[data-testid="message-item"]:visible').first();
  await item.waitFor();
  t.regex(await item.innerText(), /您关注的诉求已受理/);
  await snap(second, '33-messages');
  await item.click();
  await waitForRoute(second, 'tickets/detail');
  await second.locator('[data-testid="timeline"]:visible').getByText('已受理').first().waitFor();

  // The first resident's ticket now says someone else reported it too.
  await first.reload();
  await first.locator('[data-testid="supporters"]:visible').waitFor();
  t.regex(await first.locator('[data-testid="supporters"]:visible').innerText(), /另有 1 位市民/);
});

test.serial('a resident files anyway despite the offer; staff merge the duplicate in the console and the resident is pointed to the other ticket', async (t) => {
  const { server, browser } = e2e;
  const third = await (await browser.newContext(PHONE)).newPage();
  await startComplaint(third, '人民广场东侧路灯坏了，一到晚上就很黑');
  const offer = third.locator('[data-testid="similar"]:visible');
  await offer.waitFor({ timeout: 10_000 });
  const target = (await offer.locator('[data-testid="similar-item"]').first().innerText()).trim();
  t.regex(target, /路灯/);
  await offer.locator('[data-testid="similar-submit-anyway"]').click();
  await waitForRoute(third, 'report/success');
  const duplicateNo = (await third.locator('[data-testid="ticket-no"]:visible').innerText()).trim();
  await third.locator('[data-testid="view-ticket"]:visible').click();
  await waitForRoute(third, 'tickets/detail');
  const duplicateUrl = third.url();

  const admin = await server.loginAdmin();
  const queue = await server.request('GET', '/api/v1/admin/reports', { token: admin.token });
  const first = queue.body.items.find((r: { ticketNo: string; description: string }) => r.ticketNo !== duplicateNo && r.description.includes('连续一周不亮'));
  t.truthy(first, 'the first ticket is in the queue');

  const staff = await (await browser.newContext({ ...PHONE, viewport: { width: 430, height: 932 } })).newPage();
  await signInAsStaff(staff, server.baseUrl);
  await staff.locator('[data-testid="menu-tickets"]:visible').click();
  await waitForRoute(staff, 'admin/tickets');
  const card = staff.locator(`[data-testid="console-ticket"][data-ticket="${duplicateNo}"]:visible`);
  await card.waitFor({ timeout: 10_000 });
  await card.locator('[data-testid="console-merge"]').click();
  await card.locator('[data-testid="console-merge-into"] input').fill(first.ticketNo);
  await snap(staff, '34-staff-merge');
  await card.locator('[data-testid="console-merge-confirm"]').click();
  await card.waitFor({ state: 'detached', timeout: 10_000 }); // merged tickets leave the work queue

  await third.goto(duplicateUrl);
  await third.reload();
  const banner = third.locator('[data-testid="merged-banner"]:visible');
  await banner.waitFor({ timeout: 10_000 });
  t.true((await banner.innerText()).includes(first.ticketNo));
  await snap(third, '35-merged');
  await banner.click();
  await third.locator('[data-testid="follower-banner"]:visible').waitFor();
  t.true(third.url().includes(first.id), 'the resident now follows the ticket theirs was merged into');
});
