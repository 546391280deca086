import { describe, expect, it } from "vitest";
import { backoffDelayMs, decideRetry, DEFAULT_RETRY_OPTIONS, parseRetryAfterMs } from "../../../src/azure/retry";

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];
const opts = { ...DEFAULT_RETRY_OPTIONS, maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 8000 };

describe("parseRetryAfterMs", () => {
  it("reads integer seconds", () => {
    expect(parseRetryAfterMs(headers({ "retry-after": "17" }), 0)).toBe(17_000);
  });
  it("reads an HTTP-date relative to now", () => {
    const now = Date.parse("Sun, 22 Nov 2026 10:00:00 GMT");
    expect(parseRetryAfterMs(headers({ "retry-after": "Sun, 22 Nov 2026 10:00:30 GMT" }), now)).toBe(30_000);
  });
  it("never returns a negative wait for a date in the past", () => {
    const now = Date.parse("Sun, 22 Nov 2026 10:00:00 GMT");
    expect(parseRetryAfterMs(headers({ "retry-after": "Sun, 22 Nov 2026 09:00:00 GMT" }), now)).toBe(0);
  });
  it("prefers retry-after-ms and x-ms-retry-after-ms over Retry-After", () => {
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }), 0)).toBe(250);
    expect(parseRetryAfterMs(headers({ "x-ms-retry-after-ms": "40", "retry-after": "9" }), 0)).toBe(40);
  });
  it("is undefined when absent or garbage", () => {
    expect(parseRetryAfterMs(headers({}), 0)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ "retry-after": "soon" }), 0)).toBeUndefined();
  });
  it("treats a negative or otherwise numeric-looking invalid Retry-After as absent (Date.parse would read '-5' as a year)", () => {
    const now = Date.parse("Sun, 22 Nov 2026 10:00:00 GMT");
    for (const value of ["-5", "-0.5", "1e3", "+7"]) expect(parseRetryAfterMs(headers({ "retry-after": value }), now), value).toBeUndefined();
  });
});

describe("decideRetry", () => {
  const fixed = () => 0.5;
  it("honours Retry-After on 429 and 503", () => {
    expect(decideRetry({ attempt: 0, status: 429, retryAfterMs: 12_000 }, opts, fixed)).toEqual({ retry: true, delayMs: 12_000, reason: "retry-after" });
    expect(decideRetry({ attempt: 0, status: 503, retryAfterMs: 3_000 }, opts, fixed)).toEqual({ retry: true, delayMs: 3_000, reason: "retry-after" });
  });
  it("retries a 429 without Retry-After with capped exponential backoff (the SDK does not)", () => {
    const d0 = decideRetry({ attempt: 0, status: 429 }, opts, fixed);
    const d5 = decideRetry({ attempt: 2, status: 429 }, opts, fixed);
    expect(d0).toMatchObject({ retry: true, reason: "throttled-backoff" });
    expect(d0.retry && d0.delayMs).toBe(750);
    expect(d5.retry && d5.delayMs).toBe(3000);
  });
  it("retries 5xx except 501/505, and 408", () => {
    for (const s of [500, 502, 503, 504, 408]) expect(decideRetry({ attempt: 0, status: s }, opts, fixed).retry).toBe(true);
    for (const s of [501, 505, 400, 401, 403, 404, 409]) expect(decideRetry({ attempt: 0, status: s }, opts, fixed).retry).toBe(false);
  });
  it("retries network errors but not unknown failures", () => {
    expect(decideRetry({ attempt: 0, networkErrorCode: "ECONNRESET" }, opts, fixed)).toMatchObject({ retry: true, reason: "network-error" });
    expect(decideRetry({ attempt: 0, networkErrorCode: "ERR_INVALID_ARG" }, opts, fixed).retry).toBe(false);
  });
  it("stops after maxRetries", () => {
    expect(decideRetry({ attempt: 3, status: 503, retryAfterMs: 10 }, opts, fixed).retry).toBe(false);
  });
  it("caps a huge Retry-After", () => {
    const d = decideRetry({ attempt: 0, status: 429, retryAfterMs: 10 ** 9 }, opts, fixed);
    expect(d.retry && d.delayMs).toBe(opts.maxRetryAfterMs);
  });
  it("keeps backoff within [half, full] of the clamped step", () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
      expect(backoffDelayMs(attempt, opts, () => 0)).toBe(step / 2);
      expect(backoffDelayMs(attempt, opts, () => 1)).toBe(step);
    }
  });
});
