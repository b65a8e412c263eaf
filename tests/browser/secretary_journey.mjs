// The secretary's journey with the meeting of 9 April 2014 rebuilt as points: schedule it with
// its ordine del giorno and place, attach a paper to point 2, the convocazioni arrive (the test process delivers them when
// asked: a file deliver-N, answered by delivered-N), two members answer from their e-mails without
// logging in, a member finds the papers of point 2 on the meeting page, the secretary sees who is expected, moves the meeting to today, marks attendance
// by name beside the answers, writes the verbale point by point, sends it to review, approves it
// and downloads the PDF/A. Every page at 1280 px and at 390 px: axe-core and screenshots.
//
//   node tests/browser/secretary_journey.mjs config.json
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { start, phone, desktop } from './harness.mjs';

const { config, base, results, browser, newPage, audit, shot } = await start();
const steps = results.steps;
const main = async (page) => (await page.innerText('main')).replace(/\s+/g, ' ');

// Every page the journey reaches, at both widths.
async function check(page, label) {
  for (const [width, viewport] of [[1280, desktop], [390, phone]]) {
    await page.setViewportSize(viewport);
    await audit(page, `${label}@${width}`);
    await shot(page, `journey-${label}-${width}`);
  }
  await page.setViewportSize(desktop);
}

let batch = 0;
async function deliver() {
  batch += 1;
  writeFileSync(`${config.inbox}/deliver-${batch}`, '');
  const done = `${config.inbox}/delivered-${batch}`;
  for (let i = 0; i < 200 && !existsSync(done); i++) await new Promise((r) => setTimeout(r, 50));
  return JSON.parse(readFileSync(done, 'utf8'));
}

async function login(page, email) {
  await page.context().clearCookies();
  await page.goto(`${base}/accedi`);
  await page.fill('#email', email);
  await page.fill('#password', config.password);
  await page.click('main #submit');
  await page.waitForURL((u) => !u.pathname.startsWith('/accedi'));
}

async function attendanceRows(page) {
  return page.$$eval('table.legami-attendance tbody tr', (trs) => trs.map((r) => {
    const th = r.querySelector('th');
    const answer = th.querySelector('.legami-rsvp-answer');
    return [th.innerText.split('\n')[0].trim(), [answer ? answer.innerText.trim() : '', r.querySelector('select').selectedOptions[0].text]];
  }));
}

