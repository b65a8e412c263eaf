// The meeting page and the audit log on a phone (390 px): no horizontal overflow of the page,
// every scroll region focusable, axe-core (serious or critical) clean.
import { start, phone } from './harness.mjs';

const { config, base, results, browser, newPage, audit } = await start();
try {
  const page = await newPage(phone);
  await page.goto(`${base}/accedi`);
  await page.fill('#email', config.email);
  await page.fill('#password', config.password);
  await page.click('main #submit');
  await page.waitForURL((u) => !u.pathname.startsWith('/accedi'));
  for (const [name, path] of [['incontro', config.meeting], ['registro', '/amministrazione/registro']]) {
    await page.goto(`${base}${path}`);
    results.steps[name] = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 12).map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`),
      regions: [...document.querySelectorAll('.table-responsive')].map((r) => `${r.tabIndex}|${r.getAttribute('aria-label') || ''}`),
    }));
    await audit(page, name);
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
