import path from 'node:path';
import test from 'ava';
import { makeJpeg } from '../test/images';
import { writeFileSync, mkdirSync } from 'node:fs';
import { PHONE, snap, inside, ARTIFACTS, waitForRoute, withAppAndBrowser, agreeToPrivacy } from './browser';

const e2e = withAppAndBrowser(test);

test('a resident logs in, files a complaint with a photo, and follows it in 我的诉求', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const photo = path.join(ARTIFACTS, 'fixture-pothole.jpg');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(photo, await makeJpeg({ width: 1200, height: 900, withGps: true }));

  await page.goto(server.baseUrl + '/');
  await agreeToPrivacy(page);
  await page.getByText('我要反映', { exact: true }).click();

  // Not logged in on the web: the login page, then straight back to the form.
  await page.getByText('本地体验登录', { exact: true }).last().click();
  await waitForRoute(page, 'report/complaint');

  // The location fills itself in: the browser's GPS point lands in 黄浦区.
  await t.notThrowsAsync(page.locator('[data-testid="district"]:visible').getByText('黄浦区').waitFor({ timeout: 15_000 }));

  const submit = page.locator('[data-testid="submit"]:visible');
  t.regex((await submit.getAttribute('class')) ?? '', /disabled/, 'submit is disabled while the form is invalid');

  await page.locator(inside('description', 'textarea')).fill('人民广场地铁站2号口旁边的人行道地砖松动，雨天踩上去会溅水，老人容易摔倒。');
  t.truthy(await page.getByText(/^3\d\/1000$/).count(), 'live character count');

  const chooser = page.waitForEvent('filechooser');
  await page.locator('[data-testid="photo-add"]:visible').click();
  await (await chooser).setFiles(photo);
  await page.locator('[data-testid="photo-tile"]:visible').first().waitFor();
  await page.waitForFunction(() => !document.body.innerText.includes('%'), null, { timeout: 15_000 });

  await page.locator(inside('phone', 'input')).fill('13812345678');
  await snap(page, '01-complaint-form');
  t.notRegex((await submit.getAttribute('class')) ?? '', /disabled/, 'submit enabled once valid');
  await submit.click();

  await waitForRoute(page, 'report/success');
  const ticketNo = (await page.locator('[data-testid="ticket-no"]:visible').innerText()).trim();
  t.regex(ticketNo, /^SH\d{8}-\d{6}$/);
  await snap(page, '02-success');

  await page.getByText('返回首页').click();
  await page.getByText('我的诉求', { exact: true }).last().click();
  const item = page.locator('[data-testid="ticket-item"]:visible').filter({ hasText: ticketNo });
  await item.waitFor({ timeout: 10_000 });
  t.true((await item.innerText()).includes('已提交'));
  await snap(page, '03-my-reports');

  await item.click();
  await page.locator('[data-testid="detail-ticket"]:visible').waitFor();
  t.is((await page.locator('[data-testid="detail-district"]:visible').innerText()).trim(), '黄浦区');
  const timeline = await page.locator('[data-testid="timeline"]:visible').innerText();
  t.true(timeline.includes('已提交'));
  t.true(timeline.includes(ticketNo));
  t.true((await page.locator('[data-testid="detail-description"]:visible').innerText()).includes('地砖松动'));
  t.true((await page.getByText('138****5678').count()) > 0, 'phone shown masked');
  await page.locator('.detail-photo img, img.detail-photo, .detail-photo').first().waitFor();
  await snap(page, '04-detail');

  // What the browser showed is what the server stored.
  const admin = await server.loginAdmin();
  const stored = await server.request('GET', `/api/v1/reports/${page.url().split('id=')[1]}`, { token: admin.token });
  t.is(stored.body.ticketNo, ticketNo);
  t.is(stored.body.location.coordSystem, 'wgs84');
  t.is(stored.body.mediaIds.length, 1);
  t.deepEqual(errors, []);
  await context.close();
});
