// Opens `report --html` pages from file:// in Debian's Chromium, headless, and prints one
// JSON document on stdout: per scenario, every chart's bounding box, its bars (and how many
// have a non-zero size), its accessible title, the page's title, every request the page
// made and every page or console error (launch.cjs). tests/report_browser/main.rs writes
// the page, runs this script and asserts on its output.
//
// Usage: node render.cjs CONFIG.json
//   {"chromium": path, "playwright_core": path,
//    "scenarios": [{"name": ..., "url": "file:///...", "screenshot": path}]}
'use strict';
const { recordedPage, run } = require('../browser/launch.cjs');

async function scenario(browser, config, s) {
  const { page, log, close } = await recordedPage(browser, {
    viewport: { width: 1320, height: 900 },
  });
  await page.goto(s.url, { waitUntil: 'load', timeout: 15000 });
  const title = await page.title();
  const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => {
    const box = svg.getBoundingClientRect();
    const bars = Array.from(svg.querySelectorAll('rect.bar'));
    const drawn = bars.filter((b) => {
      const r = b.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
    const titleEl = svg.querySelector(':scope > title');
    return {
      id: svg.id,
      role: svg.getAttribute('role'),
      title: titleEl ? titleEl.textContent : null,
      namespace: svg.namespaceURI,
      width: box.width,
      height: box.height,
      bars: bars.length,
      drawn: drawn.length,
      groups: Array.from(new Set(bars.map((b) => b.getAttribute('data-group')))),
    };
  }));
  const tables = await page.$$eval('table', (t) => t.length);
  await page.screenshot({ path: s.screenshot, fullPage: true });
  await close();
  return { name: s.name, title, charts, tables, requests: log.requests.map((r) => r.url),
    errors: log.errors };
}

run(scenario);
