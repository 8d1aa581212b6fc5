// Pays on the service's demo checkout (`GET /demo` of `serve --sandbox`) in Debian's
// Chromium, headless, and prints one JSON document on stdout: per scenario, the hint the
// page shows, what the page ended with (the demo's `#result` or, after a full-page
// redirect, the return page's `#status`), the challenge frame's URL, and every request and
// response the page and its frames made (launch.cjs). tests/service_browser/main.rs starts
// the service, runs this script and asserts on its output.
//
// Usage: node drive.cjs CONFIG.json
//   {"chromium": path, "playwright_core": path, "base_url": url,
//    "scenarios": [{"name": ..., "account": ..., "scenario": ..., "screenshot": path|null,
//                   "cardholder": {"password": ..., "button": ...}|null,
//                   "redirect": bool}]}
'use strict';
const { recordedPage, run } = require('../browser/launch.cjs');

const TIMEOUT = { timeout: 15000 };

// The challenge form (in the iframe or the redirected page): what the cardholder does.
// Resolves with the URL of the page that showed the form.
async function challenge(root, page, s) {
  const button = root.locator(`button[value="${s.cardholder.button}"]`);
  await button.waitFor(TIMEOUT);
  const frame = s.redirect ? page.mainFrame()
    : await (await page.locator('#challenge iframe').elementHandle()).contentFrame();
  const url = frame && frame.url();
  if (s.screenshot) await page.screenshot({ path: s.screenshot, fullPage: true });
  if (s.cardholder.password) await root.locator('#password').fill(s.cardholder.password);
  await button.click();
  return url;
}

async function scenario(browser, config, s) {
  const { page, log, close } = await recordedPage(browser, {
    viewport: { width: 1024, height: 900 },
  });
  await page.goto(`${config.base_url}/demo`);
  const pay = page.locator(
    `button[data-account="${s.account}"][data-scenario="${s.scenario}"]`);
  const hint = await pay.locator('xpath=../preceding-sibling::td[1]').textContent();
  await pay.click();
  let challengeUrl = null;
  let ended;
  if (s.redirect) {
    // The page is left for the PSP's own page, which comes back to the return page.
    await page.waitForURL((u) => !u.pathname.startsWith('/demo'), TIMEOUT);
    challengeUrl = await challenge(page, page, s);
    await page.waitForURL('**/v1/pages/return/**', TIMEOUT);
    const status = page.locator('#status');
    ended = { status: await status.getAttribute('data-status'), text: await status.textContent() };
  } else {
    if (s.cardholder) {
      challengeUrl = await challenge(page.frameLocator('#challenge iframe'), page, s);
    }
    // Done: a final status shown, or the page's failure written into #result.
    await page.waitForFunction(() => {
      const r = document.getElementById('result');
      return r.getAttribute('data-status') || /^failed/.test(r.textContent);
    }, null, TIMEOUT);
    const result = page.locator('#result');
    ended = { status: await result.getAttribute('data-status'), text: await result.textContent() };
  }
  ended.log = await page.evaluate(() => {
    const log = document.getElementById('log');
    return log ? log.textContent : null;
  });
  await close();
  return { name: s.name, url: page.url(), hint, challenge_url: challengeUrl, ended, ...log };
}

run(scenario);
