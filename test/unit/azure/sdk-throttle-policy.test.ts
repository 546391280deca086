import { describe, expect, it } from "vitest";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { throttleWithoutRetryAfterPolicy } from "../../../src/azure/sdk-clients";

function response(status: number, headers: Record<string, string> = {}): PipelineResponse {
  return { status, headers: createHttpHeaders(headers), request: createPipelineRequest({ url: "https://arm.example/x" }) };
}

describe("throttleWithoutRetryAfterPolicy", () => {
  const sleeps: number[] = [];
  const policy = throttleWithoutRetryAfterPolicy({
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    clock: { now: () => 0, sleep: async (ms) => void sleeps.push(ms) },
    random: () => 1,
  });
  const request = createPipelineRequest({ url: "https://arm.example/x" });

  it("retries a 429 that names no wait, with exponential backoff", async () => {
    sleeps.length = 0;
    const replies = [response(429), response(429), response(200)];
    const res = await policy.sendRequest(request, async () => replies.shift()!);
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([100, 200]);
  });

  it("leaves a 429 with Retry-After (or retry-after-ms) to the SDK's own retry policy", async () => {
    sleeps.length = 0;
    const retryAfterHeaders: Array<Record<string, string>> = [{ "retry-after": "5" }, { "retry-after-ms": "50" }];
    for (const h of retryAfterHeaders) {
      let calls = 0;
      const res = await policy.sendRequest(request, async () => (calls++, response(429, h)));
      expect(res.status).toBe(429);
      expect(calls).toBe(1);
    }
    expect(sleeps).toEqual([]);
  });

  it("gives up after maxRetries and passes other statuses through", async () => {
    sleeps.length = 0;
    let calls = 0;
    expect((await policy.sendRequest(request, async () => (calls++, response(429)))).status).toBe(429);
    expect(calls).toBe(4);
    expect((await policy.sendRequest(request, async () => response(503))).status).toBe(503);
  });
});
