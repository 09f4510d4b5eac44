import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { makeJpeg } from '../test/images';
import { ARTIFACTS, inside, PHONE, signInAsStaff, snap, waitForRoute, withAppAndBrowser } from './browser';
import { seriousViolations } from './axe';

const e2e = withAppAndBrowser(test);
const ENGLISH: BrowserContextOptions = { ...PHONE, locale: 'en-US' };

async function photoFile(): Promise<string> {
  const file = path.join(ARTIFACTS, 'fixture-street.jpg');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(file, await makeJpeg({ width: 1200, height: 900 }));
  return file;
}

/** Opens the app, agrees to the privacy notice, signs in with 本地体验登录 (on the way to a page that needs it). */
async function openAsResident(page: Page, baseUrl: string, agreeLabel = '同意并继续'): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.locator('[data-testid="privacy-agree"]:visible').waitFor();
  t_assertText(await page.locator('[data-testid="privacy-notice"]:visible').innerText(), agreeLabel);
  await page.locator('[data-testid="privacy-agree"]:visible').click();
}
function t_assertText(text: string, expected: string) {
  if (!text.includes(expected)) throw new Error(`expected “${expected}” in: ${text}`);
}

async function signIn(page: Page) {
  await page.locator('[data-testid="local-login"]:visible').click();
}

async function expectAccessible(t: ExecutionContext, page: Page, name: string) {
  await page.waitForTimeout(400);
  const violations = await seriousViolations(page);
  t.deepEqual(violations, [], `axe-core on ${name}: ${JSON.stringify(violations, null, 1)}`);
}

async function addPhoto(page: Page, file: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.locator('[data-testid="photo-add"]:visible').click();
  await (await chooser).setFiles(file);
  await page.locator('[data-testid="photo-tile"]:visible').first().waitFor();
  await page.waitForFunction(() => !/\d+%/.test(document.body.innerText), null, { timeout: 15_000 });
}

test.serial('长辈模式: a resident switches it on and files a report with photo and location', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const viewport = await page.goto(server.baseUrl + '/').then(() => page.locator('meta[name="viewport"]').getAttribute('content'));
  t.notRegex(viewport ?? '', /user-scalable=no|maximum-scale=1\b/, 'pinch zoom is allowed');
  await openAsResident(page, server.baseUrl);
  await expectAccessible(t, page, 'home (zh)');

  await page.locator('[data-testid="elder-switch"]:visible').click();
  await page.getByText('说说遇到的问题').waitFor();
  t.is(await page.locator('[data-testid="call-12345"]:visible').count(), 1, 'a call-12345 button');
  t.is(await page.locator('[data-testid="entry-messages"]:visible').count(), 0, 'the simplified home has only the main actions');
  const bodySize = await page.locator('.elder-entry-title').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  t.true(bodySize >= 20, `large type: ${bodySize}px`);
  await snap(page, 'r01-elder-home');
  await expectAccessible(t, page, 'home (elder, zh)');

  await page.reload();
  await page.getByText('说说遇到的问题').waitFor();
  t.pass('remembered after a reload');

  await page.getByText('说说遇到的问题').click();
  await signIn(page);
  await waitForRoute(page, 'report/complaint');
  await page.locator('[data-testid="district"]:visible').waitFor({ timeout: 15_000 });
  const textSize = await page.locator('.page.elder .hint').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  t.true(textSize >= 18, `hints stay readable: ${textSize}px`);
  await page.locator(inside('description', 'textarea')).fill('小区门口人行道有一块盖板翘起来了，老人走路容易绊倒。');
  await addPhoto(page, await photoFile());
  await snap(page, 'r02-elder-form');
  await expectAccessible(t, page, 'complaint form (elder, zh)');
  await page.locator('[data-testid="submit"]:visible').click();
  await waitForRoute(page, 'report/success');
  const ticketNo = (await page.locator('[data-testid="ticket-no"]:visible').innerText()).trim();
  await snap(page, 'r03-elder-success');
  await expectAccessible(t, page, 'success (elder, zh)');

  const admin = await server.loginAdmin();
  const list = await server.request('GET', '/api/v1/admin/reports', { token: admin.token });
  const row = list.body.items.find((r: { ticketNo: string }) => r.ticketNo === ticketNo);
  // 诉求检索 lists compact rows; the photo and place are on the staff detail.
  const stored = (await server.request('GET', `/api/v1/admin/reports/${row.id}`, { token: admin.token })).body.report;
  t.is(stored.mediaIds.length, 1, 'with the photo');
  t.is(stored.district?.name, '黄浦区', 'and the location');
  t.deepEqual(errors, []);
  await context.close();
});

