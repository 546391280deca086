/**
 * Strict parsing of the `lab-expires-at` tag and human wording of time spans.
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

const UNITS: Array<[suffix: string, ms: number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/** "3h", "2d 4h", "45m", "20s", "0s": at most two units, the larger first. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  for (let i = 0; i < UNITS.length; i++) {
    const [suffix, size] = UNITS[i];
    if (abs >= size || i === UNITS.length - 1) {
      const whole = Math.floor(abs / size);
      const next = UNITS[i + 1];
      const rest = next ? Math.floor((abs - whole * size) / next[1]) : 0;
      return rest > 0 && next ? `${whole}${suffix} ${rest}${next[0]}` : `${whole}${suffix}`;
    }
  }
  return "0s";
}

/**
 * Parses a grace period or similar span: "1h", "30m", "90s", "2d", "1h30m", "0". Returns undefined for
 * anything else (negative values, missing units, unknown units).
 */
export function parseSpan(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  const part = /(\d+(?:\.\d+)?)(d|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null) {
    const size = UNITS.find(([suffix]) => suffix === match![2])![1];
    total += Number(match[1]) * size;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) return undefined;
  return Math.round(total);
}
