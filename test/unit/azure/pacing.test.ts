import { describe, expect, it } from "vitest";
import { ARM_DELETE_BUCKET, DeletePacer, planDeleteSchedule, type SendTicket, type TokenBucket } from "../../../src/azure/pacing";

interface SimOptions {
  count: number;
  server: TokenBucket;
  /** Another client drawing from the same bucket, per second. */
  otherDrawPerSecond?: number;
  latencyMs: number;
  pacerBucket?: TokenBucket;
}

interface SimResult {
  sendTimes: number[];
  throttled: number;
  /** Sends that happened while a Retry-After received earlier had not yet passed. */
  sentDuringPause: number;
}

/**
 * A fake ARM delete bucket answering the pacer's DELETEs after a fixed latency, with the remaining-budget
 * header on success and 429 + Retry-After when empty. Throttled deletes are retried.
 */
function simulate(o: SimOptions): SimResult {
  const pacer = new DeletePacer(o.pacerBucket ?? ARM_DELETE_BUCKET, 0);
  let serverTokens = o.server.capacity;
  let serverClock = 0;
  const refillServer = (t: number) => {
    const dt = (t - serverClock) / 1000;
    serverTokens = Math.min(o.server.capacity, serverTokens + dt * o.server.refillPerSecond - dt * (o.otherDrawPerSecond ?? 0));
    serverClock = t;
  };
  const pending: Array<{ at: number; ticket: SendTicket; throttled: boolean; remaining?: number; retryAfterMs?: number }> = [];
  const sendTimes: number[] = [];
  let done = 0;
  let throttled = 0;
  let sentDuringPause = 0;
  let pausedUntil = 0;
  let t = 0;
  for (let guard = 0; done < o.count && guard < 1_000_000; guard++) {
    const next = pacer.nextSendAt(t);
    pending.sort((a, b) => a.at - b.at);
    if (pending.length > 0 && pending[0].at <= next) {
      const response = pending.shift()!;
      t = Math.max(t, response.at);
      if (response.throttled) pausedUntil = Math.max(pausedUntil, t + response.retryAfterMs!);
      pacer.observe(t, response.ticket, response);
      continue;
    }
    if (!Number.isFinite(next)) throw new Error("pacer waits for a response that never comes");
    t = next;
    if (t < pausedUntil) sentDuringPause++;
    const ticket = pacer.take(t);
    refillServer(t);
    if (serverTokens >= 1) {
      serverTokens -= 1;
      done++;
      sendTimes.push(t);
      pending.push({ at: t + o.latencyMs, ticket, throttled: false, remaining: Math.floor(serverTokens) });
    } else {
      throttled++;
      const retryAfterMs = Math.ceil((1 - serverTokens) / o.server.refillPerSecond) * 1000;
      pending.push({ at: t + o.latencyMs, ticket, throttled: true, retryAfterMs });
    }
  }
  return { sendTimes, throttled, sentDuringPause };
}

describe("delete pacing", () => {
  it("plans the documented bucket: 200 at once, then ten a second", () => {
    const times = planDeleteSchedule(1000);
    expect(times.slice(0, 200).every((t) => t === 0)).toBe(true);
    expect(times[200]).toBe(100);
    expect(times[999]).toBe(80_000);
  });

  it("sends 1,000 deletes into ARM's bucket without a single 429, as fast as the bucket allows", () => {
    const result = simulate({ count: 1000, server: ARM_DELETE_BUCKET, latencyMs: 80 });
    expect(result.throttled).toBe(0);
    // One round trip for the probing first delete, then the bucket's own pace.
    expect(result.sendTimes.at(-1)!).toBeLessThanOrEqual(80_000 * 1.01);
  });

  it("learns a smaller bucket (trial subscription) from the responses instead of overdrawing it", () => {
    const result = simulate({ count: 200, server: { capacity: 40, refillPerSecond: 2 }, latencyMs: 50 });
    // The first response shows the small burst, so the burst never overdraws; the slower refill is
    // learned from a few 429s and the remaining-budget readings.
    expect(result.sentDuringPause).toBe(0);
    expect(result.throttled).toBeLessThan(200 * 0.1);
    expect(result.sendTimes.at(-1)!).toBeLessThan(((200 - 40) / 2) * 1000 * 1.3);
  });

  it("slows down when another client draws from the same bucket, and never sends during a Retry-After", () => {
    const result = simulate({ count: 600, server: ARM_DELETE_BUCKET, otherDrawPerSecond: 6, latencyMs: 100 });
    expect(result.sentDuringPause).toBe(0);
    expect(result.throttled).toBeLessThan(600 * 0.1);
    // The rest of the bucket (4/s after the burst) bounds how fast the run can go.
    expect(result.sendTimes.at(-1)!).toBeGreaterThan(((600 - 200) / 4) * 1000 * 0.8);
  });

  it("waits out a Retry-After before the next delete", () => {
    const pacer = new DeletePacer(ARM_DELETE_BUCKET, 0);
    const ticket = pacer.take(0);
    pacer.observe(100, ticket, { throttled: true, retryAfterMs: 7_000 });
    expect(pacer.nextSendAt(100)).toBe(7_100);
  });

  it("backs off, doubling, on 429s that carry no Retry-After", () => {
    const pacer = new DeletePacer(ARM_DELETE_BUCKET, 0);
    const first = pacer.take(0);
    pacer.observe(0, first, { throttled: true });
    expect(pacer.nextSendAt(0)).toBe(1_000);
    const second = pacer.take(1_000);
    pacer.observe(1_000, second, { throttled: true });
    expect(pacer.nextSendAt(1_000)).toBe(3_000);
  });

  it("sends the first delete alone and the burst after its response", () => {
    const pacer = new DeletePacer(ARM_DELETE_BUCKET, 0);
    const ticket = pacer.take(0);
    expect(pacer.nextSendAt(0)).toBe(Number.POSITIVE_INFINITY);
    pacer.observe(60, ticket, { remaining: 199 });
    expect(pacer.nextSendAt(60)).toBe(60);
  });
});
