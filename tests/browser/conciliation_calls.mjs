// Browser walk of the voucher calls (Per il tuo tempo): a resident applies to the open call
// (first with an ISEE dated in the future, refused) and reads the protocol number; the public
// ranking of the closed call shows protocol numbers only; a coordinator closes the open call,
// computes the ranking, reviews it and publishes it. axe-core on every page (no serious or
// critical violation); screenshots at 390 and 1280 px go to E2E_SCREENSHOTS when set.
//
// Then the resident, now holding a voucher, orders a service paying with it and the provider
// accepts. In the second phase (after the test moved that order into last month) the provider
// marks it delivered, and a coordinator prepares last month's statement and approves it.
//
// Run against a server with the demo data (password in LEGAMI_PASSWORD):
//   node tests/browser/conciliation_calls.mjs http://127.0.0.1:8500 [order|statement]
import { chromium } from "playwright-core";
import axe from "@axe-core/playwright";

const AxeBuilder = axe.default ?? axe.AxeBuilder ?? axe;
const base = process.argv[2] ?? "http://127.0.0.1:8500";
const phase = process.argv[3] ?? process.env.CALLS_PHASE ?? "order";
const password = process.env.LEGAMI_PASSWORD ?? "demo-password-1";
const shots = process.env.E2E_SCREENSHOTS ?? "";
const failures = [];
const consoleErrors = [];

// Reduced motion: Bootstrap Italia scrolls smoothly otherwise, and a forced check() could land
// where a box was before the scroll ended (seen once: "Clicking the checkbox did not change its state").
const PHONE = { viewport: { width: 390, height: 844 }, reducedMotion: "reduce" };

