// Expands every event of an iCalendar feed with ical.js, the parser of
// Thunderbird and many web calendars, using only the feed's own VTIMEZONEs.
// Usage: node expand.mjs FIRST LAST < feed.ics   (dates as YYYY-MM-DD)
// Prints JSON: [{uid, summary, status, description, start_utc, local}] for each occurrence.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [first, last] = process.argv.slice(2).map((d) => ICAL.Time.fromDateString(d));
const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
// Only what the feed carries: no zone database from anywhere else.
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const found = [];
const overrides = new Map();
const events = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
for (const event of events) {
  if (event.isRecurrenceException()) {
    const list = overrides.get(event.uid) || [];
    list.push(event);
    overrides.set(event.uid, list);
  }
}
for (const event of events) {
  if (event.isRecurrenceException()) continue;
  for (const exception of overrides.get(event.uid) || []) event.relateException(exception);
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    if (next.compare(last) > 0) break;
    const details = event.getOccurrenceDetails(next);
    if (details.startDate.compare(first) < 0) continue;
    found.push({
      uid: event.uid,
      summary: details.item.summary,
      status: details.item.component.getFirstPropertyValue("status"),
      description: details.item.description,
      start_utc: details.startDate.toJSDate().toISOString(),
      local: details.startDate.toString(),
    });
  }
}
process.stdout.write(JSON.stringify(found));
