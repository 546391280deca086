/**
 * The policy property end to end: generated resource sets seeded into the ARM test server, the real
 * executor (Resource Graph discovery, ARM re-read, paced deletes, LRO polling, 404 verification) run
 * against them, and the server's final state compared with the set eligible by construction.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InventoryInput } from "../../support/arm-test-server";
import { ALLOWED, ALLOWED_A, LOOKALIKE, OTHER, resourceSetArb, type GeneratedGroup } from "../../unit/removal/policy-generators";
import { cleanupOptions, groupDeletes, LOCATIONS, remainingGroups, runAgainst, startServer } from "./helpers";

const SUBSCRIPTIONS = [ALLOWED[0], ALLOWED[1], OTHER, LOOKALIKE];

/** Facets an inventory cannot express (ARM derives ids itself; tag values are text). */
function representable(g: GeneratedGroup): boolean {
  return !g.notEligible.some((label) => label.startsWith("id of another") || label.endsWith("not text"));
}

function seedGroup(g: GeneratedGroup, state: "Succeeded" | "Deleting") {
  const r = g.record;
  return {
    name: r.name,
    location: "eastus",
    tags: r.tags as Record<string, string>,
    ...(typeof r.managedBy === "string" && r.managedBy !== "" ? { managedBy: r.managedBy } : {}),
    provisioningState: state,
    locks: r.locks.map((l) => ({ name: l.name, level: (l.level.toLowerCase() === "readonly" ? "ReadOnly" : "CanNotDelete") as "ReadOnly" | "CanNotDelete" })),
  };
}

describe("cleanup end to end over generated resource sets", () => {
  it("leaves the server with exactly the eligible groups deleted, sending DELETE to no other group", async () => {
    let deletedSoFar = 0;
    await fc.assert(
      fc.asyncProperty(resourceSetArb(10), async ({ world, groups }) => {
        const seen = new Set<string>();
        const usable = groups
          .filter(representable)
          .map((g) => ({ ...g, record: { ...g.record, subscriptionId: g.record.subscriptionId.toLowerCase() === ALLOWED_A ? ALLOWED_A : g.record.subscriptionId } }))
          .filter((g) => {
            const key = `${g.record.subscriptionId}/${g.record.name}`.toLowerCase();
            return seen.has(key) ? false : (seen.add(key), true);
          });
        // A group an earlier run started deleting is seeded whole and then sent a DELETE, so a real
        // operation runs; other "Deleting" groups (not ours) stay Deleting, as someone else's would.
        const awaiting = usable.filter((g) => g.expected === "await-deletion");
        const inventory: InventoryInput = {
          locations: LOCATIONS,
          subscriptions: SUBSCRIPTIONS.map((subscriptionId) => ({
            subscriptionId,
            displayName: subscriptionId,
            resourceGroups: usable
              .filter((g) => g.record.subscriptionId.toLowerCase() === subscriptionId)
              .map((g) => seedGroup(g, g.expected === "await-deletion" || (g.record.provisioningState ?? "").toLowerCase() !== "deleting" ? "Succeeded" : "Deleting")),
          })),
        };
        const server = await startServer({ seed: inventory, durations: { resourceGroupDelete: [30_000, 90_000] } });
        try {
          for (const g of awaiting) {
            const res = await fetch(`${server.url}/subscriptions/${g.record.subscriptionId}/resourcegroups/${g.record.name}?api-version=2025-04-01`, {
              method: "DELETE",
              headers: { authorization: "Bearer earlier-run" },
            });
            expect(res.status).toBe(202);
          }
          const before = groupDeletes(server);
          const report = await runAgainst(server, cleanupOptions({ subscriptions: ALLOWED, graceMs: world.graceMs, now: () => new Date(world.now) }));
          expect(report.counts.failed, JSON.stringify(report.groups.filter((r) => r.outcome === "failed"))).toBe(0);

          const eligible = usable.filter((g) => g.expected !== "keep");
          for (const subscriptionId of SUBSCRIPTIONS) {
            const expected = usable
              .filter((g) => g.record.subscriptionId.toLowerCase() === subscriptionId && g.expected === "keep")
              .map((g) => g.record.name)
              .sort();
            expect(remainingGroups(server, subscriptionId), `remaining in ${subscriptionId}`).toEqual(expected);
          }
          const after = groupDeletes(server);
          const sentNow = [...after.entries()].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name).sort();
          expect(sentNow).toEqual(usable.filter((g) => g.expected === "delete").map((g) => g.record.name.toLowerCase()).sort());
          for (const [name, n] of after) expect(n, name).toBe(1);
          deletedSoFar += eligible.length;
        } finally {
          await server.stop();
        }
      }),
      { numRuns: 25 },
    );
    expect(deletedSoFar).toBeGreaterThan(10);
  });
});
