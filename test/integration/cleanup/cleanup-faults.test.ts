/**
 * Cleanup when ARM misbehaves: 429 storms (with and without Retry-After), 5xx answers, a delete
 * operation that fails, and a run killed half way and started again.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ArmTestServer, InventoryInput } from "../../support/arm-test-server";
import { cleanupOptions, groupDeletes, LOCATIONS, remainingGroups, runAgainst, scaledBuckets, startServer } from "./helpers";

const SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
const EXPIRED = "2026-01-01T00:00:00Z";

function labs(count: number, extra: Array<{ name: string; tags?: Record<string, string> }> = []): InventoryInput {
  const lab = (name: string) => ({
    name,
    location: "eastus",
    tags: { "managed-by": "azure-mlflow-lab", "lab-id": name, "lab-expires-at": EXPIRED },
  });
  return {
    locations: LOCATIONS,
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: "labs",
        resourceGroups: [
          ...Array.from({ length: count }, (_, i) => lab(`msl-${String(i).padStart(4, "0")}`)),
          ...extra.map((e) => ({ name: e.name, location: "eastus", tags: e.tags ?? {} })),
        ],
      },
    ],
  };
}

/**
 * The status the server answered each resource-group DELETE with, by lower-case group name. The
 * request log records requests only, so the responses are observed where the server handles them.
 */
function groupDeleteStatuses(arm: ArmTestServer): Map<string, number[]> {
  const statuses = new Map<string, number[]>();
  const handle = arm.core.handle.bind(arm.core);
  arm.core.handle = (req, res) => {
    const m = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/?]+)(?:\?|$)/i.exec(req.url ?? "");
    if (req.method === "DELETE" && m) {
      const name = decodeURIComponent(m[1]!).toLowerCase();
      res.once("finish", () => statuses.set(name, [...(statuses.get(name) ?? []), res.statusCode]));
    }
    return handle(req, res);
  };
  return statuses;
}

