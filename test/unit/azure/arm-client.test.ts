import { describe, expect, it } from "vitest";
import { createHttpHeaders, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { ArmClient } from "../../../src/azure/arm-client";
import type { Clock } from "../../../src/azure/clock";
import { ArmError } from "../../../src/azure/errors";
import { StaticTokenCredential } from "../../../src/azure/credentials";

const ENDPOINT = "https://arm.example";

type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | { networkError: string };

/** A transport that answers from a script and records what was sent. */
function scripted(replies: Reply[] | ((req: PipelineRequest, n: number) => Reply)) {
  const sent: PipelineRequest[] = [];
  const client: HttpClient = {
    async sendRequest(request) {
      const n = sent.length;
      sent.push(request);
      const reply = typeof replies === "function" ? replies(request, n) : replies[n];
      if (!reply) throw new Error(`no scripted reply #${n}`);
      if ("networkError" in reply) throw new RestError("socket hang up", { code: reply.networkError, request });
      const res: PipelineResponse = {
        request,
        status: reply.status,
        headers: createHttpHeaders(reply.headers ?? {}),
        bodyAsText: reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body),
      };
      return res;
    },
  };
  return { client, sent };
}

function fakeClock(): Clock & { slept: number[] } {
  let now = Date.parse("2026-11-22T10:00:00Z");
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}

function client(http: HttpClient, clock = fakeClock(), extra: Partial<ConstructorParameters<typeof ArmClient>[0]> = {}) {
  return new ArmClient({ credential: new StaticTokenCredential("t0k"), endpoint: ENDPOINT, httpClient: http, clock, random: () => 0.5, ...extra });
}

describe("ArmClient.request", () => {
  it("sends bearer auth, api-version and JSON, and returns the parsed body", async () => {
    const { client: http, sent } = scripted([{ status: 200, body: { ok: true } }]);
    const res = await client(http).request({ method: "PUT", path: "/subscriptions/s/resourcegroups/rg", apiVersion: "2025-04-01", body: { location: "eastus" } });
    expect(res.body).toEqual({ ok: true });
    expect(sent[0].url).toBe(`${ENDPOINT}/subscriptions/s/resourcegroups/rg?api-version=2025-04-01`);
    expect(sent[0].headers.get("authorization")).toBe("Bearer t0k");
    expect(sent[0].body).toBe('{"location":"eastus"}');
  });

  it("waits the Retry-After of a 429, then succeeds", async () => {
    const clock = fakeClock();
    const { client: http } = scripted([{ status: 429, headers: { "retry-after": "7" }, body: { error: { code: "SubscriptionRequestsThrottled", message: "x" } } }, { status: 200, body: {} }]);
    await client(http, clock).request({ method: "GET", path: "/x", apiVersion: "1" });
    expect(clock.slept).toEqual([7000]);
  });

  it("backs off on a 429 without Retry-After instead of failing", async () => {
    const clock = fakeClock();
    const { client: http, sent } = scripted([{ status: 429 }, { status: 429 }, { status: 200, body: {} }]);
    await client(http, clock, { retry: { baseDelayMs: 100, maxDelayMs: 1000 } }).request({ method: "GET", path: "/x" });
    expect(sent).toHaveLength(3);
    expect(clock.slept).toEqual([75, 150]);
  });

  it("retries network errors and 5xx, then throws a typed ArmError with the final code", async () => {
    const clock = fakeClock();
    const { client: http, sent } = scripted([
      { networkError: "ECONNRESET" },
      { status: 500 },
      { status: 503, body: { error: { code: "ServiceUnavailable", message: "busy" } } },
    ]);
    const err = await client(http, clock, { retry: { maxRetries: 2 } }).request({ method: "GET", path: "/x" }).catch((e) => e);
    expect(sent).toHaveLength(3);
    expect(err).toBeInstanceOf(ArmError);
    expect(err).toMatchObject({ status: 503, code: "ServiceUnavailable", message: "busy" });
  });

  it("does not retry 4xx errors and exposes ARM's code", async () => {
    const { client: http, sent } = scripted([{ status: 404, body: { error: { code: "ResourceGroupNotFound", message: "Resource group 'rg' could not be found." } } }]);
    const err = await client(http).request({ method: "GET", path: "/x" }).catch((e) => e);
    expect(sent).toHaveLength(1);
    expect(err).toMatchObject({ status: 404, code: "ResourceGroupNotFound" });
  });

  it("returns allowed error statuses instead of throwing", async () => {
    const { client: http } = scripted([{ status: 404, body: { error: { code: "ResourceGroupNotFound", message: "" } } }]);
    const res = await client(http).request({ method: "GET", path: "/x", allowStatus: [404] });
    expect(res.status).toBe(404);
  });

  it("keeps the latest x-ms-ratelimit-remaining-* per header", async () => {
    const { client: http } = scripted([
      { status: 200, headers: { "x-ms-ratelimit-remaining-subscription-reads": "249" }, body: {} },
      { status: 202, headers: { "x-ms-ratelimit-remaining-subscription-deletes": "199" } },
    ]);
    const c = client(http);
    await c.request({ method: "GET", path: "/a" });
    await c.request({ method: "DELETE", path: "/b" });
    expect(c.rateLimitRemaining()).toEqual({ "subscription-reads": 249, "subscription-deletes": 199 });
    expect(c.lastRateLimit()).toEqual({ "subscription-deletes": 199 });
  });

  it("refuses to send the token to another origin", async () => {
    const { client: http, sent } = scripted([]);
    const err = await client(http).request({ method: "GET", url: "https://evil.example/x" }).catch((e) => e);
    expect(err).toMatchObject({ code: "UnexpectedOrigin" });
    expect(sent).toHaveLength(0);
  });

  it("never has more attempts in flight than maxConcurrency", async () => {
    let inFlight = 0;
    let peak = 0;
    const http: HttpClient = {
      async sendRequest(request) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return { request, status: 200, headers: createHttpHeaders(), bodyAsText: "{}" };
      },
    };
    const c = client(http, fakeClock(), { maxConcurrency: 3 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => c.request({ method: "GET", path: `/r${i}` })));
    expect(peak).toBe(3);
  });
});

