import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { Locator, Page } from 'playwright-core';
import { submitPhotoOnly } from '../test/harness';
import { makeJpeg, multipart } from '../test/images';
import { openPage, signInAsStaff, snap, waitForRoute, WIDTHS, withAppAndBrowser } from './browser';

/** Staff's report detail and 待分拣 (cold review 2026-11-30: photos never shown; category could not be corrected). */
const e2e = withAppAndBrowser(test);

/** The photo itself arrived: the <img> inside Taro's <Image> decoded a real picture. */
async function loadedImage(thumb: Locator): Promise<boolean> {
  const img = thumb.locator('img');
  await img.waitFor({ state: 'attached', timeout: 10_000 });
  await thumb.page().waitForFunction((el) => (el as HTMLImageElement).complete, await img.elementHandle(), { timeout: 15_000 });
  return img.evaluate((el) => (el as HTMLImageElement).naturalWidth > 0);
}

async function photoReport(): Promise<{ id: string; ticketNo: string }> {
  const { server } = e2e;
  const citizen = await server.loginCitizen();
  const report = (await submitPhotoOnly(server, citizen.token)) as unknown as { id: string; ticketNo: string };
  // A second photo sent later as a 补充: it belongs on the detail as well.
  const up = await server.request('POST', '/api/v1/media', { token: citizen.token, body: multipart('file', 'more.jpg', await makeJpeg({ width: 320, height: 240 })) });
  const sup = await server.request('POST', `/api/v1/reports/${report.id}/supplement`, { token: citizen.token, json: { text: '', mediaIds: [up.body.id] }, headers: { 'Idempotency-Key': randomUUID() } });
  if (sup.status !== 200 && sup.status !== 201) throw new Error(`supplement: ${sup.status} ${JSON.stringify(sup.body)}`);
  return report;
}

/** 待分拣, loaded afresh (a reload: the queue is read when the page opens). */
async function openTriage(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/#/admin/triage/index`);
  await page.reload();
  await waitForRoute(page, 'admin/triage');
}

async function openDetail(page: Page, baseUrl: string, id: string) {
  await page.goto(`${baseUrl}/#/admin/report/index?id=${id}`);
  await page.reload();
  await page.locator('[data-testid="report-detail"]:visible').waitFor({ timeout: 15_000 });
}

for (const width of WIDTHS) {
  test.serial(`${width.name}: a photo-only report shows its photo in 待分拣 and on the detail, and the photo opens large`, async (t) => {
    const { server, browser } = e2e;
    const report = await photoReport();
    const { context, page, errors } = await openPage(browser, { viewport: width.viewport, locale: 'zh-CN' });
    await signInAsStaff(page, server.baseUrl);

    // 待分拣: the row of the photo-only report carries a thumbnail, so staff can classify it there.
    await openTriage(page, server.baseUrl);
    const thumb = page.locator(`[data-ticket="${report.ticketNo}"]:visible [data-testid="triage-photo"]`).first();
    await thumb.waitFor({ timeout: 15_000 });
    t.true(await loadedImage(thumb), 'the triage thumbnail shows the photo');
    t.regex((await thumb.getAttribute('aria-label')) ?? '', /照片 1\/\d，点按查看大图/);
    await snap(page, `40-${width.name}-triage-photo`);

    // The detail: the report's photos, and the supplement's.
    await openDetail(page, server.baseUrl, report.id);
    const photos = page.locator('[data-testid="report-photos"]:visible [data-testid="report-photo"]');
    await photos.first().waitFor({ timeout: 10_000 });
    const all = await page.locator('[data-testid="report-photo"]:visible, [data-testid="timeline-photo"]:visible').count();
    t.true(all >= 2, `photo and supplement photo shown (${all})`);
    t.true(await loadedImage(photos.first()));
    t.regex((await photos.first().getAttribute('aria-label')) ?? '', /市民照片 1\/\d/);
    t.notRegex(await page.locator('[data-testid="report-detail"]:visible').innerText(), /（随申拍照片）/);
    await snap(page, `41-${width.name}-report-detail-photos`);

    // A click opens the photo large, with alt text; Esc closes it.
    await photos.first().click();
    const viewer = page.locator('[data-testid="photo-viewer"]');
    await viewer.waitFor({ timeout: 10_000 });
    const big = viewer.locator('img').first();
    t.regex((await big.getAttribute('alt')) ?? '', /市民照片 1\//);
    t.regex((await big.getAttribute('src')) ?? '', /\/api\/v1\/media\/[0-9a-f]{24}\?exp=\d+&sig=/, 'the original, not the preview');
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await big.elementHandle(), { timeout: 15_000 });
    await snap(page, `42-${width.name}-photo-large`);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached', timeout: 5_000 });

    t.deepEqual(errors, []);
    await context.close();
  });
}

