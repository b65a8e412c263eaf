// A resident signs up for a lab, opens the request to confirm (its HTML part, as a mail app shows it),
// confirms from its link, opens the confirmation e-mail, follows the withdraw link and withdraws.
// Usage: node tests/browser/mail_flow.mjs <config.json>
import { existsSync } from 'node:fs';
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

async function waitForFile(path) {
  for (let i = 0; i < 100; i++) {
    if (existsSync(path)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no message arrived at ${path}`);
}

for (const [label, viewport] of [['phone', phone], ['desktop', desktop]]) {
  const page = await newPage(viewport);
  const context = page.context();
  const address = `famiglia-${label}@example.org`;
  await page.goto(base + `/laboratori/${config.lab_slug}`);
  await page.getByLabel('Nome e cognome').fill(`Teresa Villa ${label}`);
  await page.getByLabel('E-mail').fill(address);
  await page.getByRole('button', { name: 'Iscriviti', exact: true }).click();
  await page.waitForURL(/iscrizione-ricevuta/);
  results.steps[`received_${label}`] = await page.locator('main').innerText();
  await audit(page, `received-${label}`);
  await shot(page, `mail-received-${label}`);
  // The request to confirm, as the resident's mail app shows it: nothing holds until she confirms.
  const request = `${config.inbox}/${address}-1.html`;
  await waitForFile(request);
  await page.goto('file://' + request);
  results.steps[`request_${label}`] = await page.locator('body').innerText();
  await shot(page, `mail-request-${label}`);
  await page.getByRole('link', { name: "Conferma l'iscrizione" }).click();
  await page.waitForURL(/\/conferma\//);
  results.steps[`confirm_${label}`] = await page.locator('main').innerText();
  await audit(page, `confirm-${label}`);
  await shot(page, `mail-confirm-${label}`);
  await page.getByRole('button', { name: "Conferma l'iscrizione" }).click();
  await page.waitForURL(/\/iscrizione\//);
  results.steps[`confirmed_${label}`] = await page.locator('main').innerText();
  // The confirmation, with the dates and the withdraw link.
  const file = `${config.inbox}/${address}-2.html`;
  await waitForFile(file);
  await page.goto('file://' + file);
  results.steps[`mail_${label}`] = await page.locator('body').innerText();
  await shot(page, `mail-message-${label}`);
  await page.getByRole('link', { name: 'Vedi la tua iscrizione o ritirati' }).click();
  await page.waitForURL(/\/iscrizione\//);
  results.steps[`private_${label}`] = await page.locator('main').innerText();
  await audit(page, `private-${label}`);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Ritirati dal laboratorio' }).click();
  await page.waitForLoadState('load');
  results.steps[`withdrawn_${label}`] = await page.locator('main').innerText();
  await shot(page, `mail-withdrawn-${label}`);
  await context.close();
}

// The other pages of this feature: asked for a password link, follow by e-mail, and the
// administrator's Posta inviata (list and one message) and a user's notice preferences.
for (const [label, viewport] of [['phone', phone], ['desktop', desktop]]) {
  const page = await newPage(viewport);
  const context = page.context();
  await page.goto(base + '/password-dimenticata');
  await audit(page, `forgot-${label}`);
  await page.goto(base + `/segui/laboratorio/${config.lab_slug}`);
  await audit(page, `follow-${label}`);
  await page.goto(base + '/accedi');
  await page.getByLabel('Indirizzo e-mail').fill(config.email);
  await page.getByLabel('Password').fill(config.password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/area-riservata/);
  // The widest menu (administrator, coordinator, operator) fits; «Esci» is in the slim header.
  results.steps[`overflow_${label}`] = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth);
  results.steps[`esci_${label}`] = await page.locator('.it-header-slim-wrapper').getByRole('link', { name: 'Esci' }).isVisible();
  results.steps[`menu_${label}`] = await page.getByRole('navigation', { name: 'Navigazione principale' }).innerText();
  await shot(page, `menu-${label}`);
  // Posta inviata is reached from the menu, under Amministrazione beside Utenti and Comuni
  // (behind the burger on a phone).
  const toggler = page.getByRole('button', { name: 'Mostra o nascondi il menu' });
  if (await toggler.isVisible()) await toggler.click();
  const menu = page.getByRole('navigation', { name: 'Navigazione principale' });
  await menu.getByRole('button', { name: 'Amministrazione' }).click();
  await menu.getByRole('link', { name: 'Posta inviata' }).click();
  await page.waitForURL(/\/amministrazione\/posta\/$/);
  results.steps[`outbox_${label}`] = await page.locator('main').innerText();
  await audit(page, `outbox-${label}`);
  await shot(page, `mail-outbox-${label}`);
  await page.locator('main table a').first().click();
  await page.waitForURL(/\/posta\/\d+/);
  results.steps[`outbox_message_${label}`] = await page.locator('main').innerText();
  await audit(page, `outbox-message-${label}`);
  await shot(page, `mail-outbox-message-${label}`);
  await page.goto(base + '/profilo/notifiche');
  await audit(page, `preferences-${label}`);
  await shot(page, `mail-preferences-${label}`);
  await context.close();
}

await browser.close();
console.log(JSON.stringify(results));