test.serial('an English browser gets the app in English, English messages and an English error', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext(ENGLISH);
  const page = await context.newPage();
  await openAsResident(page, server.baseUrl, 'Agree and continue');
  await page.getByText('Report a problem', { exact: true }).waitFor();
  await expectAccessible(t, page, 'home (en)');
  const tabs = await page.locator('.taro-tabbar__tabbar .weui-tabbar__label').allInnerTexts();
  t.deepEqual(tabs.map((s) => s.trim()), ['Home', 'My reports'], 'the tab bar in English');
  t.is(await page.title(), 'Suishenpai · 12345');
  await snap(page, 'r10-en-home');
  await page.getByText('Report a problem', { exact: true }).click();
  await page.getByText('Local try-out sign-in', { exact: true }).last().waitFor();
  await expectAccessible(t, page, 'login (en)');
  await signIn(page);
  await waitForRoute(page, 'report/complaint');
  await page.locator('[data-testid="district"]:visible').waitFor({ timeout: 15_000 });
  const desc = page.locator(inside('description', 'textarea'));
  await desc.fill('坏了');
  await desc.blur();
  await page.getByText(/^The description needs at least \d+ characters$/).waitFor();
  t.regex(await page.locator('[data-testid="missing"]:visible').innerText(), /^Still needed: description/);
  await snap(page, 'r11-en-error');
  await expectAccessible(t, page, 'complaint form with an error (en)');

  await desc.fill('The street light outside number 12 has been flickering all week.');
  await page.locator('[data-testid="submit"]:visible').click();
  await waitForRoute(page, 'report/success');
  await page.locator('.success-title').getByText('Report sent').waitFor();
  t.is(await page.title(), 'Report sent', 'the navigation title in English');
  await expectAccessible(t, page, 'success (en)');
  await page.locator('[data-testid="view-ticket"]:visible').click();
  await page.locator('[data-testid="timeline"]:visible').waitFor();
  const timeline = await page.locator('[data-testid="timeline"]:visible').innerText();
  t.regex(timeline, /Report submitted, ticket SH\d{8}-\d{6}/, 'messages the server writes, in English');
  t.regex(timeline, /Submitted/);
  await snap(page, 'r12-en-detail');
  await expectAccessible(t, page, 'detail (en)');
  // 个人信息 in English: one report reads "1 report" (English singulars), not "1 reports".
  await page.goto(server.baseUrl + '/#/me/profile/index');
  const summary = page.locator('[data-testid="profile-summary"]:visible');
  await summary.waitFor({ timeout: 15_000 });
  t.regex(await summary.innerText(), /\b1 report(?!s)/);
  t.regex(await summary.innerText(), /\b0 photos\b/);
  await context.close();
});

test.serial('a 路灯 report asks for the lamp-post number and cannot be sent without it', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await openAsResident(page, server.baseUrl);
  await page.getByText('我要反映', { exact: true }).click();
  await signIn(page);
  await waitForRoute(page, 'report/complaint');
  await page.locator('[data-testid="district"]:visible').waitFor({ timeout: 15_000 });
  await page.locator(inside('description', 'textarea')).fill('南京东路步行街的路灯晚上一直不亮，路上很黑');
  await page.locator('[data-testid="category-suggestion"]:visible').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="category-suggestion"]:visible').click();
  await page.locator('[data-testid="question-pole_number"]:visible').waitFor();
  t.regex(await page.locator('[data-testid="question-pole_number"]:visible').innerText(), /灯杆编号/);
  const submit = page.locator('[data-testid="submit"]:visible');
  t.regex((await submit.getAttribute('class')) ?? '', /disabled/, 'refused without the number');
  t.regex(await page.locator('[data-testid="missing"]:visible').innerText(), /补充信息/);
  await snap(page, 'r20-lamp-question');
  await expectAccessible(t, page, 'complaint form with questions (zh)');
  await page.locator('[data-testid="answer-pole_number-看不到编号"]:visible').click();
  t.notRegex((await submit.getAttribute('class')) ?? '', /disabled/);
  await submit.click();
  await waitForRoute(page, 'report/success');
  const id = new URL(page.url().replace('#', '')).searchParams.get('id');
  const admin = await server.loginAdmin();
  const stored = await server.request('GET', `/api/v1/reports/${id}`, { token: admin.token });
  t.deepEqual(stored.body.answers, { pole_number: '看不到编号' });
  await context.close();
});

