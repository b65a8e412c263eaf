// The secretary's weekly round, replayed with the real verbale of 9 April 2014 (19 people:
// 6 members, 13 guests). Checks what the secretary reads, by name, and runs axe-core on every
// page of the round at 1280 px and 390 px. Prints one JSON line with what it saw.
//
//   node tests/browser/verbale_2014.mjs config.json
import { readFileSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import axe from "@axe-core/playwright";

const AxeBuilder = axe.default ?? axe.AxeBuilder ?? axe;
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const seen = { axe: {}, steps: {}, console: [] };

async function check(page, label) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => ["serious", "critical"].includes(v.impact));
    seen.axe[`${label}@${width}`] = bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`);
    if (config.screenshots) {
      mkdirSync(config.screenshots, { recursive: true });
      await page.screenshot({ path: `${config.screenshots}/${label}-${width}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function login(page, email) {
  await page.context().clearCookies();
  await page.goto(`${base}/accedi`);
  await page.fill("#email", email);
  await page.fill("#password", config.password);
  await page.click("main #submit");
  await page.waitForURL((u) => !u.pathname.startsWith("/accedi"));
}

const main = async (page) => (await page.innerText("main")).replace(/\s+/g, " ");

const browser = await chromium.launch({
  executablePath: config.chromium,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  // The refused attendance form answers 400 on purpose; anything else is an error.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().includes("status of 400")) seen.console.push(m.text()); });
  page.on("dialog", (d) => d.accept());

  // 1. The roster: three members without an account, recorded by name since January 2014.
  await login(page, config.secretary);
  await page.goto(`${base}/gruppi/${config.slug}/modifica`);
  for (const name of config.members_without_account) {
    await page.fill("#person-name", name);
    await page.fill("#person-start_on", "2014-01-01");
    await page.click("#person-submit");
  }
  seen.steps.roster = await main(page);
  await check(page, "gruppo-modifica");

  // 2. The meeting of 9 April 2014.
  await page.goto(`${base}/gruppi/${config.slug}/incontri/nuovo`);
  await check(page, "nuovo-incontro");
  await page.fill("#held_on", "2014-04-09");
  await page.fill("#start_time", "14:30");
  await page.fill("#end_time", "16:40");
  await page.fill("#venue", "via Frecavalli 16, Crema");
  await page.fill("#points-0-title", "Sintesi del lavoro fatto");
  await page.fill("#points-0-presenter", "Angelo Stanghellini");
  await page.fill("#points-1-title", "Piste di lavoro");
  await page.click("#submit");
  const meetingUrl = page.url();

  // 3. Thirteen guests, each with a status of their own.
  for (const [name, status] of config.guests) {
    await page.fill("#guest-name", name);
    await page.selectOption("#guest-status", status);
    await page.click("#guest-submit");
  }
  seen.steps.unrecorded = await page.$$eval("table.legami-attendance tbody tr", (rows) =>
    rows.map((r) => [r.querySelector("th").innerText.split("\n")[0].trim(), r.querySelector("select").selectedOptions[0].text]));

  // 4. Attendance: members by name; Michele Gennuso arrives late, Simone Silva leaves early.
  const rows = await page.$$eval("table.legami-attendance tbody tr", (trs) =>
    trs.map((r) => ({ name: r.querySelector("th").innerText.split("\n")[0].trim(), id: r.querySelector("select").id })));
  for (const row of rows) {
    const status = config.member_status[row.name];
    if (status) await page.selectOption(`#${row.id}`, status);
    if (row.name === "Michele Gennuso") await page.fill(`#${row.id.replace("status", "arrived_at")}`, "15:10");
    if (row.name === "Simone Silva") await page.fill(`#${row.id.replace("status", "left_at")}`, "16:00");
  }
  // A leave time before the arrival is refused, in Italian, and nothing is saved.
  const gennuso = rows.find((r) => r.name === "Michele Gennuso");
  await page.fill(`#${gennuso.id.replace("status", "left_at")}`, "15:00");
  await page.click("text=Salva le presenze");
  seen.steps.time_error = await main(page);
  await page.fill(`#${gennuso.id.replace("status", "left_at")}`, "");
  await page.click("text=Salva le presenze");
  seen.steps.attendance = await main(page);
  seen.steps.attendance_rows = await page.$$eval("table.legami-attendance tbody tr", (rows) =>
    rows.map((r) => [r.querySelector("th").innerText.split("\n")[0].trim(), r.querySelector("select").selectedOptions[0].text]));

  await page.goto(`${meetingUrl}/foglio-firme`);
  seen.steps.sign_in = await main(page);
  await check(page, "foglio-firme");
  await page.goto(`${base}/gruppi/esporta-presenze`);
  await check(page, "esporta-presenze");
  await page.goto(meetingUrl);

  // 5. An action decided at the meeting, owned by a member without an account.
  await page.fill("#action-description", "Costruire il ponte con il mondo profit");
  await page.selectOption("#action-owner", { label: "Angelo Stanghellini" });
  await page.click("#action-submit");
  await check(page, "incontro");

  // 6. The next meeting, prefilled a fortnight later, at the oratory.
  await page.click("text=Programma il prossimo incontro");
  await page.fill("#venue", "Oratorio di San Bartolomeo, via Zuvadelli");
  await page.click("#submit");
  const nextUrl = page.url();

  // 7. The verbale, with a table, sent to review.
  await page.goto(meetingUrl);
  await page.click("text=Scrivi il verbale");
  await check(page, "scrivi-verbale");
  await page.fill("#body", config.body);
  await page.click("#submit");
  await page.click("text=Invia in revisione ai presenti");
  const verbaleUrl = page.url();
  await check(page, "verbale-revisione");
  await page.goto(`${base}/verbali/${verbaleUrl.split("/").pop()}/stampa`);
  seen.steps.print_draft = await main(page);
  await check(page, "stampa-bozza");

  // 8. Review by a member who was present.
  await login(page, config.member);
  await page.goto(verbaleUrl);
  await page.fill("#body", "Va bene, grazie.");
  await page.click("text=Approvo il testo");

  // 9. Approval by the secretary; the PDF/A is issued and downloaded.
  await login(page, config.secretary);
  await page.goto(verbaleUrl);
  await page.check("#method-0");
  await page.selectOption("#visibility", "group");
  await page.click("text=Approva e pubblica");
  seen.steps.approved = await main(page);
  seen.steps.sha_shown = (await page.textContent("code.legami-sha")).trim();
  await check(page, "verbale-approvato");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Scarica il PDF del verbale")]);
  seen.steps.pdf_path = config.download_dir + "/verbale.pdf";
  await download.saveAs(seen.steps.pdf_path);
  seen.steps.pdf_name = download.suggestedFilename();
  await page.goto(`${base}/verbali/${verbaleUrl.split("/").pop()}/stampa`);
  await check(page, "stampa-approvato");

  // 10. The meeting is closed now; the next one carries the open action.
  await page.goto(meetingUrl);
  seen.steps.locked = await main(page);
  await page.goto(nextUrl);
  seen.steps.next_meeting = await main(page);
  await check(page, "prossimo-incontro");
  await page.goto(`${base}/verbali/${verbaleUrl.split("/").pop()}/versioni`);
  await check(page, "versioni-testo");
  await page.goto(`${base}/le-mie-azioni`);
  await check(page, "le-mie-azioni");
  await page.goto(`${base}/gruppi/${config.slug}`);
  await check(page, "gruppo");

  // 11. A rettifica of the header: Claudio Dagheti was there after all, from 15:00.
  await page.goto(verbaleUrl);
  await page.click("text=Rettifica sede, orario e presenze");
  await check(page, "rettifica-presenze");
  const dagheti = await page.$eval("table.legami-attendance tbody tr:has(th:text-is('Claudio Dagheti')) select", (s) => s.id)
    .catch(async () => (await page.$$eval("table.legami-attendance tbody tr", (trs) =>
      trs.filter((r) => r.querySelector("th").innerText.startsWith("Claudio Dagheti")).map((r) => r.querySelector("select").id)))[0]);
  await page.selectOption(`#${dagheti}`, "present");
  await page.fill(`#${dagheti.replace("status", "arrived_at")}`, "15:00");
  await page.fill("#reason", "Claudio Dagheti era presente, arrivato alle 15");
  await page.click("text=Salva la rettifica");
  seen.steps.header_corrected = await main(page);
  await check(page, "verbale-rettificato");
  await page.context().clearCookies();
  await page.goto(`${base}/verbali/verifica`);
  await page.fill("#checksum", seen.steps.sha_shown);
  await page.click("#submit");
  seen.steps.verified = await main(page);
  await check(page, "verifica");
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
