// Entra con SPID, at 390 and 1280 px: the login page's «Entra con SPID» opens the list of identity
// providers; the test IdP's login form (served by the test process) takes maria/prova and posts
// the signed Response back; the person is signed in, and the profile shows the identity.
// Usage: node tests/browser/spid_login.mjs <config.json>; prints one JSON object.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

for (const [label, viewport] of [['phone', phone], ['desktop', desktop]]) {
  const page = await newPage(viewport);
  await page.goto(`${base}/accedi`);
  await page.getByText('Entra con SPID').click();
  results.steps[`login_${label}`] = await page.locator('main').innerText();
  await audit(page, `login-${label}`);
  await shot(page, `spid-login-${label}`);
  await page.getByRole('link', { name: config.idp_name }).click();
  await page.waitForURL(/\/sso\?SAMLRequest=/);
  results.steps[`idp_form_${label}`] = await page.locator('main').innerText();
  await page.getByLabel('Nome utente').fill('maria');
  await page.getByLabel('Password').fill('prova');
  await page.getByRole('button', { name: 'Entra' }).click();
  await page.waitForURL(/area-riservata/);
  await page.waitForLoadState('load');
  results.steps[`signed_in_${label}`] = await page.locator('main').innerText();
  await audit(page, `signed-in-${label}`);
  await shot(page, `spid-signed-in-${label}`);
  await page.goto(`${base}/profilo/accesso`);
  results.steps[`profile_${label}`] = await page.locator('main').innerText();
  await audit(page, `profile-${label}`);
  await shot(page, `spid-profile-${label}`);
  await page.context().close();
}

await browser.close();
console.log(JSON.stringify(results));
