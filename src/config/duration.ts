/**
 * Durations as the toolkit reads and writes them: `<number><unit>` parts with units d, h, m (and s where
 * seconds make sense). Two languages share the units:
 * - a lab lifetime (`ttl`): `30m`, `8h`, `2d`, `1h30m` — whole numbers, d/h/m each at most once and from
 *   largest to smallest, never zero. Seconds are not offered: a lab lives for hours.
 * - a span (cleanup's grace, the janitor's `grace`): `1h`, `30m`, `90s`, `1.5h`, `1h30m`, or `0`.
 */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** Seconds in the lab duration, or undefined when the text is not a duration (or is zero). */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  const match = DURATION_PATTERN.exec(trimmed);
  if (!match || trimmed === "") return undefined;
  const [, days, hours, minutes] = match;
  const inSeconds = (unit: Unit) => UNIT_MS[unit] / UNIT_MS.s;
  const seconds = Number(days ?? 0) * inSeconds("d") + Number(hours ?? 0) * inSeconds("h") + Number(minutes ?? 0) * inSeconds("m");
  return seconds > 0 ? seconds : undefined;
}

/** The canonical spelling of a lab duration (`90m` → `1h30m`), so equal lifetimes compare equal. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.floor(totalSeconds / 60) * 60;
  let text = "";
  for (const unit of ["d", "h", "m"] as Unit[]) {
    const size = UNIT_MS[unit] / UNIT_MS.s;
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text || "0m";
}

/**
 * Milliseconds in a span: "1h", "30m", "90s", "2d", "1h30m", "1.5h", "0". Undefined for anything else
 * (negative values, missing units, unknown units, spaces between parts).
 */
export function parseSpan(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  const part = /(\d+(?:\.\d+)?)(d|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) return undefined;
  return Math.round(total);
}

/** "3h", "2d 4h", "45m", "20s", "0s": at most two units, the larger first. */
export function formatSpan(ms: number): string {
  const units = Object.entries(UNIT_MS) as Array<[Unit, number]>;
  const abs = Math.abs(ms);
  for (let i = 0; i < units.length; i++) {
    const [suffix, size] = units[i];
    if (abs >= size || i === units.length - 1) {
      const whole = Math.floor(abs / size);
      const next = units[i + 1];
      const rest = next ? Math.floor((abs - whole * size) / next[1]) : 0;
      return rest > 0 && next ? `${whole}${suffix} ${rest}${next[0]}` : `${whole}${suffix}`;
    }
  }
  return "0s";
}