// A member opens the convocazione in a mail app, follows a link, confirms on the page: no login.
async function answerFromMail(mail, link, key) {
  const page = await newPage(desktop);
  await page.goto('file://' + mail.file);
  steps[`mail_${key}`] = (await page.innerText('body')).replace(/\s+/g, ' ');
  await shot(page, `journey-mail-${key}`);
  await page.getByRole('link', { name: link, exact: true }).click();
  await page.waitForURL(/\/rispondi\//);
  steps[`link_${key}`] = await main(page);
  steps[`link_${key}_checked`] = await page.$eval('input[name=answer]:checked', (i) => i.value);
  await check(page, `risposta-${key}`);
  await page.getByRole('button', { name: 'Conferma la risposta' }).click();
  await page.waitForLoadState('load');
  steps[`answered_${key}`] = await main(page);
  await page.context().close();
}

const page = await newPage(desktop, { acceptDownloads: true });
page.on('dialog', (d) => d.accept());
try {
  // 1. The meeting, a week ahead, with the ordine del giorno of 9 April 2014 and its place.
  await login(page, config.secretary);
  await page.goto(`${base}/gruppi/${config.slug}/incontri/nuovo`);
  await page.fill('#held_on', config.ahead);
  await page.fill('#start_time', '14:30');
  await page.fill('#end_time', '16:40');
  await page.fill('#venue', 'via Frecavalli 16, Crema');
  for (const [n, [title, presenter, minutes]] of config.points.entries()) {
    await page.fill(`#points-${n}-title`, title);
    if (presenter) await page.fill(`#points-${n}-presenter`, presenter);
    await page.fill(`#points-${n}-minutes_planned`, minutes);
  }
  await check(page, 'nuovo-incontro');
  await page.click('main #submit');
  await page.waitForURL(/\/incontri\/\d+$/);
  const meetingUrl = page.url();
  steps.scheduled = await main(page);
  await check(page, 'incontro-convocato');
  // The papers of point 2 go with it, before the convocazioni leave (they list them as links).
  await page.click('text=Allega un file al punto 2');
  await page.getByLabel('File da allegare al punto 2').setInputFiles(config.paper);
  await page.click('text=Allega al punto 2');
  await page.waitForURL(/#punto-\d+$/);
  steps.attached = await main(page);
  await check(page, 'allegato-al-punto');

  // 2. The convocazioni arrive; 3. two members answer from them.
  const sent = await deliver();
  steps.convocazioni = sent.map((m) => [m.to, m.subject]);
  await answerFromMail(sent.find((m) => m.to === config.yes), 'Sì, ci sarò', 'yes');
  await answerFromMail(sent.find((m) => m.to === config.no), 'No', 'no');

  // A member signs in and finds the papers under their point on the meeting page.
  const member = await newPage(desktop, { acceptDownloads: true });
  await login(member, config.yes);
  await member.goto(meetingUrl);
  steps.member_meeting = await main(member);
  steps.member_point_2 = await member.$eval('ol.legami-agenda > li:nth-child(2)', (li) => li.innerText.replace(/\s+/g, ' '));
  await check(member, 'incontro-membro');
  const [paper] = await Promise.all([member.waitForEvent('download'), member.click('text=piste-di-lavoro-2014.pdf')]);
  steps.member_download = paper.suggestedFilename();
  await member.context().close();

  // 4. The secretary sees who is expected.
  await page.goto(meetingUrl);
  steps.expected = await main(page);
  await check(page, 'incontro-previsti');

  // 5. The meeting is moved to today (the update goes out); attendance by name.
  await page.goto(`${meetingUrl}/modifica`);
  await page.fill('#held_on', config.today);
  await check(page, 'modifica-incontro');
  await page.click('main #submit');
  await page.waitForURL(/\/incontri\/\d+$/);
  steps.moved = await main(page);
  steps.updates = (await deliver()).map((m) => [m.to, m.subject]);
  steps.rows_before = await attendanceRows(page);
  for (const [name, status] of config.guests) {
    await page.fill('#guest-name', name);
    await page.selectOption('#guest-status', status);
    await page.click('#guest-submit');
    await page.waitForLoadState('load');
  }
  const ids = await page.$$eval('table.legami-attendance tbody tr', (trs) =>
    trs.map((r) => [r.querySelector('th').innerText.split('\n')[0].trim(), r.querySelector('select').id]));
  for (const [name, id] of ids) {
    const guest = config.guests.find(([g]) => g === name);
    if (!guest) await page.selectOption(`#${id}`, config.present.includes(name) ? 'present' : 'absent');
  }
  await page.click('text=Salva le presenze');
  await page.waitForLoadState('load');
  steps.attendance = await main(page);
  steps.rows_after = await attendanceRows(page);
  await check(page, 'presenze');

  // 6. The verbale, point by point, with a decision on two points; review; approval.
  await page.click('text=Scrivi il verbale');
  await page.waitForURL(/\/verbale$/);
  steps.draft = await page.inputValue('#body');
  await check(page, 'scrivi-verbale');
  await page.fill('#title', 'Verbale incontro gruppo di lavoro');
  await page.fill('#body', config.points.map(([title], n) => `## Sul punto ${n + 1}: ${title}\n\n${config.sections[n]}`).join('\n\n'));
  for (const [n, [kind, text]] of config.decisions.entries()) {
    await page.selectOption(`#decisions-${n}-kind`, kind);
    if (text) await page.fill(`#decisions-${n}-text`, text);
  }
  await page.click('main #submit');
  await page.waitForURL(/\/verbali\/\d+$/);
  await page.click('text=Invia in revisione ai presenti');
  await page.waitForLoadState('load');
  const verbaleUrl = page.url();
  steps.review = await main(page);
  await check(page, 'verbale-revisione');

  const reviewer = await newPage(desktop);
  await login(reviewer, config.reviewer);
  await reviewer.goto(verbaleUrl);
  await reviewer.fill('#body', 'Va bene, grazie.');
  await reviewer.click('text=Approvo il testo');
  await reviewer.waitForLoadState('load');
  steps.reviewed = await main(reviewer);
  await reviewer.context().close();

  await page.goto(verbaleUrl);
  await page.check('#method-0');
  await page.selectOption('#visibility', 'group');
  await page.click('text=Approva e pubblica');
  await page.waitForLoadState('load');
  steps.approved = await main(page);
  await check(page, 'verbale-approvato');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Scarica il PDF del verbale')]);
  steps.pdf_path = `${config.download_dir}/verbale.pdf`;
  await download.saveAs(steps.pdf_path);
  await page.goto(`${base}/verbali/${verbaleUrl.split('/').pop()}/stampa`);
  await check(page, 'stampa');
  await page.goto(meetingUrl);
  steps.closed = await main(page);
  await check(page, 'incontro-chiuso');
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
