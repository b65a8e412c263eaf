// Browser test for working groups: a secretary schedules a meeting, takes attendance,
// writes a verbale, sends it to review and publishes it; an anonymous visitor then reads it.
// Every page visited is checked with axe-core (no serious or critical violation).
//
// Run against a server with the demo data (password passed in LEGAMI_PASSWORD):
//   node tests/browser/groups_flow.mjs http://localhost:5055
import { chromium } from "playwright-core";
import axe from "@axe-core/playwright";

const AxeBuilder = axe.default ?? axe.AxeBuilder ?? axe;
const base = process.argv[2] ?? "http://localhost:5055";
const email = process.env.LEGAMI_EMAIL ?? "segreteria.gruppo@legami.example";
const password = process.env.LEGAMI_PASSWORD ?? "demo-password-1";
const slug = "welfare-in-azione-crema-centro";
const failures = [];

async function check(page, label) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => ["serious", "critical"].includes(v.impact));
  for (const v of bad) failures.push(`${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target).join(" ")}`);
  console.log(`${label}: ${bad.length ? "VIOLATIONS " + bad.map((v) => v.id).join(",") : "axe ok"}`);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${base}/gruppi/`);
  await check(page, "gruppi");

  await page.goto(`${base}/accedi`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("main #submit");
  await page.waitForURL((u) => !u.pathname.startsWith("/accedi"));

  await page.goto(`${base}/gruppi/${slug}/incontri/nuovo`);
  await check(page, "nuovo incontro");
  await page.fill("#held_on", "2026-11-20");
  await page.fill("#start_time", "14:30");
  await page.fill("#end_time", "16:40");
  await page.fill("#venue", "via Frecavalli 16, Crema");
  await page.fill("#points-0-title", "Sintesi");
  await page.fill("#points-1-title", "Piste di lavoro");
  await page.click("#submit");
  expect(/\/incontri\/\d+$/.test(page.url()), `no meeting page: ${page.url()}`);
  await check(page, "incontro");

  // Attendance: every row starts "non registrato"; the first member is late, the last one is excused.
  const rows = await page.locator("table.legami-attendance select").count();
  for (let i = 0; i < rows; i++) await page.selectOption(`#rows-${i}-status`, "present");
  await page.fill("#rows-0-arrived_at", "15:00");
  await page.selectOption(`#rows-${rows - 1}-status`, "excused");
  await page.click("text=Salva le presenze");
  await page.waitForLoadState("load"); // the saved page, not the one being left
  expect((await page.textContent("main")).includes(`${rows - 1} membri presenti su ${rows}`), "quorum not shown");

  await page.click("text=Scrivi il verbale");
  await page.waitForURL(/\/incontri\/\d+\/verbale$/);
  await check(page, "scrivi verbale");
  await page.fill("#body", "Verbale di prova scritto nel browser.\n\na) una pista di lavoro. *Input*: da fare.\n\n<script>alert(1)</script>");
  await page.click("#preview");
  expect(await page.isVisible("text=Anteprima"), "no preview");
  await page.click("#submit");
  await check(page, "verbale bozza");
  await page.click("text=Invia in revisione ai presenti");
  await page.click("text=Approvo il testo");
  await page.selectOption("#visibility", "public");
  await page.click("text=Approva e pubblica");
  const url = page.url();
  expect((await page.textContent("main")).includes("Approvato"), "not approved");

  await context.clearCookies();
  await page.goto(url);
  const text = await page.textContent("main");
  expect(text.includes("Verbale di prova scritto nel browser."), "anonymous visitor cannot read the verbale");
  expect(text.includes("<script>alert(1)</script>"), "script not shown as text");
  await check(page, "verbale pubblico");
  await page.goto(`${base}/verbali/cerca?q=browser`);
  expect((await page.textContent("main")).includes("Verbali trovati: 1"), "search did not find it");
  await check(page, "ricerca");
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("groups browser flow: ok");
