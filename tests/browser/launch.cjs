// What every browser test's driver shares: launching Debian's Chromium (headless) through
// playwright-core, a page whose network traffic and errors are recorded, and the loop that
// runs each scenario and prints one JSON document on stdout (a failed scenario is reported
// as {"name", "failure"}, never thrown, so the Rust test says which one failed).
//
// Config (the JSON file given as the first argument) fields used here:
//   {"chromium": path, "playwright_core": path, "scenarios": [{"name": ...}, ...]}
'use strict';
const fs = require('fs');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

// A page in a new context; `log` gets every request the page and its frames made (method,
// url, body, headers), every response with its body, and every page or console error
// (with the URL it is about).
async function recordedPage(browser, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const log = { requests: [], responses: [], errors: [] };
  page.on('pageerror', (e) => log.errors.push(String(e && e.message)));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const at = m.location() && m.location().url;
    log.errors.push('console: ' + m.text() + (at ? ` (${at})` : ''));
  });
  page.on('request', (r) => {
    const entry = { method: r.method(), url: r.url(), body: r.postData(), headers: {} };
    log.requests.push(entry);
    r.allHeaders().then((h) => { entry.headers = h; }, () => {});
  });
  page.on('response', (r) => {
    r.text().then((body) => log.responses.push({ url: r.url(), status: r.status(), body }),
      () => {});
  });
  // Lets the last response bodies and header reads settle before the context closes.
  const close = async () => { await page.waitForTimeout(50); await context.close(); };
  return { page, log, close };
}

// Runs `scenario(browser, config, s)` for each of config.scenarios in one Chromium.
async function main(scenario) {
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

function run(scenario) {
  main(scenario).catch((e) => {
    process.stderr.write(`${process.argv[1]}: ${e && e.stack || e}\n`);
    process.exit(1);
  });
}

module.exports = { recordedPage, run };
