import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { makeJpeg } from '../test/images';
import { setReportFields } from '../test/reportStore';
import { ARTIFACTS, inside, PHONE, snap, waitForRoute, withAppAndBrowser, signInAsStaff, openComplaintForm, openPage, waitForDistrict } from './browser';
import { seriousViolations } from './axe';

const e2e = withAppAndBrowser(test);

/** A resident, new on the site, files a complaint with this description and opens it; returns its ticket number. */
async function fileAndOpen(resident: Page, description: string): Promise<string> {
  await openComplaintForm(resident, e2e.server.baseUrl);
  await waitForDistrict(resident);
  await resident.locator(inside('description', 'textarea')).fill(description);
  await resident.locator('[data-testid="submit"]:visible').click();
  await waitForRoute(resident, 'report/success');
  const ticketNo = (await resident.locator('[data-testid="ticket-no"]:visible').innerText()).trim();
  await resident.locator('[data-testid="view-ticket"]:visible').click();
  await waitForRoute(resident, 'tickets/detail');
  return ticketNo;
}

async function staffAct(page: Page, ticketNo: string, action: string, text?: string, photo?: string) {
  const card = page.locator(`[data-testid="console-ticket"][data-ticket="${ticketNo}"]:visible`);
  await card.locator(`[data-testid="console-${action}"]`).click();
  if (text) await card.locator('[data-testid="console-text"] textarea').fill(text);
  if (photo) {
    const chooser = page.waitForEvent('filechooser');
    await card.locator('[data-testid="console-photo"]').click();
    await (await chooser).setFiles(photo);
    await card.locator('img').first().waitFor();
  }
  await card.locator('[data-testid="console-confirm"]').click();
  await page.waitForFunction(
    ([no, a]) => !document.querySelector(`[data-ticket="${no}"] [data-testid="console-${a}"]`) || true,
    [ticketNo, action],
  );
}

test('a report goes through the local pipeline: accepted, dispatched, resolved with a photo; the resident rates 不满意 and reopens; staff see it back', async (t) => {
  const { server, browser } = e2e;
  const resident = await (await browser.newContext(PHONE)).newPage();
  const ticketNo = await fileAndOpen(resident, '人民广场东侧人行道的路灯连续一周不亮，晚上很黑');
  const reportUrl = resident.url();

  const staff = await (await browser.newContext({ ...PHONE, viewport: { width: 430, height: 932 } })).newPage();
  await signInAsStaff(staff, server.baseUrl);
  await staff.locator('[data-testid="menu-tickets"]:visible').click();
  await waitForRoute(staff, 'admin/tickets');
  const card = staff.locator(`[data-testid="console-ticket"][data-ticket="${ticketNo}"]:visible`);
  await card.waitFor({ timeout: 10_000 });

  const replyPhoto = path.join(ARTIFACTS, 'fixture-reply.jpg');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(replyPhoto, await makeJpeg({ width: 800, height: 600 }));
  await staffAct(staff, ticketNo, 'accepted');
  await card.locator('[data-testid="console-dispatched"]').waitFor();
  await staffAct(staff, ticketNo, 'dispatched');
  await card.locator('[data-testid="console-resolved"]').waitFor();
  await staffAct(staff, ticketNo, 'resolved', '已更换路灯灯泡，经夜间检查恢复照明。', replyPhoto);
  await card.waitFor({ state: 'detached', timeout: 10_000 }); // resolved tickets leave the work queue
  await snap(staff, '20-staff-console');

  await resident.goto(reportUrl);
  await resident.reload();
  const timeline = resident.locator('[data-testid="timeline"]:visible');
  await timeline.getByText('已办结').waitFor({ timeout: 10_000 });
  const steps = await timeline.innerText();
  for (const label of ['已提交', '已受理', '已派单', '已办结']) t.true(steps.includes(label), label);
  t.true(steps.includes('已更换路灯灯泡'));
  t.is(await resident.locator('[data-testid="timeline-photo"]:visible').count(), 1, 'the handler\'s photo is shown');
  await snap(resident, '21-resident-resolved');
  // axe on the resolved ticket (with the handler's photo and the 评价/重新办理 actions): no critical or serious violation.
  await resident.waitForTimeout(400);
  t.deepEqual(await seriousViolations(resident), [], 'axe on a resolved ticket');

  await resident.locator('[data-testid="action-rate"]:visible').click();
  await resident.locator('[data-testid="rating-unsatisfied"]:visible').click();
  await resident.locator('[data-testid="rate-submit"]:visible').click();
  await resident.locator('[data-testid="action-reopen"]:visible').click();
  await resident.locator(inside('action-text', 'textarea')).fill('晚上去看还是有一盏不亮');
  await resident.locator('[data-testid="action-submit"]:visible').click();
  await timeline.getByText('重新办理').first().waitFor({ timeout: 10_000 });
  t.false(await resident.locator('[data-testid="action-reopen"]:visible').isVisible());
  await snap(resident, '22-resident-reopened');

  await staff.reload();
  const back = staff.locator(`[data-testid="console-ticket"][data-ticket="${ticketNo}"]:visible`);
  await back.waitFor({ timeout: 10_000 });
  t.true((await back.innerText()).includes('重新办理'));
  t.true(await back.locator('[data-testid="console-dispatched"]').isVisible(), 'staff can dispatch it again');
});

