import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decideGroup, type CleanupPolicySettings } from "../../../src/removal/policy";
import { DEFAULT_PROTECTED_NAME_PATTERNS } from "../../../src/removal/name-patterns";
import { ALLOWED, resourceSetArb, type PolicyWorld } from "./policy-generators";

const settingsFor = (world: PolicyWorld): CleanupPolicySettings => ({
  allowedSubscriptions: ALLOWED,
  graceMs: world.graceMs,
  now: new Date(world.now),
  protectedNamePatterns: DEFAULT_PROTECTED_NAME_PATTERNS,
});

describe("cleanup policy over generated resource sets", () => {
  it("selects exactly the eligible groups for deletion, and nothing else, over 10,000 sets", () => {
    let groupsSeen = 0;
    let deletes = 0;
    fc.assert(
      fc.property(resourceSetArb(12), ({ world, groups }) => {
        const settings = settingsFor(world);
        const selected: string[] = [];
        const eligible: string[] = [];
        for (const group of groups) {
          const decision = decideGroup(group.record, settings);
          groupsSeen++;
          if (decision.verdict === "delete") selected.push(group.record.id);
          if (group.expected === "delete") eligible.push(group.record.id);
          if (decision.verdict !== group.expected) {
            throw new Error(
              `${group.record.name}: expected ${group.expected} (ineligible facets: ${group.notEligible.join(", ") || "none"}), ` +
                `decided ${decision.verdict}: ${decision.reason}`,
            );
          }
        }
        expect(selected).toEqual(eligible);
        deletes += selected.length;
      }),
      { numRuns: 10_000 },
    );
    // The generator must actually exercise both outcomes, or the property proves little.
    expect(groupsSeen).toBeGreaterThan(40_000);
    expect(deletes).toBeGreaterThan(5_000);
  });

  it("never selects a group whose tags are arbitrary text, whatever the names and values", () => {
    const now = new Date("2026-11-23T12:00:00Z");
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 16 }), fc.string({ maxLength: 30 }), { maxKeys: 8 }),
        fc.constantFrom(...ALLOWED),
        (tags, subscriptionId) => {
          // Arbitrary strings almost never spell our marker; when they happen to, the group must still
          // pass every other rule to be selected.
          const decision = decideGroup(
            { subscriptionId, name: "msl-any", id: `/subscriptions/${subscriptionId}/resourceGroups/msl-any`, tags, locks: [] },
            { allowedSubscriptions: ALLOWED, graceMs: 0, now, protectedNamePatterns: [] },
          );
          const hasMarker = Object.entries(tags).some(([k, v]) => k.toLowerCase() === "managed-by" && v === "azure-mlflow-lab");
          if (!hasMarker) expect(decision.verdict).toBe("keep");
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("deletes nothing at all when the allowlist is empty", () => {
    fc.assert(
      fc.property(resourceSetArb(8), ({ world, groups }) => {
        const settings = { ...settingsFor(world), allowedSubscriptions: [] };
        for (const group of groups) expect(decideGroup(group.record, settings).verdict).toBe("keep");
      }),
      { numRuns: 500 },
    );
  });
});
