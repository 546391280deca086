/**
 * Strict parsing of the `lab-expires-at` tag. (Spans — cleanup's grace and how long ago a lab expired —
 * are read and worded by src/config/duration.ts.)
 *
 * Only an ISO-8601 date-time in UTC is accepted (`2026-11-23T18:00:00Z`, optional seconds and fraction,
 * `+00:00` as an alternative to `Z`). Anything else — a bare date, a local time, an offset other than
 * UTC, a day that does not exist — is "not a date", and the policy keeps the group: guessing a time
 * zone or a calendar correction could turn a typo into a deletion.
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