test('补充信息 and 重新办理 sent empty are named at the box; 催办 says when it opens and opens once the deadline has passed', async (t) => {
  const { server, browser } = e2e;
  const { context, page: resident, errors } = await openPage(browser);
  await fileAndOpen(resident, '黄浦区人民大道的窨井盖松动，车辆经过时响声很大');
  const id = new URL(resident.url().replace('/#/', '/')).searchParams.get('id')!;

  // 催办: not yet, and the page says from when (no deadline yet: 24 h after filing).
  const urgeFrom = resident.locator('[data-testid="urge-from"]:visible');
  await urgeFrom.waitFor({ timeout: 15_000 });
  t.regex(await urgeFrom.innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 起可以催办/);
  t.is(await resident.locator('[data-testid="action-urge"]:visible').count(), 0);

  // An empty 补充信息: the reason sits under the box, before anything is sent.
  let supplements = 0;
  resident.on('request', (r) => r.url().endsWith('/supplement') && supplements++);
  await resident.locator('[data-testid="action-supplement"]:visible').click();
  await resident.locator('[data-testid="action-submit"]:visible').click();
  const boxError = resident.locator('[data-testid="action-text-error"]:visible');
  await boxError.waitFor();
  t.is((await boxError.innerText()).trim(), '请填写补充内容或添加照片');
  t.false(/请求内容有误/.test(await resident.locator('[data-testid="actions"]:visible').innerText()));
  t.is(supplements, 0);
  await snap(resident, '22-supplement-empty');
  await resident.locator(inside('actions', 'textarea')).fill('井盖在公交站东侧约十米处');
  t.is(await boxError.count(), 0, 'typing clears the message');
  // With a photo, through the same picker as the report form.
  mkdirSync(ARTIFACTS, { recursive: true });
  const extra = path.join(ARTIFACTS, 'fixture-supplement.jpg');
  writeFileSync(extra, await makeJpeg({ width: 800, height: 600 }));
  const chooser = resident.waitForEvent('filechooser');
  await resident.locator('[data-testid="actions"]:visible [data-testid="photo-add"]').click();
  await (await chooser).setFiles(extra);
  await resident.locator('[data-testid="actions"]:visible [data-testid="photo-tile"]').first().waitFor();
  await resident.waitForFunction(() => !/\d+%/.test(document.querySelector('[data-testid="actions"]')?.textContent ?? ''), null, { timeout: 15_000 });
  await snap(resident, '22b-supplement-photo');
  await resident.locator('[data-testid="action-submit"]:visible').click();
  await resident.locator('[data-testid="timeline"]:visible').getByText('您补充了信息：井盖在公交站东侧约十米处').waitFor({ timeout: 15_000 });
  const admin = await server.loginAdmin();
  t.is((await server.request('GET', `/api/v1/reports/${id}`, { token: admin.token })).body.mediaIds.length, 1, 'the photo is on the report');

  // The deadline (an urgent ticket's can be an hour) has passed: 催办 is offered within the first 24 h.
  await setReportFields(id, { status: 'dispatched', dueAt: new Date(Date.now() - 60_000) });
  await resident.reload();
  await resident.locator('[data-testid="action-urge"]:visible').click();
  await resident.locator('[data-testid="timeline"]:visible').getByText(/催办/).first().waitFor({ timeout: 15_000 });
  await resident.locator('[data-testid="urge-from"]:visible').waitFor({ timeout: 15_000 }); // next one: in 24 h

  // An empty 重新办理 reason, likewise.
  await setReportFields(id, { status: 'resolved', resolvedAt: new Date() });
  await resident.reload();
  await resident.locator('[data-testid="action-reopen"]:visible').click();
  await resident.locator('[data-testid="action-submit"]:visible').click();
  await boxError.waitFor();
  t.is((await boxError.innerText()).trim(), '请说明需要重新办理的原因');
  await resident.setViewportSize({ width: 1440, height: 900 });
  await snap(resident, '23-reopen-empty-desktop');
  t.deepEqual(errors, []);
  await context.close();
});
