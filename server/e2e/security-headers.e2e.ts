import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { PHONE, waitForRoute, withAppAndBrowser, signInAsStaff } from './browser';

const e2e = withAppAndBrowser(test);

test.serial('the web app and the console run under their CSP, and refuse to be framed', async (t) => {
  const { server, browser } = e2e;
  const page = await (await browser.newContext(PHONE)).newPage();
  const response = await page.goto(server.baseUrl + '/');
  const csp = response!.headers()['content-security-policy'] ?? '';
  t.regex(csp, /frame-ancestors 'none'/);
  // Our origin, plus index.html's own inline script and the tab bar's no-op link, by their hashes: nothing else inline, nothing remote.
  t.regex(csp, /(^|;)script-src 'self'( 'sha256-[A-Za-z0-9+/=]+'| 'unsafe-hashes')+(;|$)/);
  t.is(response!.headers()['x-content-type-options'], 'nosniff');
  t.is(response!.headers()['referrer-policy'], 'no-referrer');
  await page.locator('[data-testid="entry-complaint"]:visible').waitFor({ timeout: 15_000 });
  await signInAsStaff(page, server.baseUrl);
  await waitForRoute(page, 'admin/index');

  // Another site tries to frame the console (clickjacking): the browser refuses.
  const evil = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<iframe id="f" src="${server.baseUrl}/#/admin/index/index" width="400" height="400"></iframe>`);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  const attacker = await (await browser.newContext()).newPage();
  const blocked: string[] = [];
  attacker.on('console', (m) => blocked.push(m.text()));
  await attacker.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
  await attacker.waitForTimeout(1500);
  const frame = attacker.frames().find((f) => f !== attacker.mainFrame());
  const framedContent = frame ? await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
  t.false(/随申拍|12345|诉求/.test(framedContent), `framed page rendered: ${framedContent.slice(0, 80)}`);
  t.true(blocked.some((m) => /frame-ancestors|Refused to (display|frame)/i.test(m)), blocked.join('\n'));
  evil.close();
  // The attacker page's own (expected) frame-ancestors refusal is not a violation of the app.
  e2e.cspViolations.splice(0, e2e.cspViolations.length, ...e2e.cspViolations.filter((v) => !/frame-ancestors/.test(v)));
});
