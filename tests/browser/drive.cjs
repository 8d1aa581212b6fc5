// Drives Debian's Chromium (headless) through the browser test's scenarios with
// playwright-core, and prints one JSON document on stdout: per scenario, what the page
// ended with, every request the page and its frames made (with headers and bodies), every
// response body, and the challenge iframe's size. tests/browser/main.rs starts the servers,
// runs this script and asserts on its output and on what the servers received.
//
// Usage: node drive.cjs CONFIG.json (launch.cjs launches Chromium and records the page)
//   {"chromium": path, "playwright_core": path, "base_url": url, "screenshot": path,
//    "scenarios": [{"name": ..., "wait": "done" | "landing", "challenge": bool,
//                   "screenshot": bool}]}
'use strict';
const { recordedPage, run } = require('./launch.cjs');

async function scenario(browser, config, s) {
  const { page, log, close } = await recordedPage(browser, {
    viewport: { width: 1024, height: 800 },
    screen: { width: 1440, height: 900 },
    locale: 'de-DE',
    timezoneId: 'Asia/Kolkata',
    userAgent: 'threeds-bridge-browser-test/1',
  });

  await page.goto(`${config.base_url}/page/${s.name}`);
  let iframe = null;
  if (s.challenge) {
    const frame = page.frameLocator('#container iframe');
    await frame.locator('#password').waitFor({ timeout: 10000 });
    iframe = await page.locator('#container iframe').boundingBox();
    if (s.screenshot) await page.screenshot({ path: config.screenshot });
    await frame.locator('#password').fill('1234');
    await frame.locator('button[value=submit]').click();
  }
  if (s.wait === 'landing') {
    await page.waitForURL('**/landing', { timeout: 10000 });
  } else {
    await page.waitForFunction(() => window.__threeds && window.__threeds.done, null,
      { timeout: 15000 });
  }
  const result = s.wait === 'landing' ? null : await page.evaluate(() => window.__threeds);
  await close();
  return { name: s.name, url: page.url(), result, iframe, ...log };
}

run(scenario);