test.serial('a 专区 an admin creates appears on home, and its report carries the zone', async (t) => {
  const { server, browser } = e2e;
  const admin = await server.loginAdmin();
  const zone = (
    await server.request('POST', '/api/v1/admin/zones', {
      token: admin.token,
      json: {
        title: '防汛防台',
        titleEn: 'Flood season',
        banner: '积水、倒树请在此反映',
        bannerEn: 'Report flooding and fallen trees here',
        icon: '🌊',
        categoryCodes: ['drainage_flooding', 'road_damage'],
        successMessage: '感谢反映，防汛值班人员会在 2 小时内到场',
        successMessageEn: 'Thank you: the flood duty team will be there within 2 hours',
      },
    })
  ).body;
  t.truthy(zone.id, JSON.stringify(zone));
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await openAsResident(page, server.baseUrl);
  const entry = page.locator('[data-testid="zone-entry"]:visible').filter({ hasText: '防汛防台' });
  await entry.waitFor();
  await snap(page, 'r30-zone-home');
  await expectAccessible(t, page, 'home with a zone (zh)');
  await entry.click();
  await signIn(page);
  await waitForRoute(page, 'report/complaint');
  await page.locator('[data-testid="zone-banner"]:visible').waitFor();
  await page.locator('[data-testid="district"]:visible').waitFor({ timeout: 15_000 });
  await page.locator(inside('description', 'textarea')).fill('暴雨后小区门口马路积水很深，车辆无法通行');
  await page.locator('[data-testid="zone-category"]:visible').first().click();
  await snap(page, 'r31-zone-form');
  await page.locator('[data-testid="submit"]:visible').click();
  await waitForRoute(page, 'report/success');
  const message = page.locator('[data-testid="zone-success-message"]:visible');
  await message.waitFor();
  t.regex(await message.innerText(), /防汛防台[\s\S]*感谢反映，防汛值班人员会在 2 小时内到场/, "the zone's own success message");
  await snap(page, 'r32-zone-success');
  await expectAccessible(t, page, 'success with a zone message (zh)');
  const id = new URL(page.url().replace('#', '')).searchParams.get('id');
  const stored = await server.request('GET', `/api/v1/reports/${id}`, { token: admin.token });
  t.deepEqual(stored.body.zone, { id: zone.id, title: '防汛防台' });
  await context.close();

  // The same zone for a resident reading English: its title, banner, categories (second level too) and message in English.
  for (const [code, nameEn] of [['drainage_flooding', 'Drainage & flooding'], ['road_damage', 'Damaged road']]) {
    const res = await server.request('PATCH', `/api/v1/admin/categories/${code}`, { token: admin.token, json: { nameEn } });
    t.is(res.status, 200, JSON.stringify(res.body));
  }
  const english = await browser.newContext(ENGLISH);
  const en = await english.newPage();
  await openAsResident(en, server.baseUrl, 'Agree and continue');
  const enEntry = en.locator('[data-testid="zone-entry"]:visible').filter({ hasText: 'Flood season' });
  await enEntry.waitFor();
  t.regex(await enEntry.innerText(), /Report flooding and fallen trees here/);
  await enEntry.click();
  await signIn(en);
  await waitForRoute(en, 'report/complaint');
  t.regex(await en.locator('[data-testid="zone-banner"]:visible').innerText(), /^Section: Flood season · Report flooding and fallen trees here/);
  const chips = await en.locator('[data-testid="zone-category"]:visible').allInnerTexts();
  t.deepEqual(chips.map((c) => c.trim()), ['Roads & facilities / Drainage & flooding', 'Roads & facilities / Damaged road'], 'English category names, second level included');
  t.is(await en.title(), 'Report a problem', 'the navigation title in English');
  await en.locator('[data-testid="district"]:visible').waitFor({ timeout: 15_000 });
  t.is((await en.locator('[data-testid="district"]:visible').innerText()).trim(), 'Huangpu District');
  t.regex(await en.locator('.location-address:visible').innerText(), /^Coordinates 31\.\d+, 121\.\d+$/, 'coordinates in English');
  await en.locator(inside('description', 'textarea')).fill('The road outside the gate is under deep water after the storm.');
  await en.locator('[data-testid="zone-category"]:visible').nth(1).click();
  await snap(en, 'r33-zone-form-en');
  await expectAccessible(t, en, 'zone form (en)');
  await en.locator('[data-testid="submit"]:visible').click();
  await waitForRoute(en, 'report/success');
  const enMessage = en.locator('[data-testid="zone-success-message"]:visible');
  await enMessage.waitFor();
  t.regex(await enMessage.innerText(), /Flood season[\s\S]*Thank you: the flood duty team will be there within 2 hours/);
  t.is(await en.title(), 'Report sent');
  await snap(en, 'r34-zone-success-en');

  // 我的诉求 in English: the tab bar, the title, the category and district of the report.
  await en.goto(server.baseUrl + '/#/pages/tickets/index');
  await en.locator('[data-testid="ticket-item"]:visible').first().waitFor({ timeout: 15_000 });
  t.regex(await en.locator('[data-testid="ticket-item"]:visible').first().innerText(), /Report a problem · Damaged road · Huangpu District/);
  const tabs = await en.locator('.taro-tabbar__tabbar .weui-tabbar__label').allInnerTexts();
  t.deepEqual(tabs.map((s) => s.trim()), ['Home', 'My reports'], 'the tab bar in English');
  t.is(await en.title(), 'My reports');
  await snap(en, 'r35-my-reports-en');
  await english.close();
});

