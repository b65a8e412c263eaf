// The public pages are kept between changes (app/platform/page_cache.py): a parent on a phone reads the
// activity, its center and the week's calendar twice (the second time from the kept pages); the
// center's manager cancels next date with a reason; the parent reloads and reads "Annullato" with
// the reason on all three, at once. Screenshots and axe-core at 390 and 1280 px.
// Usage: node tests/browser/kept_pages.mjs <config.json>; prints one JSON object.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();
const pages = {
  activity: `/centri/${config.center_slug}/attivita/${config.activity_id}`,
  center: `/centri/${config.center_slug}`,
  week: `/calendario?vista=settimana&dal=${config.date}`,
};

const parent = await newPage(phone);
async function read(label) {
  for (const [name, path] of Object.entries(pages)) {
    await parent.goto(`${base}${path}`);
    results.steps[`${label}_${name}`] = await parent.locator('main').innerText();
  }
}
await read('first');
await read('kept');

const manager = await newPage(desktop);
await manager.goto(`${base}/accedi`);
await manager.getByLabel('Indirizzo e-mail').fill(config.email);
await manager.getByLabel('Password').fill(config.password);
await manager.getByRole('button', { name: 'Accedi' }).click();
await manager.waitForURL(/area-riservata/);
await manager.goto(`${base}/gestione/attivita/${config.activity_id}`);
const dates = manager.getByRole('region', { name: 'Date annullate o spostate' });
const day = dates.getByLabel('Data da annullare');
if ((await day.evaluate((e) => e.tagName)) === 'SELECT') await day.selectOption(config.date);
else await day.fill(config.date);
await dates.getByLabel('Motivo, visibile a tutti').fill('Palestra allagata');
await dates.getByRole('button', { name: 'Annulla questa data' }).click();
await manager.waitForLoadState('load');
results.steps.manager = await manager.locator('main').innerText();

await read('after');
for (const [label, viewport] of [['phone', phone], ['desktop', desktop]]) {
  await parent.setViewportSize(viewport);
  await parent.goto(`${base}${pages.activity}`);
  await audit(parent, `activity-${label}`);
  await shot(parent, `kept-activity-${label}`);
}

await browser.close();
console.log(JSON.stringify(results));
