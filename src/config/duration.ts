/**
 * Lab lifetimes such as `30m`, `8h`, `2d` or `1h30m`: one or more `<integer><unit>` parts, units d/h/m,
 * each unit at most once and from largest to smallest. Seconds are not offered: a lab lives for hours.
 */
const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60 } as const;
type Unit = keyof typeof UNIT_SECONDS;

const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** Seconds in the duration, or undefined when the text is not a duration (or is zero). */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  const match = DURATION_PATTERN.exec(trimmed);
  if (!match || trimmed === "") return undefined;
  const [, days, hours, minutes] = match;
  const seconds =
    Number(days ?? 0) * UNIT_SECONDS.d + Number(hours ?? 0) * UNIT_SECONDS.h + Number(minutes ?? 0) * UNIT_SECONDS.m;
  return seconds > 0 ? seconds : undefined;
}

/** The canonical spelling of a duration (`90m` → `1h30m`), so equal lifetimes compare equal. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.floor(totalSeconds / 60) * 60;
  let text = "";
  for (const unit of ["d", "h", "m"] as Unit[]) {
    const count = Math.floor(rest / UNIT_SECONDS[unit]);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * UNIT_SECONDS[unit];
  }
  return text || "0m";
}