let server: ArmTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("cleanup under faults", () => {
  it("rides out a 429 storm from a bucket far smaller than ARM's documented one, without a single failure", async () => {
    const timeScale = 0.05;
    server = await startServer({
      seed: labs(40, [{ name: "keep-me" }]),
      timeScale,
      // Refill slow enough in real time (10 deletes a second at this scale) that even a client slowed by a
      // loaded machine outruns it: the storm must happen for the test to mean anything.
      throttle: { deletes: { burst: 5, refillPerSecond: 0.5 }, reads: { burst: 30, refillPerSecond: 10 } },
    });
    const statuses = groupDeleteStatuses(server);
    // The toolkit assumes ARM's documented buckets; the server's are smaller, so it must learn.
    const report = await runAgainst(server, cleanupOptions({ subscriptions: [SUB], buckets: scaledBuckets(timeScale) }, timeScale));
    expect(report.counts).toMatchObject({ deleted: 40, failed: 0 });
    expect(report.throttled.deletes + report.throttled.reads).toBeGreaterThan(0);
    expect(remainingGroups(server, SUB)).toEqual(["keep-me"]);
    // Throttled DELETEs are sent again, but ARM accepted (202) exactly one DELETE per expired group.
    expect([...statuses.keys()].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `msl-${String(i).padStart(4, "0")}`));
    for (const [name, answers] of statuses) {
      expect(answers.filter((s) => s === 202), `${name} answers ${answers.join(",")}`).toHaveLength(1);
      expect(answers.filter((s) => s !== 202 && s !== 429), `${name} answers ${answers.join(",")}`).toEqual([]);
    }
  });

  it("handles 429s that carry no Retry-After", async () => {
    const timeScale = 0.02;
    // 5 deletes a second in real time at this scale: a storm however slow the machine makes the client.
    server = await startServer({ seed: labs(15), timeScale, throttle: { deletes: { burst: 3, refillPerSecond: 0.1 }, retryAfter: false } });
    const report = await runAgainst(server, cleanupOptions({ subscriptions: [SUB], buckets: scaledBuckets(timeScale) }, timeScale));
    expect(report.counts).toMatchObject({ deleted: 15, failed: 0 });
    expect(report.throttled.deletes).toBeGreaterThan(0);
    expect(remainingGroups(server, SUB)).toEqual([]);
  });

  it("retries 5xx answers on reads, deletes and polls", async () => {
    server = await startServer({ seed: labs(20) });
    // 0.15 a request: the faults fire often, yet one request failing all six attempts the client makes
    // (1 + 5 retries, 0.15^6 ≈ 1e-5) is rare enough that a failed row means the retrying broke.
    const reads = server.injectFault({ kind: "status", status: 503, probability: 0.15, count: 40, match: { path: "/resourcegroups/" } });
    const polls = server.injectFault({ kind: "status", status: 500, probability: 0.15, count: 20, match: { path: "operationresults" } });
    const report = await runAgainst(server, cleanupOptions({ subscriptions: [SUB] }));
    expect(reads.fired).toBeGreaterThan(0);
    expect(polls.fired).toBeGreaterThan(0);
    expect(report.counts).toMatchObject({ deleted: 20, failed: 0 });
    expect(remainingGroups(server, SUB)).toEqual([]);
  });

  it("reports a delete operation that fails with ARM's code, finishes the others, and flags the run as failed", async () => {
    server = await startServer({ seed: labs(6) });
    server.injectFault({
      kind: "lro-failure",
      match: { method: "DELETE", path: "msl-0003$" },
      error: { code: "ResourceDeletionFailed", message: "Deletion of resource group 'msl-0003' failed as resources with identifiers could not be deleted." },
    });
    const report = await runAgainst(server, cleanupOptions({ subscriptions: [SUB] }));
    expect(report.failed).toBe(true);
    const failed = report.groups.filter((g) => g.outcome === "failed");
    expect(failed).toEqual([expect.objectContaining({ name: "msl-0003", code: "ResourceDeletionFailed" })]);
    expect(report.counts.deleted).toBe(5);
    expect(remainingGroups(server, SUB)).toEqual(["msl-0003"]);
  });

  it("describes a lock placed during the run in words instead of ARM's ScopeLocked text, keeps that group and deletes the others", async () => {
    server = await startServer({ seed: labs(3) });
    const group = `/subscriptions/${SUB}/resourceGroups/msl-0001`;
    // ARM's answer when a lock appeared after cleanup's last look at the group's locks.
    server.injectFault({
      kind: "status",
      status: 409,
      match: { method: "DELETE", path: "/resourcegroups/msl-0001$" },
      code: "ScopeLocked",
      message: `The scope '${group}' cannot perform delete operation because following scope(s) are locked: '${group}/providers/Microsoft.Authorization/locks/grading'. Please remove the lock and try again.`,
    });
    const report = await runAgainst(server, cleanupOptions({ subscriptions: [SUB] }));
    const row = report.groups.find((g) => g.name === "msl-0001")!;
    expect(row).toMatchObject({ outcome: "kept", code: "ScopeLocked" });
    expect(row.reason).toBe("a lock was placed during this run on the group ('grading'); cleanup never removes locks, so the group stays until the lock is removed");
    expect(report.counts.deleted).toBe(2);
  });

  it("converges after being killed mid-run: the re-run waits for started deletes and never sends a second one", async () => {
    const timeScale = 0.05;
    server = await startServer({
      seed: labs(30),
      timeScale,
      // 10 deletes at once, then one per simulated 2 s: the run is still sending when it is killed.
      throttle: { deletes: { burst: 10, refillPerSecond: 0.5 } },
      durations: { resourceGroupDelete: 60_000 },
    });
    const tsx = join(process.cwd(), "node_modules/.bin/tsx");
    const child = spawn(tsx, ["src/cli/main.ts", "cleanup", "--yes", "--subscription", SUB], {
      cwd: process.cwd(),
      env: { ...process.env, ...server.env(), MLFLOW_LAB_STATE_DIR: mkdtempSync(join(tmpdir(), "cleanup-crash-")) },
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const started = Date.now();
    while ([...groupDeletes(server).values()].reduce((a, b) => a + b, 0) < 12 && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await exited;
    // The DELETEs ARM accepted before the crash: those groups are Deleting (or already gone). A
    // throttled DELETE (429) was not accepted, so sending it again is not double work.
    server.core.settle();
    const accepted = [...groupDeletes(server).keys()].filter((name) => {
      const group = server!.resourceGroup(SUB, name);
      return !group || group.provisioningState === "Deleting";
    });
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    expect(accepted.length).toBeLessThan(30);
    const logged = server.requests().length;

    const report = await runAgainst(server, cleanupOptions({ subscriptions: [SUB], buckets: scaledBuckets(timeScale, { deletes: { capacity: 10, refillPerSecond: 0.5 } }) }, timeScale));
    expect(report.counts.failed).toBe(0);
    expect(report.counts.deleted + report.counts.gone).toBe(30);
    expect(remainingGroups(server, SUB)).toEqual([]);
    const resent = server
      .requests()
      .slice(logged)
      .filter((r) => r.method === "DELETE")
      .map((r) => r.path.split("/").pop()!.toLowerCase());
    for (const name of accepted) expect(resent, `${name} was deleted again after the crash`).not.toContain(name);
    const waitedFor = report.groups.filter((g) => /earlier run/.test(g.reason)).map((g) => g.name.toLowerCase());
    expect(waitedFor.length + report.counts.gone).toBeGreaterThanOrEqual(accepted.length);
  });
});
