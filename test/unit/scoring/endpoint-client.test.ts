import { describe, expect, it } from "vitest";
import { EndpointError, sendScoringRequest } from "../../../src/scoring/endpoint-client";

/** What a throttled endpoint's Retry-After turns into in the one-line error. */
const throttledWith = (retryAfter: string | undefined) =>
  (async () => new Response("slow down", { status: 429, headers: retryAfter === undefined ? {} : { "retry-after": retryAfter } })) as unknown as typeof fetch;

async function failureFor(retryAfter: string | undefined): Promise<string> {
  const error = await sendScoringRequest({ url: "https://endpoint.example/score", kind: "managed" }, { inputs: [] }, { fetch: throttledWith(retryAfter) }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EndpointError);
  return (error as Error).message;
}

describe("a throttled endpoint's Retry-After", () => {
  it("in seconds is repeated", async () => {
    expect(await failureFor("30")).toBe("https://endpoint.example/score is throttling requests (HTTP 429); retry after 30 s");
  });

  it("as an HTTP-date becomes seconds from now", async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(await failureFor(inAMinute)).toMatch(/; retry after (59|60) s$/);
  });

  it("negative, garbage or missing: 'retry later' (never 'retry after -5 s' or '0 s')", async () => {
    for (const value of ["-5", "soon", undefined]) {
      expect(await failureFor(value)).toBe("https://endpoint.example/score is throttling requests (HTTP 429); retry later");
    }
  });
});
