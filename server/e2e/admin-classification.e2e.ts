import test from 'ava';
import { inside, PHONE, snap, waitForRoute, withAppAndBrowser, signInAsStaff } from './browser';

const e2e = withAppAndBrowser(test);

test.serial('an admin adds a category with keywords, retrains, and the classifier now files a sample text there', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext({ ...PHONE, viewport: { width: 430, height: 932 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const sample = '最近每天晚上都有人在小区上空放无人机航拍，嗡嗡响还拍到我家窗户里';

  await signInAsStaff(page, server.baseUrl);

  await page.locator('[data-testid="menu-categories"]:visible').click();
  await waitForRoute(page, 'admin/categories');
  await page.locator('[data-testid="first-public_safety"]:visible').getByText('公共安全').click();
  await page.locator('[data-testid="add-under-public_safety"]:visible').click();
  await page.locator(inside('cat-code', 'input')).fill('drone_disturbance');
  await page.locator(inside('cat-name', 'input')).fill('无人机扰民');
  await page.locator(inside('cat-keywords', 'input')).fill('无人机、航拍、黑飞');
  await page.locator(inside('cat-department', 'input')).fill('区公安分局');
  await page.locator('[data-testid="cat-save"]:visible').click();
  await page.locator('[data-testid="leaf-drone_disturbance"]:visible').waitFor({ timeout: 10_000 });
  await snap(page, '10-admin-category-added');

  await page.goBack();
  await waitForRoute(page, 'admin/index');
  await page.locator('[data-testid="menu-classifier"]:visible').click();
  await waitForRoute(page, 'admin/classifier');
  await page.locator('[data-testid="retrain"]:visible').click();
  await page.locator('[data-testid="metrics-训练前"]:visible').waitFor({ timeout: 60_000 });
  const after = await page.locator('[data-testid="metrics-训练后（已启用）"]:visible').innerText();
  t.regex(after, /一级准确率/);

  await page.locator(inside('try-text', 'textarea')).fill(sample);
  await page.locator('[data-testid="try-classify"]:visible').click();
  const result = page.locator('[data-testid="try-result"]:visible');
  await result.waitFor();
  const firstLine = (await result.innerText()).split('\n')[0];
  t.true(firstLine.includes('drone_disturbance'), firstLine);
  await snap(page, '11-admin-retrained-and-tried');
  t.deepEqual(errors, []);
  await context.close();
});

test.serial('a resident typing a description sees a category suggestion and can take it', async (t) => {
  const { server, browser } = e2e;
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(server.baseUrl + '/');
  await page.locator('[data-testid="entry-complaint"]:visible').click();
  await page.locator('[data-testid="local-login"]:visible').click();
  await waitForRoute(page, 'report/complaint');
  await page.locator(inside('description', 'textarea')).fill('楼下烧烤店的油烟每天晚上都飘进我家，窗户都不敢开');
  const suggestion = page.locator('[data-testid="category-suggestion"]:visible');
  await suggestion.waitFor({ timeout: 10_000 });
  t.regex(await suggestion.innerText(), /生态环境/);
  await snap(page, '12-citizen-suggestion');
  await suggestion.click();
  t.regex(await page.locator('[data-testid="category-chosen"]:visible').innerText(), /餐饮油烟/);
  await context.close();
});
