import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PURGE_RULES, decidePurge, decidePurgeWith, isNotOurs, type PurgePolicySettings, type PurgeRuleId } from "../../../src/removal/purge-policy";
import type { SoftDeletedRecord } from "../../../src/removal/records";

const SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
const NOW = new Date("2026-11-23T12:00:00Z");
const teardown: PurgePolicySettings = { allowedSubscriptions: [SUB], scope: { mode: "teardown", labId: "msl-abc1234" } };
const cleanup: PurgePolicySettings = { allowedSubscriptions: [SUB], scope: { mode: "cleanup", now: NOW, graceMs: 3_600_000 } };

function vault(overrides: Partial<SoftDeletedRecord> = {}, tags: Record<string, unknown> = {}): SoftDeletedRecord {
  return {
    kind: "key-vault",
    subscriptionId: SUB,
    name: "kv-msl-abc1234",
    id: `/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/eastus/deletedVaults/kv-msl-abc1234`,
    location: "eastus",
    tags: { "managed-by": "azure-mlflow-lab", "lab-id": "msl-abc1234", "lab-expires-at": "2026-11-23T08:00:00Z", ...tags },
    purgeProtectionEnabled: false,
    ...overrides,
  };
}

/** One case per purge rule, with the scope in which that rule applies. */
const targeted: Record<PurgeRuleId, { item: SoftDeletedRecord; settings: PurgePolicySettings; reason: string | RegExp }> = {
  "subscription-allowed": {
    item: vault({ subscriptionId: "9d8c7b6a-1111-4222-8333-777788889999" }),
    settings: teardown,
    reason: /not on the allowlist/,
  },
  "managed-by-tag": { item: vault({}, { "managed-by": "someone-else" }), settings: teardown, reason: /lack managed-by=azure-mlflow-lab/ },
  "lab-id-tag": { item: vault({}, { "lab-id": " " }), settings: cleanup, reason: /no usable lab-id/ },
  "no-do-not-delete-tag": { item: vault({}, { "do-not-delete": "true" }), settings: teardown, reason: "tagged 'do-not-delete'" },
  "no-purge-protection": {
    item: vault({ purgeProtectionEnabled: true, scheduledPurgeDate: "2027-02-21T10:00:00Z" }),
    settings: teardown,
    reason: "purge protection is on; Azure purges it on 2027-02-21T10:00:00Z",
  },
  "this-lab": { item: vault({}, { "lab-id": "msl-other99" }), settings: teardown, reason: "belongs to another lab (lab-id 'msl-other99', not 'msl-abc1234')" },
  expired: { item: vault({}, { "lab-expires-at": "2026-11-24T12:00:00Z" }), settings: cleanup, reason: "its lab expires in 1d" },
};

describe("purge policy: each rule is enforced", () => {
  it("has a targeted case for every rule", () => {
    expect(Object.keys(targeted).sort()).toEqual(PURGE_RULES.map((r) => r.id).sort());
  });

  it("purges a tagged item of this lab in teardown and an expired lab's item in cleanup", () => {
    expect(decidePurge(vault(), teardown).verdict).toBe("purge");
    expect(decidePurge(vault(), cleanup).verdict).toBe("purge");
  });

  for (const rule of PURGE_RULES) {
    it(`${rule.id}: kept with the rule, purged without it`, () => {
      const { item, settings, reason } = targeted[rule.id];
      const decision = decidePurge(item, settings);
      expect(decision.verdict).toBe("keep");
      expect(decision.blockers.map((b) => b.rule)).toEqual([rule.id]);
      expect(decision.reason).toMatch(reason);
      expect(decidePurgeWith(PURGE_RULES.filter((r) => r.id !== rule.id), item, settings).verdict).toBe("purge");
    });
  }
});

describe("purge policy over generated items", () => {
  it("purges only items whose preserved tags carry our marker and, in teardown, exactly this lab's id", () => {
    const tagsArb = fc.record(
      {
        managedByKey: fc.constantFrom("managed-by", "Managed-By", "MANAGED-BY"),
        managedBy: fc.constantFrom("azure-mlflow-lab", "Azure-MLflow-Lab", "other", ""),
        labIdKey: fc.constantFrom("lab-id", "LAB-ID"),
        labId: fc.constantFrom("msl-abc1234", "msl-abc12345", "MSL-ABC1234", "msl-other", ""),
        withMarker: fc.boolean(),
        withLabId: fc.boolean(),
      },
      { requiredKeys: ["managedByKey", "managedBy", "labIdKey", "labId", "withMarker", "withLabId"] },
    );
    fc.assert(
      fc.property(
        tagsArb,
        fc.constantFrom<SoftDeletedRecord["kind"]>("ml-workspace", "key-vault", "log-analytics"),
        fc.boolean(),
        fc.constantFrom(SUB, SUB.toUpperCase(), "9d8c7b6a-1111-4222-8333-777788889999"),
        (t, kind, protectedFlag, subscriptionId) => {
          const tags: Record<string, string> = {};
          if (t.withMarker) tags[t.managedByKey] = t.managedBy;
          if (t.withLabId) tags[t.labIdKey] = t.labId;
          const item = vault({ kind, subscriptionId, purgeProtectionEnabled: protectedFlag });
          item.tags = tags;
          const eligible =
            t.withMarker &&
            t.managedBy === "azure-mlflow-lab" &&
            t.withLabId &&
            t.labId === "msl-abc1234" &&
            !protectedFlag &&
            subscriptionId.toLowerCase() === SUB.toLowerCase();
          expect(decidePurge(item, teardown).verdict).toBe(eligible ? "purge" : "keep");
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("marks as not ours exactly the items kept by the managed-by or this-lab rule, whatever the reason says", () => {
    const notOurs = (Object.keys(targeted) as PurgeRuleId[]).filter((rule) => isNotOurs(decidePurge(targeted[rule].item, targeted[rule].settings)));
    expect(notOurs.sort()).toEqual(["managed-by-tag", "this-lab"]);
    expect(isNotOurs(decidePurge(vault(), teardown))).toBe(false);
    // A tag value that repeats the words of a "not ours" reason changes nothing.
    expect(isNotOurs(decidePurge(vault({}, { "lab-expires-at": "not a lab item" }), cleanup))).toBe(false);
  });
});
