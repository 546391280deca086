import { describe, expect, it } from "vitest";
import { formatSpan, parseSpan } from "../../../src/config/duration";
import { explainRejectedTimestamp, parseUtcTimestamp } from "../../../src/config/timestamps";

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

describe("what a refused expiry is, and what to write instead", () => {
  it.each([
    ["2026-11-23T08:00:00+02:00", "is a date-time with a +02:00 offset; only UTC is accepted: write 2026-11-23T06:00:00Z"],
    ["2026-11-23T08:00-0500", "is a date-time with a -0500 offset; only UTC is accepted: write 2026-11-23T13:00:00Z"],
    ["2026-11-23", "is a date without a time; write a UTC date-time such as 2026-11-23T00:00:00Z"],
    ["2026-11-23T18:00:00", "is a date-time without a time zone; write it in UTC with Z, e.g. 2026-11-23T18:00:00Z if that time is UTC"],
    ["2026-11-23 18:00Z", "is a UTC date-time in another layout; write a UTC date-time such as 2026-11-23T18:00:00Z (T between date and time, Z at the end)"],
    ["2026-02-30T10:00:00Z", "is not a real date and time; write a UTC date-time such as 2026-11-23T18:00:00Z"],
    ["2026-13-01", "is not a real day; write a UTC date-time such as 2026-11-23T18:00:00Z"],
    ["next tuesday", "is not a date; write a UTC date-time such as 2026-11-23T18:00:00Z"],
  ])("%s %s", (text, explanation) => {
    expect(parseUtcTimestamp(text)).toBeUndefined();
    expect(explainRejectedTimestamp(text)).toBe(explanation);
  });
});
