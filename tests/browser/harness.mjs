// What every browser script shares: the config file named on the command line, Debian's
// Chromium (never a downloaded one), pages in Italian on Rome's clock that record console
// errors, axe-core keeping serious and critical violations, screenshots when asked for.
// Usage in a script: const { config, base, results, browser, newPage, audit, shot } = await start();
// and at the end: await finish(browser, results)  (prints the one JSON object pytest reads).
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const phone = { width: 390, height: 844 };
export const desktop = { width: 1280, height: 900 };

export async function start() {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const results = { axe: {}, console: [], steps: {} };
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });

  async function newPage(viewport, options = {}) {
    const context = await browser.newContext({ viewport, locale: 'it-IT', timezoneId: 'Europe/Rome', ...options });
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

  return { config, base: config.base, results, browser, newPage, audit, shot };
}
