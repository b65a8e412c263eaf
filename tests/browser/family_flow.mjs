// A parent on a phone (390 x 844): a town's calendar, a center's changes (a closed
// day, a moved date), the feed to subscribe to, one date added to a calendar; every
// public page checked with axe-core at 390 and 1280 px (no serious or critical violation).
// Usage: node tests/browser/family_flow.mjs <config.json>; prints one JSON object.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

const pages = {
  calendar: `/calendario?comune=${config.town_slug}&eta=7`,
  center: `/centri/${config.center_slug}`,
  activity: `/centri/${config.center_slug}/attivita/${config.activity_id}`,
  lab: `/laboratori/${config.lab_slug}`,
  embed: `/incorpora/comuni/${config.town_slug}`,
  builder: `/calendario/incorpora?comune=${config.town_slug}`,
  help: '/calendario/come-iscriversi',
  moved: `/centri/${config.center_slug}/attivita/${config.activity_id}/data/${config.moved_on}`,
  closed: `/centri/${config.center_slug}/attivita/${config.activity_id}/data/${config.closed_on}`,
  month: `/calendario?vista=mese&dal=${config.month}&comune=${config.town_slug}`,
};

try {
  const page = await newPage(phone);

  // 1. The town's calendar for children, and the feed the page offers.
  await page.goto(`${base}/calendario`);
  // Phone first: the first event is in view before the filters are opened.
  const first = await page.locator('.legami-entry').first().boundingBox();
  results.steps.first_event_bottom = first ? first.y + first.height : null;
  await page.locator('summary', { hasText: 'Filtri' }).click();
  await page.getByLabel('Comune').selectOption(config.town_slug);
  await page.getByLabel('Età del bambino o della bambina').fill('7');
  await Promise.all([page.waitForNavigation(), page.locator('.legami-filters button[type=submit]').first().click()]);
  results.steps.calendar_url = page.url();
  results.steps.calendar_text = await page.locator('main').innerText();
  results.steps.webcal = await page.locator('.legami-subscribe a[href^="webcal:"]').first().getAttribute('href');

  // 2. The center: what changed in the next 14 days (a closed day, a moved date).
  await page.goto(`${base}${pages.center}`);
  results.steps.notices_text = await page.locator('.legami-notices').innerText();

  // 3. The activity page: one date, added to a calendar.
  await page.goto(`${base}${pages.activity}`);
  results.steps.activity_text = await page.locator('main').innerText();
  await Promise.all([page.waitForNavigation(), page.locator('.legami-entry-add').first().click()]);
  results.steps.event_url = page.url();
  results.steps.event_text = await page.locator('main').innerText();
  const ics = await page.locator('a[href$=".ics"]').first().getAttribute('href');
  const download = await page.request.get(new URL(ics, base).href);
  results.steps.ics_type = download.headers()['content-type'];
  results.steps.ics = await download.text();
  results.steps.google = await page.locator('a[href^="https://calendar.google.com/"]').getAttribute('href');
  results.steps.outlook = await page.locator('a[href^="https://outlook.live.com/"]').getAttribute('href');
  pages.event = new URL(page.url()).pathname;

  // 4. A moved date's and a closed day's own pages, and the month, read on the phone.
  results.steps.widest = 0;
  for (const name of ['moved', 'closed', 'month']) {
    const response = await page.goto(`${base}${pages[name]}`);
    if (name === 'closed') results.steps.closed_status = response.status();
    results.steps[`${name}_text`] = await page.locator('main').innerText();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    results.steps.widest = Math.max(results.steps.widest, width);
  }

  // 5. The embedded page really loads inside a frame of another origin's page.
  const framer = await newPage(desktop);
  await framer.goto(config.framer);
  const frame = await (await framer.waitForSelector('#f')).contentFrame();
  await frame.waitForSelector('h1');
  results.steps.embedded_title = await frame.locator('h1').innerText();

  // 6. Every public page touched, on a phone and on a desktop.
  for (const [name, path] of Object.entries(pages)) {
    for (const [size, viewport] of [['390', phone], ['1280', desktop]]) {
      const p = size === '390' ? page : framer;
      await p.setViewportSize(viewport);
      await p.goto(`${base}${path}`);
      await audit(p, `${name}-${size}`);
      await shot(p, `family-${name}-${size}`);
    }
  }
} catch (error) {
  results.error = String(error.stack || error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
