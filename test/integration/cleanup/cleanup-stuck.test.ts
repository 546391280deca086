/**
 * A group whose delete Azure never finishes: cleanup waits for it no longer than its group wait, reports
 * it as still deleting (a failure for the exit code), and meanwhile deletes the other groups and purges
 * their vaults. Time is virtual: the ARM test server's clock moves only when the client sleeps, so the
 * run's 20 minutes pass in milliseconds and nothing here depends on how fast the machine is.
 */
import { setImmediate as yieldToIo } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/azure/clock";
import { runCleanup, type CleanupProgress } from "../../../src/cleanup/executor";
import type { ArmTestServer, InventoryInput } from "../../support/arm-test-server";
import { cleanupOptions, clientFor, LOCATIONS, remainingGroups, startServer } from "./helpers";

const SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
const GROUP_WAIT_MS = 20 * 60_000;

function labTags(name: string) {
  return { "managed-by": "azure-mlflow-lab", "lab-id": name, "lab-owner": "ada@example.edu", "lab-expires-at": "2026-01-01T00:00:00Z" };
}

function labsWithVaults(names: string[]): InventoryInput {
  return {
    locations: LOCATIONS,
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: "labs",
        resourceGroups: names.map((name) => ({
          name,
          location: "eastus",
          tags: labTags(name),
          resources: [
            {
              type: "Microsoft.KeyVault/vaults",
              name: `kv-${name}`,
              location: "eastus",
              tags: labTags(name),
              properties: { tenantId: "11111111-2222-4333-8444-555555555555", softDeleteRetentionInDays: 7, sku: { family: "A", name: "standard" } },
            },
          ],
        })),
      },
    ],
  };
}

/** The client's clock is the server's: sleeping moves simulated time forward instead of waiting. */
function virtualClock(server: ArmTestServer): Clock {
  return {
    now: () => server.now(),
    sleep: async (ms) => {
      if (ms > 0) server.advanceTime(ms);
      await yieldToIo();
    },
  };
}

let server: ArmTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("cleanup with a group whose delete never ends", () => {
  it("reports it as still deleting after the group wait, while the other groups are deleted and their vaults purged", async () => {
    server = await startServer({ seed: labsWithVaults(["msl-0001", "msl-0002", "msl-0003"]), manualClock: true, timeScale: 1, throttle: false });
    const stuck = server.injectFault({ kind: "lro-stuck", match: { method: "DELETE", path: "/resourcegroups/msl-0002$" } });
    const clock = virtualClock(server);
    const events: CleanupProgress[] = [];
    const startedAt = clock.now();

    const report = await runCleanup(
      { client: clientFor(server), clock },
      { ...cleanupOptions({ subscriptions: [SUB] }), buckets: undefined, wait: { defaultPollMs: 10_000 }, groupWaitMs: GROUP_WAIT_MS, onProgress: (e) => events.push(e) },
    );

    expect(stuck.fired).toBe(1);
    const outcome = Object.fromEntries(report.groups.map((g) => [g.name, g.outcome]));
    expect(outcome).toEqual({ "msl-0001": "deleted", "msl-0002": "still-deleting", "msl-0003": "deleted" });
    const row = report.groups.find((g) => g.name === "msl-0002")!;
    expect(row.reason).toBe("still being deleted after the 20m wait; ARM goes on deleting and the next run checks again");
    // The purges of the finished groups went ahead; the stuck group's vault is not soft-deleted yet.
    expect(report.items.filter((i) => i.kind === "Key Vault").map((i) => [i.name, i.outcome]).sort()).toEqual([
      ["kv-msl-0001", "purged"],
      ["kv-msl-0003", "purged"],
    ]);
    expect(report.failed).toBe(true);
    expect(remainingGroups(server, SUB)).toEqual(["msl-0002"]);
    expect(server.resourceGroup(SUB, "msl-0002")?.provisioningState).toBe("Deleting");

    // On time: the whole run took the group wait plus the purges, in simulated time.
    const tookMs = Date.parse(report.finishedAt) - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(GROUP_WAIT_MS - 60_000);
    expect(tookMs).toBeLessThanOrEqual(GROUP_WAIT_MS + 5 * 60_000);
    // A person at a terminal saw which group it was waiting on, and for how long.
    const waitingOnStuck = events.filter((e) => e.phase === "groups" && e.waiting?.[0]?.name === "msl-0002");
    expect(waitingOnStuck.length).toBeGreaterThan(10);
    expect(Math.max(...waitingOnStuck.map((e) => e.waiting![0]!.waitedMs))).toBeGreaterThan(GROUP_WAIT_MS - 60_000);
    expect(waitingOnStuck.every((e) => e.waiting![0]!.limitMs === GROUP_WAIT_MS)).toBe(true);
  });

  it("the next run finds the group still Deleting, sends no second DELETE, and reports it again", async () => {
    server = await startServer({ seed: labsWithVaults(["msl-0009"]), manualClock: true, timeScale: 1, throttle: false });
    server.injectFault({ kind: "lro-stuck", match: { method: "DELETE", path: "/resourcegroups/msl-0009$" } });
    const clock = virtualClock(server);
    const options = { ...cleanupOptions({ subscriptions: [SUB] }), buckets: undefined, wait: { defaultPollMs: 10_000 }, groupWaitMs: 5 * 60_000 };
    const first = await runCleanup({ client: clientFor(server), clock }, options);
    expect(first.groups.map((g) => g.outcome)).toEqual(["still-deleting"]);
    const deletesBefore = server.requests().filter((r) => r.method === "DELETE").length;

    const second = await runCleanup({ client: clientFor(server), clock }, options);
    expect(second.groups).toEqual([expect.objectContaining({ name: "msl-0009", outcome: "still-deleting", reason: expect.stringMatching(/^an earlier run's delete is still running after the 5m wait/) })]);
    expect(server.requests().filter((r) => r.method === "DELETE").length).toBe(deletesBefore);
  });

  it("a slow delete left by the run before, finished while this run waits, counts as gone, not as deleted by this run", async () => {
    server = await startServer({ seed: labsWithVaults(["msl-0042"]), manualClock: true, timeScale: 1, throttle: false, durations: { resourceGroupDelete: 30 * 60_000 } });
    const clock = virtualClock(server);
    const options = { ...cleanupOptions({ subscriptions: [SUB] }), buckets: undefined, wait: { defaultPollMs: 10_000 }, groupWaitMs: 20 * 60_000 };
    const first = await runCleanup({ client: clientFor(server), clock }, options);
    expect(first.groups.map((g) => g.outcome)).toEqual(["still-deleting"]);

    const second = await runCleanup({ client: clientFor(server), clock }, options);
    expect(second.groups).toEqual([expect.objectContaining({ name: "msl-0042", outcome: "gone", reason: "an earlier run's delete finished while this run waited; verified gone (404)" })]);
    expect(second.counts).toMatchObject({ deleted: 0, gone: 1, "still-deleting": 0 });
    expect(second.failed).toBe(false);
    // Its vault became soft-deleted when the group went, and this run purged it.
    expect(second.items).toEqual([expect.objectContaining({ name: "kv-msl-0042", outcome: "purged" })]);
  });
});
