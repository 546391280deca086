import { describe, expect, it } from "vitest";
import { systemClock } from "../../../src/azure/clock";
import { PacedGate } from "../../../src/azure/paced-gate";

const reply = <T>(value: T, remaining?: number) => Promise.resolve({ value, signal: { remaining } });

describe("paced gate", () => {
  it("lets higher priorities (lower numbers) through first once the bucket is short", async () => {
    const gate = new PacedGate({ capacity: 1, refillPerSecond: 200 }, systemClock);
    const order: string[] = [];
    const send = (name: string) => () => {
      order.push(name);
      return reply(name, 0);
    };
    const all = [gate.run(2, send("poll-1")), gate.run(2, send("poll-2")), gate.run(0, send("re-read")), gate.run(1, send("verify"))];
    await Promise.all(all);
    // The first request goes alone (it tells the pacer the real budget); then by priority.
    expect(order).toEqual(["poll-1", "re-read", "verify", "poll-2"]);
  });

  it("sends a throttled request again after its Retry-After, and only resolves with the real answer", async () => {
    const gate = new PacedGate({ capacity: 10, refillPerSecond: 100 }, systemClock);
    let calls = 0;
    const value = await gate.run(0, () => {
      calls++;
      return calls === 1 ? Promise.resolve({ value: "429", signal: { throttled: true, retryAfterMs: 30 } }) : reply("ok", 9);
    });
    expect(value).toBe("ok");
    expect(calls).toBe(2);
    expect(gate.throttled).toBe(1);
  });

  it("passes a failed request's error to its caller and keeps serving others", async () => {
    const gate = new PacedGate({ capacity: 10, refillPerSecond: 100 }, systemClock);
    await expect(gate.run(0, () => Promise.reject(new Error("socket hang up")))).rejects.toThrow("socket hang up");
    await expect(gate.run(0, () => reply("next", 8))).resolves.toBe("next");
  });
});
