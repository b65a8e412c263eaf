// Browser test for Patti Gener-Attivi: an operator opens a new pact, writes both sides'
// commitments, activates it with the beneficiary's consent, plans the first review and
// records its outcome; a coordinator then reads who opened the pact. Every page visited is
// checked with axe-core (no serious or critical violation); screenshots at 390 and 1280 px
// go to PACTS_SCREENSHOTS when set.
//
// Run against a server with the demo data (password in LEGAMI_PASSWORD):
//   node tests/browser/pacts_flow.mjs http://127.0.0.1:8500
import { chromium } from "playwright-core";
import axe from "@axe-core/playwright";

const AxeBuilder = axe.default ?? axe.AxeBuilder ?? axe;
const base = process.argv[2] ?? "http://127.0.0.1:8500";
const password = process.env.LEGAMI_PASSWORD ?? "demo-password-1";
const shots = process.env.PACTS_SCREENSHOTS ?? "";
const failures = [];
const consoleErrors = [];

async function check(page, label) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => ["serious", "critical"].includes(v.impact));
  for (const v of bad) failures.push(`${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target).join(" ")}`);
  console.log(`${label}: ${bad.length ? "VIOLATIONS " + bad.map((v) => v.id).join(",") : "axe ok"}`);
  if (shots) {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${shots}/${label.replace(/\W+/g, "-")}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 390, height: 844 });
  }
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

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let number = "";
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  // The refused form answers 400 on purpose: only other errors count.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().includes("status of 400")) consoleErrors.push(m.text()); });

  await page.goto(`${base}/patti/in-numeri`);
  await check(page, "pubblico");
  expect(!(await page.textContent("main")).includes("PG-"), "a pact number on the public page");

  await login(page, "operatore.cremona@legami.example");
  await page.goto(`${base}/patti/`);
  await check(page, "elenco");
  await page.click("text=Nuovo patto");
  await check(page, "nuovo patto");
  await page.selectOption("#town", { label: "Cremona" });
  await page.getByLabel("Solitudine e isolamento").check();
  await page.fill("#start_on", "2026-01-12");
  await page.fill("#goal", "Ritrovare occasioni di incontro fuori casa.");
  await page.fill("#beneficiary_name", "Clelia Bodini Browser");
  await page.fill("#beneficiary_contact", "0372 000000");
  await page.selectOption("#age_band", "75+");
  await page.fill("#beneficiary_age", "40");
  await page.fill("#household_size", "1");
  await page.click("main #submit");
  expect((await page.textContent("main")).includes("non è nella fascia scelta"), "a wrong age was accepted");
  await check(page, "nuovo patto con errori");
  await page.fill("#beneficiary_age", "79");
  await page.click("main #submit");
  const match = page.url().match(/\/patti\/(PG-\d{4}-\d{3})$/);
  expect(match, `no pact page: ${page.url()}`);
  number = match[1];
  expect((await page.textContent("main")).includes("Clelia Bodini Browser"), "the beneficiary is not shown");
  await check(page, "patto in bozza");

  for (const [party, who, what] of [
    ["servizio", "Servizio sociale di Cremona", "Un colloquio ogni due settimane"],
    ["persona", "Clelia Bodini Browser", "Partecipare all'emporio il martedì"],
  ]) {
    await page.click("text=Aggiungi un impegno");
    await page.selectOption("#impegno-party", party);
    await page.fill("#impegno-who", who);
    await page.fill("#impegno-what", what);
    await page.click("#impegno-submit");
    expect((await page.textContent("main")).includes(what), `commitment not saved: ${what}`);
  }
  await page.fill("#attiva-consent_on", "2026-01-12");
  await page.click("#attiva-submit");
  expect((await page.textContent("main")).includes("Il patto ora è «Attivo»"), "not activated");
  await page.fill("#verifica-planned_on", "2026-02-09");
  await page.click("#verifica-submit");
  expect((await page.textContent("main")).includes("Verifica programmata"), "review not planned");
  await check(page, "patto attivo");

  await page.click("text=Registra l'esito");
  await check(page, "verifica");
  await page.fill("#held_on", "2026-02-10");
  await page.selectOption("#result", "prosegue");
  await page.fill("#notes", "Clelia frequenta l'emporio con piacere.");
  await page.click("main #submit");
  const main = await page.textContent("main");
  expect(main.includes("Verifica registrata") && main.includes("Il patto prosegue come previsto"), "review not recorded");
  await check(page, "patto dopo la verifica");

  await page.click("text=Documento da stampare");
  expect((await page.textContent("main")).includes("Consenso al trattamento dei dati"), "no consent text in the document");
  await check(page, "documento");

  await context.clearCookies();
  await login(page, "coordinamento@legami.example");
  await page.goto(`${base}/patti/${number}/accessi`);
  expect((await page.textContent("main")).includes("Elena Guarneri"), "the read log does not show the operator");
  await check(page, "registro consultazioni");
  await page.goto(`${base}/patti/numeri`);
  await check(page, "numeri dei patti");
} finally {
  await browser.close();
}
if (consoleErrors.length) failures.push(...consoleErrors.map((e) => `console: ${e}`));
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`pacts browser flow: ok ${number}`);
