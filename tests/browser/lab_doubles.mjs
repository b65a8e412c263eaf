// A parent on a phone signs up two children with one number (the first with a double tap,
// which must send the form once); someone else signs up; a third with that number withdraws
// (after cancelling the confirmation once). The Community Maker's list of registrations shows
// who shares a phone among the active ones, at 390 and 1280 px, checked with axe-core.
// Usage: node tests/browser/lab_doubles.mjs <config.json>; prints one JSON object.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

async function signUp(name, number, { doubleTap = false, withdraw = false } = {}) {
  const page = await newPage(phone);
  await page.goto(`${base}/laboratori/${config.lab_slug}`);
  await page.getByLabel('Nome e cognome').fill(name);
  await page.getByLabel('Oppure telefono').fill(number);
  const button = page.getByRole('button', { name: 'Iscriviti', exact: true });
  await (doubleTap ? button.dblclick() : button.click());
  await page.waitForURL(/\/iscrizione\/[\w-]+$/);
  await page.waitForLoadState('load');
  const seen = await page.locator('main').innerText();
  if (withdraw) {
    // A cancelled confirmation leaves the form usable: the next press withdraws.
    const leave = page.getByRole('button', { name: 'Ritirati dal laboratorio' });
    page.once('dialog', (d) => d.dismiss());
    await leave.click();
    results.steps.after_cancel_enabled = await leave.isEnabled();
    page.once('dialog', (d) => d.accept());
    await leave.click();
    await page.waitForLoadState('load');
  }
  await page.context().close();
  return seen;
}

results.steps.maria = await signUp('Maria Rossi', '333 123 4567', { doubleTap: true });
results.steps.luca = await signUp('Luca Rossi', '3331234567');
results.steps.pietro = await signUp('Pietro Verdi', '0373 111222');
results.steps.gino = await signUp('Gino Ritirato', '333 1234567', { withdraw: true });

const page = await newPage(phone);
await page.goto(`${base}/accedi`);
await page.getByLabel('Indirizzo e-mail').fill(config.email);
await page.getByLabel('Password').fill(config.password);
await page.getByRole('button', { name: 'Accedi' }).click();
await page.waitForURL(/area-riservata/);
for (const [label, viewport] of [['phone', phone], ['desktop', desktop]]) {
  await page.setViewportSize(viewport);
  await page.goto(`${base}/gestione/laboratori/${config.lab_slug}/iscrizioni`);
  results.steps[`list_${label}`] = await page.locator('main').innerText();
  results.steps[`rows_${label}`] = await page.locator('main tbody tr td:first-child').allInnerTexts();
  await audit(page, `registrations-${label}`);
  await shot(page, `lab-doubles-${label}`);
}

await browser.close();
console.log(JSON.stringify(results));
