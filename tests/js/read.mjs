// Read an .ics file from stdin with ical.js or node-ical and print its VEVENTs as JSON.
//
// Usage: node read.mjs ical.js|node-ical < calendar.ics
// Prints a JSON list of {uid, start, end, sequence, status, summary, allday}.
// Timed starts/ends are UTC ISO strings ("2026-12-04T16:00:00.000Z"); all-day ones are
// "YYYY-MM-DD"; floating (zone-less) times are printed without the "Z" so the caller can
// refuse them. Values are passed on as the library gives them (node-ical keeps SEQUENCE as
// a string). A parse failure exits 1 with the error on stderr; a missing package exits 3.

import { readFileSync } from "node:fs";

const pad = (n) => String(n).padStart(2, "0");

// Exit 3 when a library is missing or cannot load on this node (node-ical needs node 20+).
async function load(name) {
  try {
    return (await import(name)).default;
  } catch (err) {
    process.stderr.write(`cannot load ${name} on node ${process.version}: ${err}\n`);
    process.exit(3);
  }
}

async function withIcalJs(text) {
  const ICAL = await load("ical.js");
  const jcal = ICAL.parse(text);
  // Several top-level components come back as a list of jCal components.
  if (Array.isArray(jcal[0])) throw new Error(`${jcal.length} top-level components, not one`);
  const root = new ICAL.Component(jcal);
  if (root.name !== "vcalendar") throw new Error(`top component is ${root.name}`);
  // A TZID without a matching VTIMEZONE silently becomes floating in ical.js.
  const when = (t) =>
    t.isDate ? t.toString() : t.zone?.tzid === "floating" ? t.toString() : t.toJSDate().toISOString();
  return root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid ?? null,
      start: when(event.startDate),
      end: when(event.endDate),
      allday: event.startDate.isDate,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      summary: event.summary,
    };
  });
}

async function withNodeIcal(text) {
  const ical = await load("node-ical");
  const parsed = ical.sync.parseICS(text);
  // Date-only and floating values are built in the process's local zone: read them with
  // local getters. Only zoned values carry a `tz`.
  const local = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const when = (d) => {
    // node-ical keeps a value it could not read as a date as a plain string.
    if (!(d instanceof Date)) throw new Error(`node-ical did not read a date: ${JSON.stringify(d)}`);
    return d.dateOnly
      ? local(d)
      : d.tz
        ? d.toISOString()
        : `${local(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  const value = (v) => (v !== null && typeof v === "object" && "val" in v ? v.val : v);
  return Object.values(parsed)
    .filter((c) => c && c.type === "VEVENT")
    .map((e) => ({
      uid: e.uid ?? null,
      start: when(e.start),
      end: when(e.end),
      allday: Boolean(e.start.dateOnly),
      sequence: e.sequence ?? null,
      status: e.status ?? null,
      summary: value(e.summary),
    }));
}

const readers = { "ical.js": withIcalJs, "node-ical": withNodeIcal };
const reader = readers[process.argv[2]];
if (!reader) {
  process.stderr.write(`usage: node read.mjs ${Object.keys(readers).join("|")} < file.ics\n`);
  process.exit(2);
}
try {
  const events = await reader(readFileSync(0, "utf8"));
  process.stdout.write(JSON.stringify(events) + "\n");
} catch (err) {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
}
