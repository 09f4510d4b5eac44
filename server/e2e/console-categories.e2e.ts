import test from 'ava';
import type { Page } from 'playwright-core';
import { validComplaint } from '../test/harness';
import { seriousViolations } from './axe';
import { inside, PHONE, signInAsStaff, snap, waitForRoute, withAppAndBrowser } from './browser';

const e2e = withAppAndBrowser(test);
const DESK = { width: 1440, height: 900 };

const LAMP = '南京东路步行街的路灯晚上一直不亮，路上很黑';
const DRONE = '楼下有架嗡嗡响的飞行器一直在窗外盘旋拍照，很烦人';

async function axe(page: Page, where: string): Promise<string[]> {
  return (await seriousViolations(page)).map((v) => `${where}: ${v.id} (${v.impact}) at ${v.nodes.join(' | ')}`);
}

async function figure(page: Page, testId: string): Promise<number> {
  return Number((await page.locator(`[data-testid="${testId}"]:visible`).first().innerText()).trim());
}

test.serial('分类管理 at 1440×900: per-category figures, a keyword edit checked against the last 1,000 reports, a question that then appears in the resident form; 专区管理; answers and zone in the report detail', async (t) => {
  const { server, browser } = e2e;
  const citizen = await server.loginCitizen();
  const file = async (body: Record<string, unknown>) => {
    const res = await server.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint(body), headers: { 'Idempotency-Key': crypto.randomUUID() } });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body as { id: string; ticketNo: string };
  };
  const lamp = await file({ description: LAMP, categoryCode: 'street_lights', answers: { pole_number: 'HP-0415' } });
  await file({ description: `${LAMP}，已经三天了`, categoryCode: 'street_lights', answers: { pole_number: '看不到编号' } });
  for (let i = 0; i < 3; i++) await file({ description: `${DRONE}（${i + 1}）` });

  const errors: string[] = [];
  const found: string[] = [];
  const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await signInAsStaff(page, server.baseUrl);
  await page.locator('[data-testid="nav-categories"]:visible').click();
  await waitForRoute(page, 'admin/categories');

  // Figures per category: the first level's sum beside the tree, the leaf's in the table.
  await page.locator('[data-testid="first-roads_facilities"]:visible').click();
  await page.locator('[data-testid="leaf-street_lights"]:visible').waitFor({ timeout: 10_000 });
  await page.getByText(/数字截至/).waitFor({ timeout: 30_000 }); // the figures fill in after the tree
  t.true((await figure(page, 'fig-open-street_lights')) >= 2);
  t.true((await figure(page, 'fig-30d-street_lights')) >= 2);
  t.true((await figure(page, 'fig-train-street_lights')) > 0, 'training examples');
  t.true((await figure(page, 'fig-open-roads_facilities')) >= 2, 'the first level sums its children');
  await snap(page, '40-desk-categories-figures');
  // Every row action fits at a desk: the last one (下移) ends inside the table's panel, not cut at its right edge.
  const main = await page.locator('.cat-main:visible').boundingBox();
  const down = await page.locator('[aria-label="下移 路灯"]:visible').boundingBox();
  t.truthy(main && down);
  t.true(down!.x + down!.width <= main!.x + main!.width, `下移 ends at ${down!.x + down!.width}, the panel at ${main!.x + main!.width}`);
  found.push(...(await axe(page, 'categories')));

  // Keyword edit: checked before saving, "would move N of the last 1,000".
  await page.locator('[data-testid="first-labor_social"]:visible').click();
  await page.locator('[data-testid="edit-pension"]:visible').click();
  const keywords = page.locator(inside('cat-keywords', 'input'));
  await keywords.fill(`${await keywords.inputValue()}、飞行器、盘旋、嗡嗡`);
  await page.locator('[data-testid="cat-save"]:visible').click();
  const summary = page.locator('[data-testid="impact-summary"]:visible');
  await summary.waitFor({ timeout: 20_000 });
  const m = /此修改会使最近 ([\d,]+) 条诉求中的 (\d+) 条改变分类/.exec(await summary.innerText());
  t.truthy(m, await summary.innerText());
  t.is(Number(m![2]), 3, 'the three drone reports would move');
  t.is(await page.locator('[data-testid="impact-example"]:visible').count(), 3);
  await snap(page, '41-desk-categories-keyword-impact');
  found.push(...(await axe(page, 'categories keyword dialog')));
  await page.locator('.nut-dialog-footer-ok:visible').click();
  await page.locator('[data-testid="cat-notice"]:visible', { hasText: '已保存「养老金」' }).waitFor({ timeout: 10_000 });
  const tree = (await server.request('GET', '/api/v1/categories')).body;
  const pension = tree.categories.flatMap((f: { children: { code: string; keywords: string[] }[] }) => f.children).find((c: { code: string }) => c.code === 'pension');
  t.true(pension.keywords.includes('飞行器'), 'saved after the confirmation');

  // Question editor: a refused save shows the field, a good one versions the tree.
  await page.locator('[data-testid="first-roads_facilities"]:visible').click();
  await page.locator('[data-testid="questions-street_lights"]:visible').click();
  await page.locator('[data-testid="question-editor"]:visible').waitFor();
  await page.locator('[data-testid="q-add"]:visible').click();
  await page.locator('[data-testid="q-save"]:visible').click();
  await page.locator('[data-testid="question-error"]:visible').waitFor();
  t.regex(await page.locator('[data-testid="question-error"]:visible').innerText(), /第 2 题/);
  await page.locator(inside('q-label-1', 'input')).fill('灯是全部不亮，还是一闪一闪？');
  await page.locator(inside('q-labelEn-1', 'input')).fill('Is the light off, or flickering?');
  await page.locator(inside('q-code-1', 'input')).fill('lamp_state');
  await page.locator('[data-testid="q-opt-add-1"]:visible').click();
  await page.locator(inside('q-opt-label-1-0', 'input')).fill('一闪一闪');
  await snap(page, '42-desk-question-editor');
  found.push(...(await axe(page, 'question editor')));
  await page.locator('[data-testid="q-save"]:visible').click();
  await page.locator('[data-testid="cat-notice"]:visible', { hasText: '2 个补充问题' }).waitFor({ timeout: 10_000 });

  // 专区管理: open a zone for 路灯.
  await page.locator('[data-testid="nav-zones"]:visible').click();
  await waitForRoute(page, 'admin/zones');
  await page.locator('[data-testid="zone-new"]:visible').click();
  await page.locator(inside('zone-title', 'input')).fill('路灯夜查');
  await page.locator(inside('zone-titleEn', 'input')).fill('Street light check');
  await page.locator(inside('zone-cat-search', 'input')).fill('路灯');
  await page.locator('[data-testid="zone-cat-street_lights"]:visible').click();
  await page.locator(inside('zone-successMessage', 'textarea')).fill('感谢您，夜查组今晚会去看看');
  await page.locator('[data-testid="zone-save"]:visible').click();
  await page.locator('[data-testid^="zone-row-"]:visible').first().waitFor({ timeout: 10_000 });
  const zones = (await server.request('GET', '/api/v1/zones')).body.items as { id: string; title: string; successMessage?: string }[];
  t.like(zones[0], { title: '路灯夜查', categoryCodes: ['street_lights'], successMessage: '感谢您，夜查组今晚会去看看' });
  t.is(await page.locator('[data-testid="zone-state"]:visible').first().innerText(), '进行中');
  await snap(page, '43-desk-zones');
  found.push(...(await axe(page, 'zones')));

  // The report detail shows the answers with their question's label.
  await page.goto(`${server.baseUrl}/#/admin/report/index?id=${lamp.id}`);
  await page.reload();
  await page.locator('[data-testid="report-answers"]:visible').waitFor({ timeout: 10_000 });
  t.regex(await page.locator('[data-testid="report-answers"]:visible').innerText(), /灯杆编号[\s\S]*HP-0415/);
  await snap(page, '44-desk-report-answers');

  // A resident's form now asks the new question.
  const resident = await browser.newContext(PHONE);
  const form = await resident.newPage();
  form.on('pageerror', (e) => errors.push(e.message));
  await form.goto(server.baseUrl + '/');
  await form.locator('[data-testid="privacy-agree"]:visible').click();
  await form.getByText('我要反映', { exact: true }).click();
  await form.locator('[data-testid="local-login"]:visible').click();
  await waitForRoute(form, 'report/complaint');
  await form.locator(inside('description', 'textarea')).fill(LAMP);
  await form.locator('[data-testid="category-suggestion"]:visible').waitFor({ timeout: 15_000 });
  await form.locator('[data-testid="category-suggestion"]:visible').click();
  await form.locator('[data-testid="question-lamp_state"]:visible').waitFor({ timeout: 10_000 });
  t.regex(await form.locator('[data-testid="question-lamp_state"]:visible').innerText(), /一闪一闪/);
  await snap(form, '45-resident-form-new-question');
  await resident.close();

  // The same pages at phone width stay usable.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const small = await phone.newPage();
  small.on('pageerror', (e) => errors.push(e.message));
  await signInAsStaff(small, server.baseUrl);
  for (const p of ['categories', 'zones', 'tickets', 'triage', 'classifier']) {
    await small.goto(`${server.baseUrl}/#/admin/${p}/index`);
    await small.reload();
    await waitForRoute(small, `admin/${p}`);
    await small.locator('.console-title:visible').waitFor({ timeout: 10_000 });
    await small.waitForTimeout(500);
    found.push(...(await axe(small, `phone ${p}`)));
    await snap(small, `46-phone-${p}`);
  }
  for (const p of ['tickets', 'triage', 'classifier']) {
    await page.goto(`${server.baseUrl}/#/admin/${p}/index`);
    await page.reload();
    await waitForRoute(page, `admin/${p}`);
    await page.locator('.console-title:visible').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    found.push(...(await axe(page, `desk ${p}`)));
    await snap(page, `47-desk-${p}`);
  }
  t.deepEqual(found, [], 'axe: no critical or serious violation');
  t.deepEqual(errors, []);
  await phone.close();
  await ctx.close();
});

