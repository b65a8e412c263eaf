// Browser walk of the voucher calls (Per il tuo tempo): a resident applies to the open call
// (first with an ISEE dated in the future, refused) and reads the protocol number; the public
// ranking of the closed call shows protocol numbers only; a coordinator closes the open call,
// computes the ranking, reviews it and publishes it. axe-core on every page (no serious or
// critical violation); screenshots at 390 and 1280 px go to E2E_SCREENSHOTS when set.
//
// Run against a server with the demo data (password in LEGAMI_PASSWORD):
//   node tests/browser/conciliation_calls.mjs http://127.0.0.1:8500
import { chromium } from "playwright-core";
import axe from "@axe-core/playwright";

const AxeBuilder = axe.default ?? axe.AxeBuilder ?? axe;
const base = process.argv[2] ?? "http://127.0.0.1:8500";
const password = process.env.LEGAMI_PASSWORD ?? "demo-password-1";
const shots = process.env.E2E_SCREENSHOTS ?? "";
const failures = [];
const consoleErrors = [];

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
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
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
} catch (error) {
  failures.push(String(error.stack ?? error));
} finally {
  await browser.close();
}
for (const e of consoleErrors) failures.push(`console: ${e}`);
if (failures.length) {
  console.log("FAILURES\n" + failures.join("\n"));
  process.exit(1);
}
console.log(`conciliation calls browser walk: ok ${number}`);