async function check(page, label) {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    await page.setViewportSize(viewport);
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => ["serious", "critical"].includes(v.impact));
    for (const v of bad) failures.push(`${label} @${viewport.width}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target).join(" ")}`);
    console.log(`${label} @${viewport.width}: ${bad.length ? "VIOLATIONS " + bad.map((v) => v.id).join(",") : "axe ok"}`);
    if (shots) await page.screenshot({ path: `${shots}/calls-${label.replace(/\W+/g, "-")}-${viewport.width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 390, height: 844 });
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function login(page, email) {
  await page.goto(`${base}/accedi`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("main #submit");
  await page.waitForURL((u) => !u.pathname.startsWith("/accedi"));
}

async function logout(page) {
  await page.context().clearCookies();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let number = "";
let orderId = "";

function nextWorkday(days) {
  const day = new Date(Date.now() + days * 86400000);
  while ([0, 6].includes(day.getDay())) day.setDate(day.getDate() + 1);
  return day.toISOString().slice(0, 10);
}

// What the page says, as a reader sees it (one space for any run of spaces, non-breaking included).
async function words(page) {
  return (await page.innerText("main")).replace(/\s+/g, " ");
}

async function orderWithVoucher(page) {
  // The resident with the voucher just assigned orders a service and pays with it.
  await login(page, "famiglia.crema@legami.example");
  await page.goto(`${base}/per-il-tuo-tempo/`);
  await page.click("text=Maggiordomo di via: commissioni");
  const offer = await words(page);
  expect(offer.includes("Paga con un voucher") && offer.includes("200,00 € disponibili"), `the voucher is not offered: ${offer}`);
  await page.fill("#day", nextWorkday(3));
  await page.selectOption("#start", "10:00");
  await page.fill("#quantity", "14");
  await page.fill("#address", "Via Mazzini 3");
  await page.selectOption("#voucher", { index: 1 });
  await check(page, "ordine con voucher");
  await page.click("main #submit");
  const placed = await words(page);
  expect(placed.includes("Totale 210,00 €") && placed.includes("Pagato con voucher 200,00 €")
    && placed.includes("Da pagare al fornitore 10,00 €"), `the order does not show what the voucher pays: ${placed}`);
  orderId = page.url().match(/\/ordini\/(\d+)$/)[1];
  await check(page, "ordine pagato con voucher");
  await logout(page);
  // The provider accepts it.
  await login(page, "fornitore.girasole@legami.example");
  await page.goto(`${base}/per-il-tuo-tempo/fornitori/ordini/${orderId}`);
  expect((await words(page)).includes("Voucher 200,00 €"), "the provider does not read the voucher money");
  await page.click("text=Accetta");
  expect((await words(page)).includes("Ordine accettato"), "the order was not accepted");
}

async function deliverAndApprove(page) {
  await login(page, "fornitore.girasole@legami.example");
  const id = process.env.ORDER_ID;
  await page.goto(`${base}/per-il-tuo-tempo/fornitori/ordini/${id}`);
  await page.click("text=Segna come svolto");
  expect((await words(page)).includes("Servizio segnato come svolto"), "the order was not delivered");
  await logout(page);
  await login(page, "coordinamento@legami.example");
  await page.goto(`${base}/per-il-tuo-tempo/rendiconti/`);
  await page.click("text=Prepara i rendiconti del mese scorso");
  const listing = await words(page);
  expect(listing.includes("1 nuovi") && listing.includes("Cooperativa Il Girasole") && listing.includes("Da approvare"), `no statement: ${listing}`);
  await check(page, "rendiconti");
  await page.locator("main table a").first().click();
  const statement = await words(page);
  expect(statement.includes("Voucher da rimborsare: 200,00 €. Pagato dalle famiglie: 10,00 €.")
    && statement.includes("Maggiordomo di via") && !statement.includes("Moretti"), `the statement is wrong: ${statement}`);
  await check(page, "rendiconto da approvare");
  await page.click("text=Approva per il rimborso");
  const approved = await words(page);
  expect(approved.includes("Rendiconto approvato per il rimborso") && !approved.includes("Approva per il rimborso\n"), "not approved");
  await check(page, "rendiconto approvato");
  const statementUrl = page.url();
  await logout(page);
  await login(page, "fornitore.girasole@legami.example");
  await page.goto(statementUrl);
  const seen = await words(page);
  expect(seen.includes("Approvato per il rimborso") && seen.includes("200,00 €"), "the provider does not read the approval");
  await check(page, "rendiconto del fornitore");
  number = "statement approved";
}

try {
  if (phase === "statement") {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    page.on("dialog", (dialog) => dialog.accept());
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    await deliverAndApprove(page);
    throw "done";
  }
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept());
  // The refused application answers 400 on purpose: only other errors count.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().includes("status of 400")) consoleErrors.push(m.text()); });

  // The public ranking of the closed call: protocol numbers, never names.
  await page.goto(`${base}/per-il-tuo-tempo/bandi/`);
  await check(page, "bandi");
  await page.click("text=Voucher conciliazione: bando d'inverno");
  await page.click("text=Vedi la graduatoria");
  const ranking = await page.textContent("main");
  expect(/PTT-\d{4}-\d{4}/.test(ranking) && ranking.includes("Lista di riserva"), "no ranking by protocol number");
  expect(!ranking.includes("Moretti") && !ranking.includes("Diallo"), "a name on the public ranking");
  await check(page, "graduatoria pubblica");

  // A resident applies to the open call.
  await login(page, "famiglia.crema@legami.example");
  await page.goto(`${base}/per-il-tuo-tempo/bandi/`);
  await page.click("text=Voucher conciliazione: bando di primavera");
  await check(page, "bando aperto");
  await page.click("text=Fai domanda");
  await check(page, "domanda");
  await page.fill("#fiscal_code", "MRTCHR86A41D011Q");
  await page.fill("#full_name", "Chiara Moretti");
  await page.fill("#birth_date", "1986-01-01");
  await page.check("#employment-0", { force: true });
  await page.fill("#weekly_hours", "30");
  await page.fill("#employer", "Cooperativa Il Sole");
  await page.selectOption("#town", { label: "Crema" });
  await page.check("#town_link-0", { force: true });
  await page.fill("#isee", "14.200,00");
  await page.fill("#isee_issued_on", "2099-01-10");
  await page.fill("#members-0-fiscal_code", "MRTLCU16C10D012E");
  await page.fill("#members-0-age", "9");
  for (const box of await page.locator("input[name=declarations]").all()) await box.check({ force: true });
  await page.click("main #submit");
  expect((await page.textContent("main")).includes("La data dell'attestazione ISEE non può essere nel futuro."), "an ISEE in the future was accepted");
  await check(page, "domanda rifiutata");
  await page.fill("#isee_issued_on", "2026-01-10");
  await page.click("main #submit");
  const match = page.url().match(/\/domande\/(PTT-\d{4}-\d{4})$/);
  expect(match, `no application page: ${page.url()}`);
  number = match[1];
  expect((await page.textContent("main")).includes(`numero di protocollo ${number}`), "the protocol number is not shown");
  await check(page, "domanda inviata");
  await logout(page);

  // A coordinator closes the call, computes the ranking, reviews it and publishes it.
  await login(page, "coordinamento@legami.example");
  await page.goto(`${base}/per-il-tuo-tempo/gestione-bandi/`);
  await check(page, "gestione bandi");
  await page.click("text=Voucher conciliazione: bando di primavera");
  await check(page, "bando da gestire");
  await page.click("text=Chiudi il bando ora");
  expect((await page.textContent("main")).includes("Bando chiuso"), "the call was not closed");
  await page.click("text=Calcola la graduatoria");
  const review = await page.textContent("main");
  expect(review.includes("Graduatoria calcolata, non ancora pubblicata") && review.includes(number), "no ranking to review");
  await check(page, "graduatoria da rivedere");
  await page.click("text=Pubblica la graduatoria");
  expect((await page.textContent("main")).includes("Graduatoria pubblicata"), "the ranking was not published");
  await page.getByRole("link", { name: "Graduatoria pubblica", exact: true }).click();
  const published = await page.textContent("main");
  expect(published.includes(number) && published.includes("Voucher assegnato"), "the published ranking lacks the application");
  expect(!published.includes("Moretti"), "a name on the published ranking");
  await check(page, "graduatoria pubblicata");
  await logout(page);
  await orderWithVoucher(page);
} catch (error) {
  if (error !== "done") failures.push(String(error.stack ?? error));
} finally {
  await browser.close();
}
for (const e of consoleErrors) failures.push(`console: ${e}`);
if (failures.length) {
  console.log("FAILURES\n" + failures.join("\n"));
  process.exit(1);
}
console.log(`conciliation calls browser walk: ok ${number} order ${orderId}`);
