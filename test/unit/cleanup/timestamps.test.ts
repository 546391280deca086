import { describe, expect, it } from "vitest";
import { formatSpan, parseSpan } from "../../../src/config/duration";
import { parseUtcTimestamp } from "../../../src/cleanup/timestamps";

describe("lab-expires-at parsing", () => {
  it.each([
    ["2026-11-23T18:00:00Z", "2026-11-23T18:00:00.000Z"],
    ["2026-11-23T18:00:00.123Z", "2026-11-23T18:00:00.123Z"],
    ["2026-11-23T18:00Z", "2026-11-23T18:00:00.000Z"],
    ["2026-11-23T18:00:00+00:00", "2026-11-23T18:00:00.000Z"],
    ["2028-02-29T00:00:00Z", "2028-02-29T00:00:00.000Z"],
  ])("accepts %s", (text, iso) => {
    expect(parseUtcTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    "2026-13-01",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2027-02-29T00:00:00Z",
    "2026-11-23T24:00:00Z",
    "2026-11-23T23:60:00Z",
    "2026-11-23T23:59:60Z",
    "2026-11-23",
    "2026-11-23T18:00:00",
    "2026-11-23T18:00:00+01:00",
    "2026-11-23t18:00:00z",
    " 2026-11-23T18:00:00Z",
    "1700000000",
    "",
  ])("refuses %j", (text) => {
    expect(parseUtcTimestamp(text)).toBeUndefined();
  });
});

describe("spans", () => {
  it.each([
    [0, "0s"],
    [20_000, "20s"],
    [45 * 60_000, "45m"],
    [3 * 3_600_000, "3h"],
    [3 * 3_600_000 + 20 * 60_000, "3h 20m"],
    [26 * 3_600_000, "1d 2h"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });

  it.each([
    ["1h", 3_600_000],
    ["30m", 1_800_000],
    ["90s", 90_000],
    ["2d", 172_800_000],
    ["1h30m", 5_400_000],
    ["0", 0],
    ["1.5h", 5_400_000],
  ])("parses %s", (text, ms) => {
    expect(parseSpan(text)).toBe(ms);
  });

  it.each(["", "1", "-1h", "1x", "h", "1h 30m", "soon"])("refuses %j", (text) => {
    expect(parseSpan(text)).toBeUndefined();
  });
});
