import test from 'ava';
import { TEST_ADMIN } from '../test/harness';
import { inside, PHONE, snap, waitForRoute, withAppAndBrowser } from './browser';

const e2e = withAppAndBrowser(test);

// A new staff member is told "open the web app and sign in": the home page must show them where, without a URL.
test.serial('staff find their sign-in from the home page, and the entry is gone once they are signed in', async (t) => {
  const { server, browser } = e2e;
  const page = await (await browser.newContext({ ...PHONE, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 })).newPage();
  await page.goto(server.baseUrl + '/');
  const entry = page.locator('[data-testid="staff-entry"]:visible');
  await entry.waitFor({ timeout: 15_000 });
  t.is((await entry.innerText()).trim(), '工作人员入口');
  await entry.scrollIntoViewIfNeeded();
  await snap(page, 'staff-entry-home-1440');
  await entry.click();
  await waitForRoute(page, 'auth/login');
  await page.locator(inside('admin-username', 'input')).fill(TEST_ADMIN.username);
  await page.locator(inside('admin-password', 'input')).fill(TEST_ADMIN.password);
  await page.locator('[data-testid="admin-login"]:visible').click();
  await waitForRoute(page, 'admin/index');
  // Opening the web app again (same browser, so the same session): the home page learns who is signed in when it
  // is shown. Wait for the staff banner, then the entry must be gone.
  const again = await page.context().newPage();
  await again.goto(server.baseUrl + '/');
  await again.getByText('您已作为工作人员登录，点此进入管理后台').locator('visible=true').first().waitFor({ timeout: 15_000 });
  t.is(await again.locator('[data-testid="staff-entry"]:visible').count(), 0, 'a signed-in staff member sees the way into the console instead');
  await snap(again, 'staff-entry-signed-in-1440');
});
