import test from 'ava';
import { snap, inside, waitForRoute, withAppAndBrowser, openComplaintForm, openPage, waitForDistrict } from './browser';

const e2e = withAppAndBrowser(test);

test('typing a 紧急 text shows a one-tap call banner with the right number; the report still goes in', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors } = await openPage(browser);
  await openComplaintForm(page, server.baseUrl);
  await waitForDistrict(page);

  const banner = page.locator('[data-testid="emergency-call"]:visible');
  // An ordinary complaint: no banner.
  await page.locator(inside('description', 'textarea')).fill('小区门口的路灯坏了好几天，晚上走路看不清。');
  await page.locator('[data-testid="category-suggestion"]:visible').waitFor({ timeout: 15_000 });
  t.is(await banner.count(), 0, 'no banner for a broken street light');

  await page.locator(inside('description', 'textarea')).fill('楼道里煤气味特别重，好像燃气泄漏了，邻居家没人应门。');
  await banner.waitFor({ timeout: 15_000 });
  t.is(await banner.getAttribute('data-number'), '119', 'gas → 119');
  t.is(await banner.getAttribute('data-numbers'), '119 962777', 'and the gas company');
  t.regex(await banner.innerText(), /一键拨打 燃气抢修 962777/);
  t.regex(await banner.innerText(), /一键拨打 火警 119/);
  await snap(page, 'emergency-call-banner');

  // Not a dead end: the report can still be submitted.
  const submit = page.locator('[data-testid="submit"]:visible');
  t.notRegex((await submit.getAttribute('class')) ?? '', /disabled/);
  await submit.click();
  await waitForRoute(page, 'report/success');
  t.deepEqual(errors, []);
  await context.close();
});

test('燃气供应, answering 是 to 「现在是否闻到燃气味？」: the same call banner with 119 and 962777, and the report still goes in as 紧急', async (t) => {
  const { server, browser } = e2e;
  const { context, page, errors } = await openPage(browser);
  await openComplaintForm(page, server.baseUrl);
  await waitForDistrict(page);

  await page.locator(inside('description', 'textarea')).fill('家里燃气灶打不着火，好像停气了，已经一整天了。');
  const suggestion = page.locator('[data-testid="category-suggestion"]:visible');
  await suggestion.waitFor({ timeout: 15_000 });
  t.regex(await suggestion.innerText(), /燃气供应/);
  await suggestion.click();
  await page.locator('[data-testid="question-smell_gas"]:visible').waitFor();
  await page.locator('[data-testid="answer-smell_gas-yes"]:visible').click();

  const banner = page.locator('[data-testid="emergency-call-smell_gas"]:visible');
  await banner.waitFor({ timeout: 10_000 });
  t.is(await banner.getAttribute('data-numbers'), '119 962777');
  t.regex(await banner.innerText(), /一键拨打 火警 119/);
  t.regex(await banner.innerText(), /一键拨打 燃气抢修 962777/);
  t.regex(await banner.innerText(), /诉求仍可照常提交/);
  t.is(await page.locator('[data-testid="emergency-call"]:visible').count(), 0, 'one banner, not two');
  await snap(page, 'emergency-gas-question');

  // Not blocked: no 「还需完善」, and the report is filed as 紧急 with the answer.
  const submit = page.locator('[data-testid="submit"]:visible');
  t.notRegex((await submit.getAttribute('class')) ?? '', /disabled/);
  t.is(await page.locator('[data-testid="missing"]:visible').count(), 0);
  await submit.click();
  await waitForRoute(page, 'report/success');
  const id = new URL(page.url().replace('#', '')).searchParams.get('id');
  const admin = await server.loginAdmin();
  const stored = await server.request('GET', `/api/v1/reports/${id}`, { token: admin.token });
  t.deepEqual(stored.body.answers, { smell_gas: true });
  t.is(stored.body.urgency, 'urgent');
  t.deepEqual(errors, []);
  await context.close();
});
