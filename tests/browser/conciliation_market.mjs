// Per il tuo tempo, the marketplace: a resident browses the catalogue by town, opens a service,
// orders it for a day and a time (reading the price and that nothing is paid online); the
// provider's staff member reads the day's queue, accepts the order and marks an earlier one
// delivered. Once at 390 px and once at 1280 px, each page checked with axe-core.
// Usage: node tests/browser/conciliation_market.mjs <config.json>; prints one JSON object.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

async function signIn(viewport, email) {
  const page = await newPage(viewport);
  await page.goto(`${base}/accedi`);
  await page.getByLabel('Indirizzo e-mail').fill(email);
  await page.getByLabel('Password').fill(config.password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/area-riservata/);
  return page;
}

async function read(page, key, name) {
  await page.waitForLoadState('load');
  results.steps[key] = await page.locator('main').innerText();
  await audit(page, name);
  await shot(page, name);
}

for (const [label, viewport] of [['phone', phone], ['desktop', desktop]]) {
  const walk = config.walks[label];
  // The resident.
  const resident = await signIn(viewport, config.resident);
  await resident.goto(`${base}/per-il-tuo-tempo/`);
  await resident.getByLabel('Comune').selectOption({ label: 'Crema' });
  await resident.getByRole('button', { name: 'Filtra' }).click();
  await resident.waitForURL(/comune=crema/);
  await read(resident, `catalogue_${label}`, `market-catalogue-${label}`);
  await resident.getByRole('link', { name: 'Stireria a domicilio' }).click();
  await read(resident, `service_${label}`, `market-service-${label}`);
  await resident.getByLabel('Giorno').fill(walk.day);
  await resident.getByLabel('Ora di inizio').selectOption('10:00');
  await resident.getByLabel('Quantità').fill('3');
  await resident.getByLabel('Indirizzo').fill('Via Mazzini 12');
  await resident.getByRole('button', { name: "Invia l'ordine" }).click();
  await resident.waitForURL(/\/ordini\/\d+$/);
  await read(resident, `order_${label}`, `market-order-${label}`);
  await resident.context().close();
  // The provider's staff member.
  const staff = await signIn(viewport, config.staff);
  await staff.goto(`${base}/per-il-tuo-tempo/fornitori/${config.provider}/ordini?giorno=${walk.day}`);
  await read(staff, `queue_${label}`, `market-queue-${label}`);
  await staff.getByRole('link', { name: "Apri l'ordine" }).first().click();
  await read(staff, `provider_order_${label}`, `market-provider-order-${label}`);
  await staff.getByRole('button', { name: 'Accetta' }).click();
  await staff.waitForURL(/\/ordini\?giorno=/);
  await read(staff, `accepted_${label}`, `market-accepted-${label}`);
  await staff.goto(`${base}/per-il-tuo-tempo/fornitori/ordini/${walk.past_order}`);
  await staff.getByRole('button', { name: 'Segna come svolto' }).click();
  await staff.waitForURL(/\/ordini\?giorno=/);
  await read(staff, `delivered_${label}`, `market-delivered-${label}`);
  await staff.context().close();
}

await browser.close();
console.log(JSON.stringify(results));