test.serial('a resident downloads then deletes their data; staff then see the report anonymised', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext({ ...PHONE, acceptDownloads: true });
  const page = await context.newPage();
  await openAsResident(page, server.baseUrl);
  await page.getByText('我要反映', { exact: true }).click();
  await signIn(page);
  await waitForRoute(page, 'report/complaint');
  await page.locator('[data-testid="district"]:visible').waitFor({ timeout: 15_000 });
  await page.locator(inside('description', 'textarea')).fill('楼下餐馆油烟直排，窗户都不敢开');
  await page.locator(inside('phone', 'input')).fill('13912345678');
  await page.locator('[data-testid="submit"]:visible').click();
  await waitForRoute(page, 'report/success');
  const id = new URL(page.url().replace('#', '')).searchParams.get('id')!;
  const admin = await server.loginAdmin();
  const exports = async () => (await server.request('GET', '/api/v1/admin/audit?action=resident.data_export&limit=100', { token: admin.token })).body.items as { actor: { name: string } }[];
  const exportsBefore = (await exports()).length;

  // A hash-only change is a same-document navigation: wait for the router to reach the page, then for the page
  // to load the resident's summary.
  await page.goto(server.baseUrl + '/#/me/profile/index');
  await waitForRoute(page, 'me/profile/index');
  // Once (a CI run, 2026-11-30) the summary did not appear within 30 s: keep what the page showed if it happens again.
  await page.locator('[data-testid="profile-summary"]:visible').waitFor().catch(async (err) => {
    await snap(page, 'r40-profile-missing');
    throw err;
  });
  await snap(page, 'r40-profile');
  await expectAccessible(t, page, 'personal data (zh)');
  t.regex(await page.locator('[data-testid="profile-summary"]:visible').innerText(), /1/);
  // Opening the page (twice: a reload shows it again) shows counts; it is not an export, so nothing is recorded.
  await page.reload();
  await page.locator('[data-testid="profile-summary"]:visible').waitFor({ timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  t.is((await exports()).length, exportsBefore, 'viewing 个人信息 is not recorded as a data export');
  const download = page.waitForEvent('download');
  await page.locator('[data-testid="profile-download"]:visible').click();
  const file = await (await download).path();
  const data = JSON.parse(readFileSync(file!, 'utf8'));
  t.deepEqual(data.phoneNumbers, ['13912345678']);
  t.is(data.reports[0].id, id);
  const after = await exports();
  t.is(after.length, exportsBefore + 1, 'the download is');

  // 操作日志 names the resident (居民 and the end of the account id), never the openid or a phone number.
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const console_ = await desk.newPage();
  await signInAsStaff(console_, server.baseUrl);
  await console_.goto(server.baseUrl + '/#/admin/audit/index');
  await waitForRoute(console_, 'admin/audit');
  const row = console_.locator('.nut-table-main-body-tr', { has: console_.locator('[data-action="resident.data_export"]') }).first();
  await row.waitFor({ timeout: 15_000 });
  t.regex(await row.locator('[data-testid="audit-actor"]').innerText(), /^居民 …[0-9a-f]{6}$/);
  t.regex(await row.innerText(), /居民下载个人信息/);
  t.notRegex(await row.innerText(), /1391234|openid|wx:/);
  await snap(console_, 'r43-audit-resident-desk');
  await desk.close();

  await page.locator('[data-testid="profile-delete"]:visible').click();
  await page.getByText('确定要删除您的个人信息吗？').waitFor();
  await snap(page, 'r41-delete-confirm-1');
  await page.locator('.taro-modal__foot:visible .taro-model__btn').last().click();
  await page.getByText('再次确认：删除后无法恢复。').waitFor();
  await page.locator('.taro-modal__foot:visible .taro-model__btn').last().click();
  await page.locator('[data-testid="profile-done"]:visible').getByText('您的个人信息已删除').waitFor();
  await snap(page, 'r42-deleted');
  // The page offers a way on: 返回首页 lands on the home page.
  await page.locator('[data-testid="profile-home"]:visible').click();
  await page.locator('[data-testid="entry-complaint"]:visible').first().waitFor();

  const seen = await server.request('GET', `/api/v1/reports/${id}`, { token: admin.token });
  t.is(seen.body.reporter, null);
  t.is(seen.body.contactPhone, null);
  await context.close();
});

test.serial('我的诉求 opened first by its address (a new tab, a reload) is styled: its 个人信息 row is the same card as after 首页', async (t) => {
  const { server, browser } = e2e;
  const rowStyle = (page: Page) =>
    page.locator('[data-testid="entry-profile"]:visible').evaluate((el) => {
      const s = getComputedStyle(el);
      return { display: s.display, background: s.backgroundColor, radius: s.borderTopLeftRadius, height: Math.round(el.getBoundingClientRect().height) };
    });
  // Signed in with the privacy notice answered, then a NEW page whose first address is 我的诉求: no page before it.
  const context = await browser.newContext(PHONE);
  const first = await context.newPage();
  await openAsResident(first, server.baseUrl);
  await first.goto(server.baseUrl + '/#/auth/login/index');
  await signIn(first);
  await first.locator('[data-testid="entry-complaint"]:visible').waitFor({ timeout: 15_000 }); // signed in: back on 首页
  await first.close();
  const page = await context.newPage();
  await page.goto(server.baseUrl + '/#/pages/tickets/index');
  await page.locator('[data-testid="entry-profile"]:visible').waitFor({ timeout: 15_000 });
  const fresh = await rowStyle(page);
  await snap(page, 'r40-my-reports-direct');
  // The same row once 首页 has been shown in this page (what used to be the only way it was styled).
  await page.goto(server.baseUrl + '/#/pages/index/index');
  await page.locator('[data-testid="entry-complaint"]:visible').waitFor({ timeout: 15_000 });
  await page.goto(server.baseUrl + '/#/pages/tickets/index');
  await page.locator('[data-testid="entry-profile"]:visible').waitFor({ timeout: 15_000 });
  const afterHome = await rowStyle(page);
  t.like(fresh, { display: 'flex', background: 'rgb(255, 255, 255)' }, '个人信息 is a white card, laid out as a row');
  t.not(fresh.radius, '0px', 'with rounded corners');
  t.deepEqual(fresh, afterHome, 'styled the same whether or not 首页 was opened first');
  await context.close();
});

test.serial('a resident who refuses the privacy notice files with a typed address and no photo; location and camera stay off', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  let geolocationAsked = false;
  await page.exposeFunction('__geolocationAsked', () => void (geolocationAsked = true));
  await page.addInitScript(() => {
    const original = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
    navigator.geolocation.getCurrentPosition = (...args: Parameters<Geolocation['getCurrentPosition']>) => {
      (window as unknown as { __geolocationAsked: () => void }).__geolocationAsked();
      return original(...args);
    };
  });
  await page.goto(server.baseUrl + '/');
  await page.locator('[data-testid="privacy-notice"]:visible').waitFor();
  t_assertText(await page.locator('[data-testid="privacy-notice"]:visible').innerText(), '保存多久');
  await snap(page, 'r60-privacy-notice');
  await page.locator('[data-testid="privacy-refuse"]:visible').click();
  await page.locator('[data-testid="privacy-refused"]:visible').waitFor();
  await page.getByText('我要反映', { exact: true }).click();
  await signIn(page);
  await waitForRoute(page, 'report/complaint');
  // Taro keeps the home page in the DOM during the page transition: the form's banner is the newest one.
  await page.locator('[data-testid="privacy-refused"]:visible').last().waitFor();
  await page.getByText('未获得定位权限，请填写地址').waitFor({ timeout: 15_000 });
  let chooser = false;
  page.on('filechooser', () => void (chooser = true));
  await page.locator('[data-testid="photo-add"]:visible').click();
  await page.waitForTimeout(500);
  t.false(chooser, 'no camera or album after a refusal');
  await page.locator(inside('description', 'textarea')).fill('小区门口的垃圾桶坏了好几天，垃圾散落一地');
  await page.locator(inside('address', 'input')).fill('黄浦区人民大道200号东侧');
  await snap(page, 'r61-refused-form');
  await expectAccessible(t, page, 'complaint form after a privacy refusal (zh)');
  await page.locator('[data-testid="submit"]:visible').click();
  await waitForRoute(page, 'report/success');
  const id = new URL(page.url().replace('#', '')).searchParams.get('id');
  const admin = await server.loginAdmin();
  const stored = (await server.request('GET', `/api/v1/admin/reports/${id}`, { token: admin.token })).body.report;
  t.is(stored.location.address, '黄浦区人民大道200号东侧');
  t.is(stored.location.lat, undefined, 'no coordinates');
  t.deepEqual(stored.mediaIds, [], 'no photo');
  t.is(stored.district?.name, '黄浦区', 'the district read from the typed address');
  t.false(geolocationAsked, 'the browser was never asked for the location');

  // Changing one's mind: the notice can be read again and agreed to.
  await page.goto(server.baseUrl + '/');
  await page.locator('[data-testid="privacy-change"]:visible').click();
  await page.locator('[data-testid="privacy-agree"]:visible').click();
  t.is(await page.locator('[data-testid="privacy-refused"]:visible').count(), 0);
  await context.close();
});

