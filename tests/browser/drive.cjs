// Drives Debian's Chromium (headless) through the browser test's scenarios with
// playwright-core, and prints one JSON document on stdout: per scenario, what the page
// ended with, every request the page and its frames made (with headers and bodies), every
// response body, and the challenge iframe's size. tests/browser/main.rs starts the servers,
// runs this script and asserts on its output and on what the servers received.
//
// Usage: node drive.cjs CONFIG.json
//   {"chromium": path, "playwright_core": path, "base_url": url, "screenshot": path,
//    "scenarios": [{"name": ..., "wait": "done" | "landing", "challenge": bool,
//                   "screenshot": bool}]}
'use strict';
const fs = require('fs');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

async function scenario(browser, config, s) {
  const context = await browser.newContext({
    viewport: { width: 1024, height: 800 },
    screen: { width: 1440, height: 900 },
    locale: 'de-DE',
    timezoneId: 'Asia/Kolkata',
    userAgent: 'threeds-bridge-browser-test/1',
  });
  const page = await context.newPage();
  const requests = [];
  const responses = [];
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e && e.message)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  page.on('request', (r) => {
    const entry = { method: r.method(), url: r.url(), body: r.postData(), headers: {} };
    requests.push(entry);
    r.allHeaders().then((h) => { entry.headers = h; }, () => {});
  });
  page.on('response', (r) => {
    r.text().then((body) => responses.push({ url: r.url(), status: r.status(), body }), () => {});
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
  // Lets the last response bodies and header reads settle before the context closes.
  await page.waitForTimeout(50);
  await context.close();
  return { name: s.name, url: page.url(), result, iframe, requests, responses, errors };
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const { chromium } = require(config.playwright_core);
  const browser = await chromium.launch({
    executablePath: config.chromium, headless: true, args: FLAGS,
  });
  const out = [];
  try {
    for (const s of config.scenarios) {
      try {
        out.push(await scenario(browser, config, s));
      } catch (e) {
        out.push({ name: s.name, failure: String(e && e.stack || e) });
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`drive.cjs: ${e && e.stack || e}\n`);
  process.exit(1);
});
