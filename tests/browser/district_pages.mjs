// The bounded home and calendar pages in a real Chromium, on a phone and a desktop, checked with axe-core.
// Usage: node tests/browser/district_pages.mjs <config.json>; prints one JSON object of results.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = config.base;
const results = { axe: {}, console: [], steps: {} };
const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
});

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'it-IT', timezoneId: 'Europe/Rome' });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') results.console.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => results.console.push(`${page.url()}: ${e.message}`));
  return page;
}

async function audit(page, name) {
  const report = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  results.axe[name] = report.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

async function shot(page, name) {
  if (config.screenshots) await page.screenshot({ path: `${config.screenshots}/${name}.png`, fullPage: true });
}

for (const [size, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 900 }]]) {
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

await browser.close();
console.log(JSON.stringify(results));