test.serial('axe-core: no critical or serious violation on any resident page, normal and 长辈模式, zh and en', async (t) => {
  const { server, browser } = e2e;
  for (const [lang, options] of [['zh', PHONE], ['en', ENGLISH]] as const) {
    for (const elder of [false, true]) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await openAsResident(page, server.baseUrl, lang === 'en' ? 'Agree and continue' : '同意并继续');
      if (elder) await page.locator('[data-testid="elder-switch"]:visible').click();
      const label = `${lang}${elder ? ', elder' : ''}`;
      await expectAccessible(t, page, `home (${label})`);
      await page.goto(server.baseUrl + '/#/auth/login/index');
      await page.locator('[data-testid="local-login"]:visible').waitFor();
      await expectAccessible(t, page, `login (${label})`);
      await signIn(page);
      await page.waitForTimeout(800);
      const report = (await server.request('GET', '/api/v1/zones')).body; // warm
      void report;
      for (const [route, name, ready] of [
        ['/#/report/complaint/index', 'complaint', '[data-testid="description"]'],
        ['/#/report/snap/index', 'snap', '[data-testid="photo-add"]'],
        ['/#/pages/tickets/index', 'my reports', '[data-testid="settings"]'],
        ['/#/tickets/messages/index', 'messages', '.messages'],
        ['/#/me/profile/index', 'personal data', '[data-testid="profile-summary"]'],
        ['/#/report/success/index?id=000000000000000000000000&ticketNo=SH20260101-000001', 'success', '[data-testid="ticket-no"]'],
      ] as const) {
        await page.goto(server.baseUrl + route);
        await page.locator(`${ready}:visible`).first().waitFor({ timeout: 15_000 });
        await expectAccessible(t, page, `${name} (${label})`);
        if (lang === 'en' && elder) await snap(page, `r5x-${name.replace(/ /g, '-')}-en-elder`);
      }
      await context.close();
    }
  }
});
