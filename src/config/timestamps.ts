/**
 * The one strict reader of the `lab-expires-at` tag: cleanup's and teardown's rules (src/removal) and
 * the plan's guardrails (src/plan/guardrails.ts) read it here. (Spans — cleanup's grace and how long ago a lab expired —
 * are read and worded by src/config/duration.ts.)
 *
 * Only an ISO-8601 date-time in UTC is accepted (`2026-11-23T18:00:00Z`, optional seconds and fraction,
 * `+00:00` as an alternative to `Z`). Anything else — a bare date, a local time, an offset other than
 * UTC, a day that does not exist — is refused, and the policy keeps the group: guessing a time zone or
 * a calendar correction could turn a typo into a deletion. explainRejectedTimestamp says which of those
 * it is and what to write instead.
 */
const UTC_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|\+00:00|-00:00)$/;

export function parseUtcTimestamp(text: string): Date | undefined {
  const match = UTC_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = "0", fraction = "0"] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Math.floor(Number(`0.${fraction}`) * 1000);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC rolls 2026-02-30 over to March; a round trip catches days that do not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date;
}

/** The accepted form, as shown in every explanation. */
export const UTC_EXAMPLE = "2026-11-23T18:00:00Z";

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Why a text that parseUtcTimestamp refused is not accepted, in words that say what to write instead:
 * "is a date-time with a +02:00 offset; write it in UTC, e.g. 2026-11-23T06:00:00Z". A date in the
 * wrong form is called a date; only text that is no date at all is "not a date".
 */
export function explainRejectedTimestamp(text: string): string {
  const wanted = `write a UTC date-time such as ${UTC_EXAMPLE}`;
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    if (!realDay(dateOnly[1]!, dateOnly[2]!, dateOnly[3]!)) return `is not a real day; ${wanted}`;
    return `is a date without a time; write a UTC date-time such as ${text}T00:00:00Z`;
  }
  const dateTime = DATE_TIME.exec(text);
  if (!dateTime) return `is not a date; ${wanted}`;
  const [, y, mo, d, h, mi, sec = "00", zone] = dateTime;
  if (!realDay(y!, mo!, d!) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return `is not a real date and time; ${wanted}`;
  const local = `${y}-${mo}-${d}T${h}:${mi}:${sec}`;
  if (zone === undefined) return `is a date-time without a time zone; write it in UTC with Z, e.g. ${local}Z if that time is UTC`;
  if (/^z$/i.test(zone) || /^[+-]00:?00$/.test(zone)) return `is a UTC date-time in another layout; ${wanted} (T between date and time, Z at the end)`;
  const utc = new Date(Date.parse(`${local}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`)).toISOString().replace(".000Z", "Z");
  return `is a date-time with a ${zone} offset; only UTC is accepted: write ${utc}`;
}

function realDay(y: string, mo: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return Number(mo) >= 1 && Number(mo) <= 12 && date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d);
}