describe("ArmClient.pages", () => {
  it("follows absolute nextLinks through empty pages and stops on null or empty string", async () => {
    for (const terminator of [null, "", undefined]) {
      const { client: http, sent } = scripted([
        { status: 200, body: { value: [1, 2], nextLink: `${ENDPOINT}/list?api-version=1&$skiptoken=a` } },
        { status: 200, body: { value: [], nextLink: `${ENDPOINT}/list?api-version=1&$skiptoken=b` } },
        { status: 200, body: { value: [3], nextLink: terminator } },
      ]);
      const items = await client(http).listAll<number>("/list", "1");
      expect(items).toEqual([1, 2, 3]);
      expect(sent[1].url).toBe(`${ENDPOINT}/list?api-version=1&$skiptoken=a`);
    }
  });
});

describe("ArmClient operations", () => {
  it("polls an Azure-AsyncOperation monitor without blocking, honouring Retry-After", async () => {
    const clock = fakeClock();
    const { client: http, sent } = scripted([
      { status: 202, headers: { "azure-asyncoperation": `${ENDPOINT}/op/1?api-version=1`, location: `${ENDPOINT}/res/1`, "retry-after": "10" } },
      { status: 200, headers: { "retry-after": "3" }, body: { status: "InProgress" } },
      { status: 200, body: { status: "Succeeded" } },
    ]);
    const op = await client(http, clock).beginOperation({ method: "DELETE", path: "/w", apiVersion: "1" });
    expect(op.status).toBe("running");
    const first = await op.poll();
    expect(first).toMatchObject({ status: "running", retryAfterMs: 3000 });
    const second = await op.poll();
    expect(second.status).toBe("succeeded");
    expect(sent.map((r) => r.url)).toEqual([`${ENDPOINT}/w?api-version=1`, `${ENDPOINT}/op/1?api-version=1`, `${ENDPOINT}/op/1?api-version=1`]);
    expect(clock.slept).toEqual([]);
  });

  it("reports a failed operation with the monitor's error code", async () => {
    const { client: http } = scripted([
      { status: 201, headers: { "azure-asyncoperation": `${ENDPOINT}/op/2` }, body: { properties: { provisioningState: "Accepted" } } },
      { status: 200, body: { status: "Failed", error: { code: "QuotaExceeded", message: "Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota." } } },
    ]);
    const op = await client(http).beginOperation({ method: "PUT", path: "/w", body: {} });
    const err = await op.pollUntilDone().catch((e) => e);
    expect(err).toMatchObject({ code: "QuotaExceeded" });
    expect((await op.poll()).status).toBe("failed");
  });

  it("PUT: after the monitor says Succeeded, reads the resource from the request URL", async () => {
    const clock = fakeClock();
    const { client: http, sent } = scripted([
      { status: 201, headers: { "azure-asyncoperation": `${ENDPOINT}/op/3`, "retry-after": "1" }, body: { properties: { provisioningState: "Accepted" } } },
      { status: 200, body: { status: "Succeeded" } },
      { status: 200, body: { name: "w", properties: { provisioningState: "Succeeded" } } },
    ]);
    const result = await client(http, clock).beginOperation({ method: "PUT", path: "/w", apiVersion: "1", body: {} }).then((op) => op.pollUntilDone());
    expect(result).toMatchObject({ name: "w" });
    expect(sent[2].url).toBe(`${ENDPOINT}/w?api-version=1`);
    expect(clock.slept).toEqual([1000]);
  });

  it("Location mode: 202 until 200/204", async () => {
    const clock = fakeClock();
    const { client: http } = scripted([{ status: 202, headers: { location: `${ENDPOINT}/operationresults/x` } }, { status: 202 }, { status: 200 }]);
    const op = await client(http, clock, { defaultPollIntervalMs: 500 }).beginOperation({ method: "DELETE", path: "/rg" });
    await op.pollUntilDone();
    expect(op.status).toBe("succeeded");
    expect(clock.slept).toEqual([500, 500]);
  });

  it("body mode: re-GETs a PUT without headers until provisioningState is terminal", async () => {
    const { client: http } = scripted([
      { status: 201, body: { properties: { provisioningState: "Creating" } } },
      { status: 200, body: { properties: { provisioningState: "Creating" } } },
      { status: 200, body: { properties: { provisioningState: "Succeeded" }, id: "x" } },
    ]);
    const c = client(http);
    const result = await (await c.beginOperation({ method: "PUT", path: "/w" })).pollUntilDone();
    expect(result).toMatchObject({ id: "x" });
  });

  it("a DELETE answered 202 without a polling header is done after the one request (no endless wait)", async () => {
    const clock = fakeClock();
    const { client: http, sent } = scripted([{ status: 202 }]);
    const op = await client(http, clock).beginOperation({ method: "DELETE", path: "/rg" });
    expect(op.status).toBe("succeeded");
    expect(await op.pollUntilDone()).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(clock.slept).toEqual([]);
  });

  it("resumes an operation from its saved state", async () => {
    const { client: http } = scripted([{ status: 202, headers: { location: `${ENDPOINT}/operationresults/y` } }, { status: 200 }]);
    const c = client(http);
    const state = (await c.beginOperation({ method: "DELETE", path: "/rg" })).state;
    const resumed = c.resumeOperation(state);
    expect((await resumed.poll()).status).toBe("succeeded");
  });
});

describe("synchronous answers to beginOperation", () => {
  it("returns a PUT's body when the service answered with a terminal provisioningState", async () => {
    const { client: http, sent } = scripted([{ status: 200, body: { name: "kv", properties: { provisioningState: "Succeeded" } } }]);
    const op = await client(http).beginOperation({ method: "PUT", path: "/kv", body: {} });
    expect(await op.pollUntilDone()).toMatchObject({ name: "kv" });
    expect(sent).toHaveLength(1);
  });
});
