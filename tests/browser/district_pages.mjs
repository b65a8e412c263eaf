// The bounded home and calendar pages in a real Chromium, on a phone and a desktop, checked with axe-core.
// Usage: node tests/browser/district_pages.mjs <config.json>; prints one JSON object of results.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

for (const [size, viewport] of [['phone', phone], ['desktop', desktop]]) {
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
  // The centers' index, 30 a page: the first, then the next one through its link.
  results.steps[`centers_${size}`] = [];
  for (const step of ['first', 'second']) {
    if (step === 'first') await page.goto(base + '/centri/');
    else {
      await page.getByRole('link', { name: 'Successiva' }).click();
      await page.waitForURL(/page=2/);
    }
    results.steps[`centers_${size}`].push({
      url: page.url(), cards: await page.locator('.card-title').allInnerTexts(),
      nav: await page.getByRole('navigation', { name: 'Pagine' }).innerText(),
    });
    await audit(page, `centers-${step}-${size}`);
    await shot(page, `centers-${step}-${size}`);
  }
  await page.context().close();
}

// --- A parent on a phone (issue 22): the lab's places at the top, the filters, the search.
{
  const page = await newPage(phone);
  await page.goto(base + `/laboratori/${config.lab_slug}`);
  const signup = page.getByRole('link', { name: /^Iscriviti · \d+ post/ });
  const box = await signup.boundingBox();
  results.steps.lab_signup = { text: await signup.innerText(), top: box.y, bottom: box.y + box.height };
  await audit(page, 'lab-phone');
  await shot(page, 'lab-phone');
  await signup.click();
  await page.waitForURL(/#iscrizione-titolo$/);
  // The page may scroll smoothly: wait (up to 3 s) for the form's heading to be in view.
  results.steps.lab_form_in_view = await page.waitForFunction(() => {
    const r = document.getElementById('iscrizione-titolo').getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  }, null, { timeout: 3000 }).then(() => true, () => false);
  await page.goto(base + '/calendario');
  await page.getByText('Filtri', { exact: true }).click();
  const age = page.getByLabel('Età del bambino o della bambina');
  results.steps.age_field = await age.evaluate((input) => {
    const style = getComputedStyle(input);
    return { type: input.type, inputmode: input.inputMode, visible: input.offsetHeight > 0,
             border: style.borderBottomWidth, color: style.borderBottomColor, background: getComputedStyle(document.body).backgroundColor };
  });
  await age.fill('7');
  await page.getByLabel('Comune').selectOption(config.town_slug);
  results.steps.centers_offered = await page.locator('#filtro-centro option:not([hidden])').allInnerTexts();
  await audit(page, 'filters-phone');
  await shot(page, 'filters-phone');
  await page.getByRole('button', { name: 'Mostra', exact: true }).click();
  await page.waitForURL(/eta=7/);
  results.steps.filtered_url = page.url();
  await page.goto(base + '/cerca?q=attivita');
  results.steps.search = await page.locator('#risultati').innerText();
  await audit(page, 'search-phone');
  await shot(page, 'search-phone');
  await page.context().close();
}

// --- Weight (issue 22): the bytes a phone receives for the home page, first and second visit.
// Counted by Chromium itself (CDP Network.loadingFinished: headers and body as sent, compressed).
async function transferred(page, path) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = [];
  cdp.on('Network.responseReceived', (e) => seen.push({ id: e.requestId, url: e.response.url,
    encoding: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '',
    cache: e.response.headers['cache-control'] || e.response.headers['Cache-Control'] || '' }));
  const sizes = {};
  cdp.on('Network.loadingFinished', (e) => { sizes[e.requestId] = e.encodedDataLength; });
  await page.goto(base + path, { waitUntil: 'networkidle' });
  await cdp.detach();
  return { bytes: Object.values(sizes).reduce((a, b) => a + b, 0),
           files: seen.map((r) => ({ ...r, bytes: sizes[r.id] || 0 })) };
}
{
  const page = await newPage(phone);
  results.steps.weight_first = await transferred(page, '/');
  results.steps.weight_second = await transferred(page, '/');
  await page.context().close();
}

await browser.close();
console.log(JSON.stringify(results));
