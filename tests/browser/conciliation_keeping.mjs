// Per il tuo tempo, what keeps it going: a coordinator accredits a provider and adds a company to
// the alliance; the provider's staff member adds a service (prices full and alliance, towns, days,
// hours) and edits it; a resident asks for the alliance prices with her work address, opens the
// link of the message (read from the test's outbox window), reads the alliance price, orders,
// cancels in time, then reads her place in the published ranking and her voucher's balance; a
// coordinator reads the figures on the dashboard. At 390 px and at 1280 px side by side, each
// page checked with axe-core.
// Usage: node tests/browser/conciliation_keeping.mjs <config.json>; prints one JSON object.
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();

const people = {
  phone: { company: 'Latteria Cremasca', domains: 'latteria.example', work: 'chiara@latteria.example',
           service: 'Baby sitting serale' },
  desktop: { company: 'Ospedale Maggiore', domains: 'asst-crema.example, @Ospedale.example',
             work: 'sara@ospedale.example', service: 'Baby sitting del sabato' },
};

async function signIn(viewport, email) {
  const page = await newPage(viewport);
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(`${base}/accedi`);
  await page.getByLabel('Indirizzo e-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(config.password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/area-riservata/);
  return page;
}

// What the page says; axe-core checks it unless the same page was checked a step before (check=false).
async function read(page, key, name, { where = 'main', check = true } = {}) {
  await page.waitForLoadState('load');
  results.steps[key] = await page.locator(where).innerText();
  if (check) await audit(page, name);
  await shot(page, name);
}

// Submit a form and wait for the words of the page it leads to.
async function submit(page, button, words) {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByText(words).first().waitFor();
}

// The two walks touch different providers, companies, residents and services: they run side by side.
async function walkAt(label, viewport) {
  const walk = config.walks[label];
  const who = people[label];
  const coordinator = await signIn(viewport, config.coordinator);
  const staff = await signIn(viewport, config.staff);

  // The coordinator accredits the provider waiting and adds a company to the alliance.
  await coordinator.goto(`${base}/per-il-tuo-tempo/coordinamento/`);
  await read(coordinator, `coordination_${label}`, `keeping-coordination-${label}`);
  await coordinator.goto(`${base}/per-il-tuo-tempo/fornitori/${walk.provider}`);
  await read(coordinator, `requested_${label}`, `keeping-requested-${label}`);
  await submit(coordinator, 'Accredita', 'Fornitore accreditato.');
  await read(coordinator, `accredited_${label}`, `keeping-accredited-${label}`, { check: false });
  await coordinator.goto(`${base}/per-il-tuo-tempo/coordinamento/`);
  await coordinator.getByRole('link', { name: "Aggiungi un'azienda" }).click();
  await coordinator.getByLabel("Nome dell'azienda", { exact: true }).fill(who.company);
  await coordinator.getByLabel('Domini e-mail', { exact: true }).fill(who.domains);
  await coordinator.getByLabel("Nell'alleanza dal", { exact: true }).fill(walk.joined);
  await shot(coordinator, `keeping-company-form-${label}`);
  await submit(coordinator, "Salva l'azienda", "Azienda aggiunta all'alleanza.");
  await read(coordinator, `company_${label}`, `keeping-company-${label}`, { check: false });

  // The provider's staff member adds a service, then edits its price, towns, days and hours.
  await staff.goto(`${base}/per-il-tuo-tempo/fornitori/${walk.provider}`);
  await staff.getByRole('link', { name: 'Aggiungi un servizio' }).click();
  await staff.getByLabel('Categoria', { exact: true }).selectOption({ label: 'Baby sitting' });
  await staff.getByLabel('Titolo', { exact: true }).fill(who.service);
  await staff.getByLabel('Descrizione', { exact: true }).fill('Dalle 8 di sera, anche nel fine settimana.');
  await staff.getByLabel('Unità', { exact: true }).selectOption({ label: 'ora' });
  await staff.getByLabel('Prezzo pieno (€ per unità)', { exact: true }).fill('12,50');
  await staff.getByLabel('Prezzo alleanza (€ per unità)', { exact: true }).fill('10,00');
  await staff.getByLabel('Dalle', { exact: true }).fill('08:00');
  await staff.getByLabel('Alle', { exact: true }).fill('20:00');
  await staff.getByRole('group', { name: 'Comuni raggiunti' }).getByLabel('Crema').check();
  await audit(staff, `keeping-service-form-${label}`);
  await shot(staff, `keeping-service-form-${label}`);
  await submit(staff, 'Salva il servizio', 'Servizio aggiunto al catalogo.');
  await read(staff, `service_added_${label}`, `keeping-service-added-${label}`);
  await staff.getByRole('link', { name: who.service }).click();
  await staff.getByLabel('Prezzo alleanza (€ per unità)', { exact: true }).fill('9,50');
  const days = staff.getByRole('group', { name: 'Giorni prenotabili' });
  await days.getByLabel('sabato', { exact: true }).check();
  await days.getByLabel('domenica', { exact: true }).check();
  await staff.getByLabel('Alle', { exact: true }).fill('21:30');
  await staff.getByRole('group', { name: 'Comuni raggiunti' }).getByLabel('Cremona').check();
  await submit(staff, 'Salva il servizio', 'Servizio salvato.');
  await read(staff, `service_edited_${label}`, `keeping-service-edited-${label}`, { check: false });

  // The resident proves she works for the company with her work address.
  const resident = await signIn(viewport, walk.resident);
  await resident.goto(`${base}/per-il-tuo-tempo/alleanza/`);
  await resident.getByLabel('Azienda', { exact: true }).selectOption({ label: who.company });
  await resident.getByLabel('Come lo dimostri', { exact: true }).selectOption({ label: 'Con il mio indirizzo e-mail di lavoro' });
  await resident.getByLabel('Indirizzo e-mail di lavoro', { exact: true }).fill(who.work);
  await submit(resident, 'Invia la richiesta', 'Richiesta inviata');
  await read(resident, `joined_${label}`, `keeping-joined-${label}`);
  const message = await resident.request.get(`${base}/_e2e/ultimo-messaggio?a=${encodeURIComponent(who.work)}`);
  const link = (await message.text()).match(/https?:\/\/\S+\/alleanza\/conferma\/\S+/);
  if (!link) throw new Error(`no confirmation link in: ${await message.text()}`);
  await resident.goto(link[0]);
  await read(resident, `confirm_${label}`, `keeping-confirm-${label}`, { check: false });
  await submit(resident, 'Confermo', 'Confermato:');
  await read(resident, `confirmed_${label}`, `keeping-confirmed-${label}`);

  // She reads the alliance price, orders, and cancels in time.
  await resident.goto(`${base}/per-il-tuo-tempo/?comune=cremona&categoria=baby-sitting`);
  await read(resident, `catalogue_${label}`, `keeping-catalogue-${label}`);
  await resident.getByRole('link', { name: who.service }).click();
  await read(resident, `service_${label}`, `keeping-service-${label}`);
  await resident.getByLabel('Comune', { exact: true }).selectOption({ label: 'Cremona' });
  await resident.getByLabel('Giorno', { exact: true }).fill(walk.day);
  await resident.getByLabel('Ora di inizio', { exact: true }).selectOption('20:00');
  await resident.getByLabel('Quantità', { exact: true }).fill('2');
  await resident.getByLabel('Indirizzo', { exact: true }).fill('Via Dante 8');
  await submit(resident, "Invia l'ordine", 'Ordine inviato');
  await read(resident, `order_${label}`, `keeping-order-${label}`);
  await submit(resident, "Annulla l'ordine", 'Ordine annullato');
  await read(resident, `cancelled_${label}`, `keeping-cancelled-${label}`, { check: false });
  await resident.getByRole('link', { name: 'I miei ordini' }).click();
  await read(resident, `my_orders_${label}`, `keeping-my-orders-${label}`);

  // Her place in the published ranking and her voucher's balance.
  await resident.goto(`${base}/per-il-tuo-tempo/le-mie-domande`);
  await resident.getByRole('link', { name: walk.number }).click();
  await read(resident, `application_${label}`, `keeping-application-${label}`);
  await resident.getByRole('link', { name: 'Vedi la graduatoria pubblicata' }).click();
  await read(resident, `ranking_${label}`, `keeping-ranking-${label}`);
  await resident.context().close();

  // The coordinator reads Per il tuo tempo's figures beside labs, centers and pacts.
  await coordinator.goto(`${base}/coordinamento/`);
  await read(coordinator, `dashboard_${label}`, `keeping-dashboard-${label}`, { where: '#per-il-tuo-tempo' });
  await coordinator.context().close();
  await staff.context().close();
}

await Promise.all([walkAt('phone', phone), walkAt('desktop', desktop)]);

await browser.close();
console.log(JSON.stringify(results));
