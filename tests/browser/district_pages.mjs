// The bounded home and calendar pages in a real Chromium, on a phone and a desktop, checked with axe-core.
// Usage: node tests/browser/district_pages.mjs <config.json>; prints one JSON object of results.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

for (const [size, viewport] of [['phone', phone], ['desktop', desktop]]) {
  const page = await newPage(viewport);
  // Home: choose a town, remember it, and find it first on the next visit.
  await page.goto(base + '/');
  await audit(page, `home-${size}`);
  await shot(page, `home-${size}`);
  await page.getByLabel('Mostra prima gli eventi di').selectOption(config.town_slug);
  await page.getByRole('button', { name: 'Mostra', exact: true }).click();
  await page.waitForURL(/comune=/);
  await page.getByRole('button', { name: /^Ricorda/ }).click();
  await page.waitForURL((url) => !url.search.includes('comune='));
  results.steps[`home_remembered_${size}`] = await page.locator('main').innerText();
  await audit(page, `home-town-${size}`);
  await shot(page, `home-town-${size}`);
  // Calendar: a busy day shows ten and links the rest to the day view.
  await page.goto(base + `/calendario?dal=${config.day}`);
  await audit(page, `calendar-${size}`);
  await shot(page, `calendar-${size}`);
  results.steps[`entries_${size}`] = await page.locator('li.legami-entry').count();
  await page.getByRole('link', { name: /altri \d+ eventi/ }).first().click();
  await page.waitForURL(/vista=giorno/);
  results.steps[`day_${size}`] = await page.locator('main').innerText();
  await audit(page, `day-${size}`);
  await shot(page, `day-${size}`);
  await page.goto(base + `/calendario?vista=mese&dal=${config.day}`);
  await audit(page, `month-${size}`);
  await shot(page, `month-${size}`);
  await page.goto(base + `/calendario?vista=settimana&dal=${config.day}`);
  await audit(page, `week-${size}`);
  await page.context().close();
}

// --- Weight (issue 22): the bytes a phone receives for the home page, first and second visit.
// Counted by Chromium itself (CDP Network.loadingFinished: headers and body as sent, compressed).
async function transferred(page, path) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = [];
  cdp.on('Network.responseReceived', (e) => seen.push({ id: e.requestId, url: e.response.url,
    encoding: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '',
    cache: e.response.headers['cache-control'] || e.response.headers['Cache-Control'] || '' }));
  const sizes = {};
  cdp.on('Network.loadingFinished', (e) => { sizes[e.requestId] = e.encodedDataLength; });
  await page.goto(base + path, { waitUntil: 'networkidle' });
  await cdp.detach();
  return { bytes: Object.values(sizes).reduce((a, b) => a + b, 0),
           files: seen.map((r) => ({ ...r, bytes: sizes[r.id] || 0 })) };
}
{
  const page = await newPage(phone);
  results.steps.weight_first = await transferred(page, '/');
  results.steps.weight_second = await transferred(page, '/');
  await page.context().close();
}

await browser.close();
console.log(JSON.stringify(results));
