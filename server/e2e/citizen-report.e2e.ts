import path from 'node:path';
import test from 'ava';
import { makeJpeg } from '../test/images';
import { writeFileSync, mkdirSync } from 'node:fs';
import { snap, inside, ARTIFACTS, waitForRoute, withAppAndBrowser, agreeToPrivacy, openComplaintForm, openPage, waitForDistrict } from './browser';

const e2e = withAppAndBrowser(test);

test('a resident logs in, files a complaint with a photo, and follows it in 我的诉求', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors } = await openPage(browser);

  const photo = path.join(ARTIFACTS, 'fixture-pothole.jpg');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(photo, await makeJpeg({ width: 1200, height: 900, withGps: true }));

  // Not logged in on the web: 我要反映 goes through the login page, then straight back to the form.
  await openComplaintForm(page, server.baseUrl);

  // The location fills itself in: the browser's GPS point lands in 黄浦区.
  await t.notThrowsAsync(waitForDistrict(page, '黄浦区'));

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

test('a submit whose answer is lost, then edited and sent again: the resident is told it was filed and the edit waits as 补充信息', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors } = await openPage(browser);
  await openComplaintForm(page, server.baseUrl);
  await waitForDistrict(page);

  // The first submit reaches the server and is stored; its answer never reaches the phone.
  let dropped = 0;
  await page.route('**/api/v1/reports', async (route) => {
    if (route.request().method() !== 'POST' || dropped > 0) return route.continue();
    dropped++;
    await route.fetch();
    await route.abort('connectionreset');
  });
  await page.locator(inside('description', 'textarea')).fill('南京东路步行街的垃圾桶已经满了两天，没人清理，气味很大。');
  await page.locator('[data-testid="submit"]:visible').click();
  await page.locator('[data-testid="submit-error"]:visible').getByText(/可放心重试/).waitFor({ timeout: 15_000 });

  const edited = '南京东路步行街的垃圾桶已经满了三天，没人清理，气味很大。';
  await page.locator(inside('description', 'textarea')).fill(edited);
  await page.locator('[data-testid="submit"]:visible').click();

  // Not a developer error and not a stuck draft: the report is opened, said to be filed, the edit ready to add.
  await waitForRoute(page, 'tickets/detail');
  const banner = page.locator('[data-testid="already-filed"]:visible');
  await banner.waitFor({ timeout: 15_000 });
  const ticketNo = (await page.locator('[data-testid="detail-ticket"]:visible').innerText()).trim();
  t.regex(await banner.innerText(), new RegExp(`之前的提交已经成功，工单号 ${ticketNo}`));
  t.regex(await banner.innerText(), /补充信息/);
  t.is(await page.locator(inside('actions', 'textarea')).inputValue(), edited);
  t.true((await page.locator('[data-testid="detail-description"]:visible').innerText()).includes('满了两天'), 'the report is the first version');
  await snap(page, '05-already-filed');
  await page.setViewportSize({ width: 1440, height: 900 });
  await snap(page, '05-already-filed-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  t.false(/Idempotency/i.test(await page.locator('body').innerText()));

  await page.locator('[data-testid="action-submit"]:visible').click();
  await page.locator('[data-testid="timeline"]:visible').getByText(`您补充了信息：${edited}`).waitFor({ timeout: 15_000 });

  // One report, and the draft is gone: a new 我要反映 starts empty.
  const admin = await server.loginAdmin();
  const id = new URL(page.url().replace('/#/', '/')).searchParams.get('id')!;
  const stored = await server.request('GET', `/api/v1/reports/${id}`, { token: admin.token });
  t.is(stored.body.ticketNo, ticketNo);
  const mine = await page.evaluate(async () => {
    const session = JSON.parse(localStorage.getItem('session') ?? 'null');
    const token = (session?.data ?? session)?.token;
    return (await fetch('/api/v1/me/reports', { headers: { Authorization: `Bearer ${token}` } })).json();
  });
  t.is(mine.items.length, 1, JSON.stringify(mine).slice(0, 300));
  await page.goto(server.baseUrl + '/#/report/complaint/index');
  await page.locator('[data-testid="district"]:visible').waitFor({ timeout: 15_000 });
  t.is(await page.locator(inside('description', 'textarea')).inputValue(), '');
  t.deepEqual(errors, []);
  await context.close();
});

test('随申拍: a file that is not a photo (a text file named .jpg) is refused with a message, not silently', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors: problems } = await openPage(browser);
  // The reviewer's trace was Taro's console.error of an image-load `Event`; a resource 404 on this page is another matter.
  page.on('console', (m) => m.type() === 'error' && !/^Failed to load resource/.test(m.text()) && problems.push(m.text()));
  mkdirSync(ARTIFACTS, { recursive: true });
  const fake = path.join(ARTIFACTS, 'fixture-not-a-photo.jpg');
  writeFileSync(fake, '这不是照片，只是一个改了扩展名的文本文件。\n');
  const real = path.join(ARTIFACTS, 'fixture-snap.jpg');
  writeFileSync(real, await makeJpeg({ width: 800, height: 600 }));

  await page.goto(server.baseUrl + '/');
  await agreeToPrivacy(page);
  await page.locator('[data-testid="entry-snap"]:visible').click();
  // 随申拍 opens the camera/album picker by itself once signed in.
  const first = page.waitForEvent('filechooser', { timeout: 20_000 });
  await page.locator('[data-testid="local-login"]:visible').click();
  await waitForRoute(page, 'report/snap');
  await (await first).setFiles(fake);

  const pick = async (...files: string[]) => {
    const chooser = page.waitForEvent('filechooser');
    await page.locator('[data-testid="photo-add"]:visible').click();
    await (await chooser).setFiles(files);
  };
  const message = page.getByText(/所选的文件不是照片，没有添加/).first();
  await message.waitFor({ timeout: 15_000 });
  await snap(page, '06-not-a-photo');
  await page.getByText('知道了', { exact: true }).first().click();
  await message.waitFor({ state: 'hidden', timeout: 10_000 });
  t.is(await page.locator('[data-testid="photo-tile"]:visible').count(), 0);

  // A real photo with a fake one: the photo is added, the other named.
  await pick(real, fake);
  await page.getByText(/有 1 个文件不是照片，没有添加；其余照片已添加/).first().waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="photo-tile"]:visible').first().waitFor({ timeout: 15_000 });
  t.is(await page.locator('[data-testid="photo-tile"]:visible').count(), 1);
  t.deepEqual(problems, []);
  await context.close();
});