test.serial('expired photo links: the detail fetches fresh ones and the photo still shows', async (t) => {
  const { server, browser } = e2e;
  const report = await photoReport();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await signInAsStaff(await context.newPage(), server.baseUrl);
  // A second tab (same session) loads the detail once. Its first answer carries links whose signature has
  // lapsed, as after an hour with the page open; later answers are the server's own.
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let fetches = 0;
  await page.route(`**/api/v1/admin/reports/${report.id}`, async (route) => {
    fetches++;
    const res = await route.fetch();
    const body = await res.json();
    if (fetches === 1) {
      const stale = (u: string) => u.replace(/exp=\d+/, 'exp=1700000000');
      body.report.media = body.report.media.map((m: { url: string; previewUrl: string }) => ({ ...m, url: stale(m.url), previewUrl: stale(m.previewUrl) }));
    }
    await route.fulfill({ response: res, json: body });
  });
  await page.goto(`${server.baseUrl}/#/admin/report/index?id=${report.id}`);
  await page.locator('[data-testid="report-detail"]:visible').waitFor({ timeout: 15_000 });
  const thumb = page.locator('[data-testid="report-photos"]:visible [data-testid="report-photo"]').first();
  await thumb.waitFor({ timeout: 10_000 });
  // The broken thumbnail asks for the report again; the fresh link loads.
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid="report-photos"] [data-testid="report-photo"] img') as HTMLImageElement | null;
    return Boolean(img && !img.src.includes('exp=1700000000') && img.complete && img.naturalWidth > 0);
  }, undefined, { timeout: 20_000 });
  t.true(fetches >= 2, `the report was fetched again (${fetches})`);
  t.deepEqual(errors, []);
  await context.close();
});

for (const width of WIDTHS) {
  test.serial(`${width.name}: 待分拣's 「其他分类…」 is a searchable chooser with a confirm step; the detail's 更正分类 asks why and is recorded`, async (t) => {
    const { server, browser } = e2e;
    const citizen = await server.loginCitizen();
    const report = (await submitPhotoOnly(server, citizen.token)) as unknown as { id: string; ticketNo: string };
    const { context, page, errors } = await openPage(browser, { viewport: width.viewport, locale: 'zh-CN' });
    await signInAsStaff(page, server.baseUrl);

    await openTriage(page, server.baseUrl);
    await page.locator(`[data-testid="triage-item"][data-ticket="${report.ticketNo}"]:visible [data-testid="triage-other"]`).click();
    const chooser = page.locator('[data-testid="category-chooser"]:visible');
    await chooser.waitFor({ timeout: 10_000 });
    const all = await chooser.locator('[data-testid^="cc-leaf-"]').count();
    t.true(all > 40, `the whole tree is there (${all})`);
    await snap(page, `43-${width.name}-chooser-open`);
    // A keyword narrows it down.
    await page.locator('[data-testid="cc-search"]:visible input').fill('井盖');
    await chooser.locator('[data-testid="cc-leaf-manhole_cover"]').waitFor({ timeout: 5_000 });
    const narrowed = await chooser.locator('[data-testid^="cc-leaf-"]').count();
    t.true(narrowed >= 1 && narrowed < 5, `filtered to ${narrowed}`);
    await snap(page, `44-${width.name}-chooser-filtered`);
    // Picking shows the choice back; nothing is saved until it is confirmed.
    await chooser.locator('[data-testid="cc-leaf-manhole_cover"]').click();
    t.regex(await chooser.locator('[data-testid="cc-chosen"]').innerText(), / \/ 窨井盖$/);
    const stillQueued = await server.request('GET', '/api/v1/admin/triage', { token: (await server.loginAdmin()).token });
    t.true(stillQueued.body.items.some((r: { id: string }) => r.id === report.id), 'not filed before the confirmation');
    await snap(page, `45-${width.name}-chooser-confirm`);
    await chooser.locator('[data-testid="cc-confirm"]').click();
    await chooser.waitFor({ state: 'detached', timeout: 10_000 });
    t.regex(await page.locator('.cat-notice:visible').innerText(), new RegExp(`${report.ticketNo} 已归入「窨井盖」`));
    t.is(await page.locator(`[data-testid="triage-item"][data-ticket="${report.ticketNo}"]`).count(), 0);

    // The detail: 更正分类, by code this time; a reason is required.
    await openDetail(page, server.baseUrl, report.id);
    t.regex(await page.locator('[data-testid="detail-category"]:visible').innerText(), /窨井盖/);
    await page.locator('[data-testid="correct-category"]:visible').click();
    await chooser.waitFor({ timeout: 10_000 });
    t.regex(await chooser.innerText(), /窨井盖（当前）/);
    await page.locator('[data-testid="cc-search"]:visible input').fill('street_lights');
    await chooser.locator('[data-testid="cc-leaf-street_lights"]').click();
    await chooser.locator('[data-testid="cc-confirm"]').click();
    await chooser.getByText('请写明更正原因').waitFor({ timeout: 5_000 });
    await page.locator('[data-testid="cc-reason"]:visible textarea').fill('照片里是不亮的路灯，不是井盖');
    await snap(page, `46-${width.name}-correct-reason`);
    await chooser.locator('[data-testid="cc-confirm"]').click();
    await chooser.waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('[data-testid="detail-notice"]:visible').waitFor({ timeout: 10_000 });
    t.regex(await page.locator('[data-testid="detail-category"]:visible').innerText(), /路灯/);
    t.regex(await page.locator('[data-testid="report-audit"]:visible').innerText(), /更正分类/);
    t.regex(await page.locator('[data-testid="report-detail"]:visible').locator('xpath=..').innerText(), /工作人员更正分类：.*窨井盖 → .*路灯/);
    await snap(page, `47-${width.name}-corrected`);

    t.deepEqual(errors, []);
    await context.close();
  });
}
