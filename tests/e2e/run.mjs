// End-to-end scenarios in a real headless Chromium, driven by playwright-core.
// Usage: node tests/e2e/run.mjs <config.json>; prints one JSON object of results.
import { start, phone, desktop } from '../browser/harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();


// 1. A resident on a phone: home, calendar with filters, subscribe link.
{
  const page = await newPage(phone);
  await page.goto(base + '/');
  await audit(page, 'home');
  await shot(page, 'home-phone');
  await page.goto(base + '/calendario');
  await page.locator('summary', { hasText: 'Filtri' }).click();
  await page.getByLabel('Comune').selectOption(config.town_slug);
  await page.getByLabel('Per chi').selectOption('bambini');
  await page.getByRole('button', { name: 'Mostra', exact: true }).click();
  await page.waitForURL(/comune=/);
  const url = new URL(page.url());
  results.steps.calendar_url = url.search;
  results.steps.calendar_text = await page.locator('main').innerText();
  results.steps.webcal = await page.getByRole('link', { name: 'Iscriviti (webcal)' }).getAttribute('href');
  await audit(page, 'calendar');
  await shot(page, 'calendar-phone');
  await page.goto(base + `/centri/${config.center_slug}`);
  await audit(page, 'center');
  await page.goto(base + '/calendario?vista=mese');
  await audit(page, 'calendar-month');
  await page.context().close();
}

// 2. A resident signs up for a full lab, a registrant withdraws, the waiting list moves.
{
  const page = await newPage(phone);
  await page.goto(base + `/laboratori/${config.lab_slug}`);
  await audit(page, 'lab');
  await page.getByLabel('Nome e cognome').fill('Teresa Villa');
  await page.getByLabel('Oppure telefono').fill('0373 555111');
  await page.getByRole('button', { name: 'Iscriviti', exact: true }).click();
  await page.waitForURL(/iscrizione\//);
  results.steps.waiting_text = await page.locator('main').innerText();
  const teresa = page.url();
  await audit(page, 'registration');
  // The person holding the place withdraws with their private link.
  await page.goto(config.first_registration_url);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Ritirati dal laboratorio' }).click();
  await page.waitForLoadState('load');
  results.steps.withdrawn_text = await page.locator('main').innerText();
  await page.goto(teresa);
  results.steps.promoted_text = await page.locator('main').innerText();
  await shot(page, 'registration-phone');
  await page.context().close();
}

// 3. The administrator logs in through the form and sees the dashboard.
{
  const page = await newPage(desktop);
  await page.goto(base + '/accedi');
  await audit(page, 'login');
  await page.getByLabel('Indirizzo e-mail').fill(config.email);
  await page.getByLabel('Password').fill(config.password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/area-riservata/);
  results.steps.dashboard_text = await page.locator('main').innerText();
  await audit(page, 'dashboard');
  await shot(page, 'dashboard-desktop');
  await page.goto(base + '/coordinamento/');
  await audit(page, 'reports');
  results.steps.chart_drawn = await page.locator('#grafico-presenze').count();
  await page.goto(base + `/gestione/attivita/${config.activity_id}`);
  await audit(page, 'activity-form');
  await page.context().close();
}

// 4. Two tabs edit the same lab: the second save, from a stale form, gets the conflict page.
{
  const first = await newPage(desktop);
  await first.goto(base + '/accedi');
  await first.getByLabel('Indirizzo e-mail').fill(config.email);
  await first.getByLabel('Password').fill(config.password);
  await first.getByRole('button', { name: 'Accedi' }).click();
  await first.waitForURL(/area-riservata/);
  const second = await first.context().newPage();
  const url = base + `/gestione/laboratori/${config.lab_slug}`;
  await first.goto(url);
  await second.goto(url);
  const labForm = (page) => page.locator('form:has(input[name="version"])');
  await labForm(first).getByLabel('Posti', { exact: true }).fill('3');
  await labForm(first).getByRole('button', { name: 'Salva il laboratorio' }).click();
  await first.waitForLoadState('load');
  await labForm(second).getByLabel('Titolo', { exact: true }).fill('Orto di tutti');
  const answer = second.waitForResponse((r) => r.request().method() === 'POST');
  await labForm(second).getByRole('button', { name: 'Salva il laboratorio' }).click();
  results.steps.conflict_status = (await answer).status();
  await second.waitForLoadState('load');
  results.steps.conflict_text = await second.locator('main').innerText();
  results.steps.conflict_title = await labForm(second).getByLabel('Titolo', { exact: true }).inputValue();
  results.steps.conflict_capacity = await labForm(second).getByLabel('Posti', { exact: true }).inputValue();
  await audit(second, 'conflict');
  await shot(second, 'conflict-desktop');
  await second.setViewportSize(phone);
  await shot(second, 'conflict-phone');
  if (config.screenshots) await second.screenshot({ path: `${config.screenshots}/conflict-phone-top.png` });
  await labForm(second).getByRole('button', { name: 'Salva il laboratorio' }).click();
  await second.waitForLoadState('load');
  results.steps.resaved_text = await second.locator('main').innerText();
  await first.context().close();
}

await browser.close();
console.log(JSON.stringify(results));