test.serial('分类管理: the 次紧急 deadline is edited beside the others; one outside 紧急…普通 is refused at the field in Chinese, a good one is saved', async (t) => {
  const { server, browser } = e2e;
  const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signInAsStaff(page, server.baseUrl);
  await page.locator('[data-testid="nav-categories"]:visible').click();
  await waitForRoute(page, 'admin/categories');
  await page.locator('[data-testid="first-labor_social"]:visible').click();
  // 养老金: 普通 240 h, 紧急 48 h; 次紧急 unset, so the table shows the server's default (a day, kept between: 48 h)
  await page.locator('[data-testid="edit-pension"]:visible').waitFor({ timeout: 10_000 });
  await page.getByText('240h / 次急 48h（默认） / 急 48h').first().waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="edit-pension"]:visible').click();
  const semi = page.locator(inside('cat-semiUrgent', 'input'));
  t.is(await semi.inputValue(), '', 'unset is shown empty, with the default as placeholder');
  t.is(await semi.getAttribute('placeholder'), '留空：48');

  await semi.fill('30'); // shorter than 紧急 (48 h)
  await page.locator('[data-testid="cat-save"]:visible').click();
  const error = page.locator('[data-testid="cat-error-deadlineHours.semiUrgent"]:visible');
  await error.waitFor({ timeout: 10_000 });
  t.is(await error.innerText(), '次紧急时限须在紧急时限和普通时限之间');
  await snap(page, '48-desk-category-semi-urgent-refused');
  const before = (await server.request('GET', '/api/v1/categories')).body.categories.flatMap((f: { children: unknown[] }) => f.children).find((c: { code: string }) => c.code === 'pension');
  t.is(before.deadlineHours.semiUrgent, null, 'nothing saved');

  await semi.fill('72');
  await page.locator('[data-testid="cat-save"]:visible').click();
  await page.locator('[data-testid="cat-notice"]:visible', { hasText: '已保存「养老金」' }).waitFor({ timeout: 10_000 });
  await page.getByText('240h / 次急 72h / 急 48h').first().waitFor({ timeout: 10_000 });
  const after = (await server.request('GET', '/api/v1/categories')).body.categories.flatMap((f: { children: unknown[] }) => f.children).find((c: { code: string }) => c.code === 'pension');
  t.deepEqual(after.deadlineHours, { normal: 240, urgent: 48, semiUrgent: 72 });
  await snap(page, '49-desk-category-semi-urgent-saved');
  t.deepEqual(errors, []);
  await ctx.close();
});
