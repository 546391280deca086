import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { harness, SUB, type Harness } from "./helpers";

let h: Harness;
afterEach(async () => h?.server.stop());

const list = `/subscriptions/${SUB}/resourcegroups`;

describe("token-bucket throttling", () => {
  it("counts reads down in x-ms-ratelimit-remaining-subscription-reads, then 429s with Retry-After, then refills", async () => {
    h = await harness({ throttle: { reads: { burst: 3, refillPerSecond: 1 } } });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.call("GET", list);
      expect(r.status).toBe(200);
      remaining.push(r.headers.get("x-ms-ratelimit-remaining-subscription-reads")!);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const throttled = await h.call("GET", list);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.body.error.code).toBe("SubscriptionRequestsThrottled");
    expect(throttled.body.error.message).toContain(`Number of 'read' requests for subscription '${SUB}'`);

    // A request before the wait ends is refused again.
    h.server.advanceTime(500);
    expect((await h.call("GET", list)).status).toBe(429);
    h.server.advanceTime(600);
    expect((await h.call("GET", list)).status).toBe(200);
  });

  it("keeps separate buckets per operation type and per subscription", async () => {
    h = await harness({ throttle: { reads: { burst: 1, refillPerSecond: 1 }, writes: { burst: 5, refillPerSecond: 1 } } });
    expect((await h.call("GET", list)).status).toBe(200);
    expect((await h.call("GET", list)).status).toBe(429);
    const write = await h.call("PUT", `${list}/rg-new`, { body: { location: "eastus" } });
    expect(write.status).toBe(201);
    expect(write.headers.get("x-ms-ratelimit-remaining-subscription-writes")).toBe("4");
    const tenant = await h.call("GET", "/subscriptions", { apiVersion: "2022-12-01" });
    expect(tenant.status).toBe(200);
    expect(tenant.headers.get("x-ms-ratelimit-remaining-tenant-reads")).toBeTruthy();
  });

  it("can answer 429 WITHOUT Retry-After, which the shared pipeline still retries with backoff", async () => {
    h = await harness({ throttle: { reads: { burst: 1, refillPerSecond: 1 }, retryAfter: false } });
    await h.call("GET", list);
    const raw = await h.call("GET", list);
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBeNull();
    // The client's sleep advances the server's clock, so its backoff refills the bucket.
    const res = await h.client.request({ method: "GET", path: list, apiVersion: "2025-04-01" });
    expect(res.status).toBe(200);
    expect(h.client.rateLimitRemaining()["subscription-reads"]).toBe(0);
  });

  it("scales Retry-After with timeScale and adds retry-after-ms", async () => {
    // A manual clock: the answer does not depend on how far apart the two requests happen to be.
    h = await harness({ manualClock: true, timeScale: 0.01, throttle: { deletes: { burst: 1, refillPerSecond: 0.01 } } });
    expect((await h.call("DELETE", `${list}/rg-empty`)).status).toBe(202);
    const t = await h.call("DELETE", `${list}/rg-locked`);
    expect(t.status).toBe(429);
    // 100 simulated seconds to the next token at 0.01 real s per simulated s: one real second.
    expect(Number(t.headers.get("retry-after-ms"))).toBe(1000);
    expect(t.headers.get("retry-after")).toBe("1");
    // 40 simulated seconds later, 60 remain: 600 real milliseconds.
    h.server.advanceTime(40_000);
    const later = await h.call("DELETE", `${list}/rg-locked`);
    expect(later.status).toBe(429);
    expect(Number(later.headers.get("retry-after-ms"))).toBe(600);
    expect(later.headers.get("retry-after")).toBe("1");
  });
});

describe("request log", () => {
  it("appends one JSON line per request with method, path, query, headers without Authorization, and body", async () => {
    const file = `${process.cwd()}/.test-work/arm-log-${process.pid}-${Date.now()}.jsonl`;
    const { mkdirSync } = await import("node:fs");
    mkdirSync(`${process.cwd()}/.test-work`, { recursive: true });
    h = await harness({ logFile: file });
    await h.call("PUT", `${list}/rg-log`, { body: { location: "eastus", tags: { a: "b" } }, token: "super-secret-token" });
    await h.call("GET", `${list}/rg-log`, { token: "super-secret-token" });
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("super-secret-token");
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ method: "PUT", path: `${list}/rg-log`, query: { "api-version": "2025-04-01" }, body: { location: "eastus", tags: { a: "b" } } });
    expect(Object.keys(lines[0].headers).map((k: string) => k.toLowerCase())).not.toContain("authorization");
    expect(lines[1]).toMatchObject({ method: "GET", body: null });
  });
});
