import { existsSync, mkdirSync } from 'node:fs';
import type { TestFn } from 'ava';
import { startTestServer, TEST_ADMIN, type TestServer } from '../test/harness';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { REPO_ROOT } from '../src/config';

/** Debian's Chromium, headless, with the flags this sandboxed machine needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A phone-sized page in Shanghai (People's Square, as the browser's GPS reports it: WGS-84). */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  locale: 'zh-CN',
  geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 20 },
  permissions: ['geolocation'],
};

/** The console's two widths the staff-page tests run at: a desk and a phone. */
export const WIDTHS = [
  { name: 'desk', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

/** 诉求检索's rows on screen, by ticket number, sorted. */
export const shownTickets = async (page: Page) => (await page.locator('[data-testid="search-row"]:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-ticket')))).sort();

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
export const H5_DIST = path.join(REPO_ROOT, 'miniprogram/dist/h5');

export async function snap(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Let Taro's page-slide animation finish so the picture shows one page.
  await page.waitForTimeout(600);
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Taro H5 renders <taro-textarea-core> etc.; the native control sits inside. */
export const inside = (testId: string, tag: 'textarea' | 'input') => `[data-testid="${testId}"]:visible ${tag}`;

/** Signs in on the web login page as the seeded staff account and waits for the console. */
export async function signInAsStaff(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl + '/#/auth/login/index');
  await page.locator(inside('admin-username', 'input')).fill(TEST_ADMIN.username);
  await page.locator(inside('admin-password', 'input')).fill(TEST_ADMIN.password);
  await page.locator('[data-testid="admin-login"]:visible').click();
  await waitForRoute(page, 'admin/index');
}

/**
 * H5 uses hash routing: wait for the route, not for a page load — and for the page the route names to be the one
 * on screen. The hash changes before Taro's router has loaded the page, and the router does not serialise the
 * loads of two different pages: a navigation started while the previous page was still loading (a `goto` to another
 * hash straight after sign-in, in CI's slower runs) could leave the new page hidden under the old one, with the
 * hash already naming the new one (docs/LOG.md, "Tenth session").
 */
export async function waitForRoute(page: Page, fragment: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (f) => {
      if (!location.hash.includes(f)) return false;
      const path = location.hash.slice(1).split('?')[0];
      const shown = [...document.querySelectorAll<HTMLElement>('.taro_page')].filter((p) => getComputedStyle(p).display !== 'none');
      return shown.length === 1 && shown[0].id.split('?')[0] === path;
    },
    fragment,
    { timeout },
  );
}

/**
 * The built H5 app served by a test server, and one Chromium, for a test file:
 * registers the hooks and hands both to the tests once they are up.
 */
export function withAppAndBrowser(test: TestFn): { server: TestServer; browser: Browser; cspViolations: string[] } {
  const env = { cspViolations: [] } as unknown as { server: TestServer; browser: Browser; cspViolations: string[] };
  test.before(async () => {
    if (!existsSync(path.join(H5_DIST, 'index.html'))) throw new Error(`H5 build missing at ${H5_DIST}: run npm run build:h5 first`);
    env.server = await startTestServer({ h5Dist: H5_DIST });
    env.browser = watchContentSecurityPolicy(await launchBrowser(), env.cspViolations);
  });
  // The app must work under its Content-Security-Policy: any violation in any page of the file fails it.
  test.after('no Content-Security-Policy violations', (t) => {
    t.deepEqual(env.cspViolations, []);
  });
  test.after.always(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * Every context of this browser reports CSP violations into `violations`: the
 * page's own securitypolicyviolation events (what a report-uri would receive)
 * and Chromium's console errors about the policy.
 */
export function watchContentSecurityPolicy(browser: Browser, violations: string[]): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options?: BrowserContextOptions) => {
    const context = await newContext(options);
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    const watch = (page: Page) =>
      page.on('console', (m) => {
        if (/CSP violation|Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
      });
    context.pages().forEach(watch);
    context.on('page', watch);
    return context;
  };
  return browser;
}

/**
 * A resident's first visit shows the privacy notice, and location and camera wait for its answer (issue 13):
 * agree, as a resident who wants the location filled in would.
 */
export async function agreeToPrivacy(page: Page): Promise<void> {
  await page.locator('[data-testid="privacy-agree"]:visible').click();
}

/**
 * A new context of `browser` (a phone unless `options` say otherwise) with one page, and the page's uncaught
 * errors as they happen: a test checks `errors` is still empty at its end.
 */
export async function openPage(browser: Browser, options: BrowserContextOptions = PHONE): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/**
 * A resident's first visit on the web: the home page, the privacy notice agreed to, 我要反映, and (not signed
 * in yet) the login page's 本地体验登录, which goes straight on to the complaint form.
 */
export async function openComplaintForm(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await agreeToPrivacy(page);
  await page.locator('[data-testid="entry-complaint"]:visible').getByText('我要反映', { exact: true }).click();
  await page.locator('[data-testid="local-login"]:visible', { hasText: '本地体验登录' }).click();
  await waitForRoute(page, 'report/complaint');
}

/**
 * The complaint form's location has filled itself in: the browser's GPS point shown as its district
 * (PHONE's point lies in 黄浦区). Rejects if it does not appear within 15 s.
 */
export function waitForDistrict(page: Page, district = '黄浦区'): Promise<void> {
  return page.locator('[data-testid="district"]:visible').getByText(district).waitFor({ timeout: 15_000 });
}
