import { describe, expect, it } from "vitest";
import { RULES, decideGroup, decideGroupWith, decideTeardownGroup, type CleanupPolicySettings, type RuleId } from "../../../src/removal/policy";
import { DEFAULT_PROTECTED_NAME_PATTERNS } from "../../../src/removal/name-patterns";
import type { ResourceGroupRecord } from "../../../src/removal/records";

const SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
const NOW = new Date("2026-11-23T12:00:00Z");
const settings: CleanupPolicySettings = {
  allowedSubscriptions: [SUB],
  graceMs: 3_600_000,
  now: NOW,
  protectedNamePatterns: DEFAULT_PROTECTED_NAME_PATTERNS,
};

/** Expired four hours ago with a one-hour grace: every rule holds. */
function eligibleGroup(overrides: Partial<ResourceGroupRecord> = {}, tagOverrides: Record<string, unknown> = {}): ResourceGroupRecord {
  const name = overrides.name ?? "msl-abc1234";
  return {
    subscriptionId: SUB,
    name,
    id: `/subscriptions/${SUB}/resourceGroups/${name}`,
    tags: {
      "lab-id": "msl-abc1234",
      "lab-owner": "learner@example.com",
      "lab-created-at": "2026-11-23T00:00:00Z",
      "lab-expires-at": "2026-11-23T08:00:00Z",
      "managed-by": "azure-mlflow-lab",
      ...tagOverrides,
    },
    managedBy: null,
    provisioningState: "Succeeded",
    locks: [],
    ...overrides,
  };
}

function without(tag: string): ResourceGroupRecord {
  const group = eligibleGroup();
  const tags = { ...group.tags };
  delete (tags as Record<string, unknown>)[tag];
  return { ...group, tags };
}

/**
 * One targeted case per rule: a group that breaks that rule and only that rule. Each case must be kept
 * by the real policy AND deleted by a policy with that one rule removed, so no rule can be dropped
 * without a test failing.
 */
const targeted: Record<RuleId, { group: ResourceGroupRecord; reason: string | RegExp }> = {
  "subscription-allowed": {
    group: (() => {
      const other = "9d8c7b6a-1111-4222-8333-777788889999";
      return eligibleGroup({ subscriptionId: other, id: `/subscriptions/${other}/resourceGroups/msl-abc1234` });
    })(),
    reason: "subscription 9d8c7b6a-1111-4222-8333-777788889999 is not on the allowlist",
  },
  "id-consistent": {
    group: eligibleGroup({ id: `/subscriptions/9d8c7b6a-1111-4222-8333-777788889999/resourceGroups/msl-abc1234` }),
    reason: /does not match subscription and name/,
  },
  "name-not-protected": {
    group: eligibleGroup({ name: "databricks-rg-msl-abc1234-q2" }),
    reason: "name matches protected pattern 'databricks-rg-*'",
  },
  "managed-by-tag": {
    group: eligibleGroup({}, { "managed-by": "Azure-MLflow-Lab" }),
    reason: "not a lab: managed-by is 'Azure-MLflow-Lab', not 'azure-mlflow-lab'",
  },
  "lab-id-tag": { group: without("lab-id"), reason: "no lab-id tag" },
  expired: { group: eligibleGroup({}, { "lab-expires-at": "2026-13-01" }), reason: /^expires-at '2026-13-01' is not a real day; write a UTC date-time such as/ },
  "no-locks": {
    group: eligibleGroup({ locks: [{ name: "hold", level: "CanNotDelete" }] }),
    reason: "locked (CanNotDelete 'hold')",
  },
  "not-managed": {
    group: eligibleGroup({ managedBy: `/subscriptions/${SUB}/resourceGroups/msl-x/providers/Microsoft.Databricks/workspaces/ws` }),
    reason: /^managed by \/subscriptions\/.*workspaces\/ws$/,
  },
  "no-do-not-delete-tag": { group: eligibleGroup({}, { DoNotDelete: "false" }), reason: "tagged 'DoNotDelete'" },
  "not-deleting": { group: eligibleGroup({ provisioningState: "Deleting" }), reason: "already being deleted" },
};

describe("each cleanup rule is enforced (removing any one rule makes a test fail)", () => {
  it("has a targeted case for every rule in the policy", () => {
    expect(Object.keys(targeted).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it("deletes the fully eligible base group", () => {
    const decision = decideGroup(eligibleGroup(), settings);
    expect(decision.verdict).toBe("delete");
    expect(decision.reason).toBe("expired 4h ago");
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      const { group, reason } = targeted[rule.id];

      it("keeps the group that breaks only this rule, saying why", () => {
        const decision = decideGroup(group, settings);
        expect(decision.verdict).not.toBe("delete");
        expect(decision.blockers.map((b) => b.rule)).toEqual([rule.id]);
        expect(decision.blockers[0].reason).toMatch(reason);
      });

      it("would delete that group if the rule were missing", () => {
        const mutant = RULES.filter((r) => r.id !== rule.id);
        expect(decideGroupWith(mutant, group, settings).verdict).toBe("delete");
      });
    });
  }
});

describe("cleanup decisions in words", () => {
  const decide = (group: ResourceGroupRecord, over: Partial<CleanupPolicySettings> = {}) => decideGroup(group, { ...settings, ...over });

  it("waits for a group an earlier run already started deleting instead of deleting it again", () => {
    const decision = decide(eligibleGroup({ provisioningState: "Deleting" }));
    expect(decision.verdict).toBe("await-deletion");
    expect(decision.reason).toBe("already being deleted (expired 4h ago)");
  });

  it("keeps a group someone else is deleting when it is not ours", () => {
    const decision = decide(eligibleGroup({ provisioningState: "Deleting" }, { "managed-by": "terraform" }));
    expect(decision.verdict).toBe("keep");
    expect(decision.reason).toBe("not a lab: managed-by is 'terraform', not 'azure-mlflow-lab'; already being deleted");
  });

  it("lists every lock", () => {
    const decision = decide(eligibleGroup({ locks: [{ name: "hold", level: "CanNotDelete" }, { name: "exam", level: "ReadOnly" }] }));
    expect(decision.reason).toBe("locked (CanNotDelete 'hold', ReadOnly 'exam')");
  });

  it("reports every failing rule, not just the first", () => {
    const decision = decide(eligibleGroup({ locks: [{ name: "hold", level: "CanNotDelete" }] }, { "lab-expires-at": "soon", DoNotDelete: "" }));
    expect(decision.reason).toBe("expires-at 'soon' is not a date; write a UTC date-time such as 2026-11-23T18:00:00Z; locked (CanNotDelete 'hold'); tagged 'DoNotDelete'");
  });

  it("treats tag names without regard to case, as ARM does", () => {
    const group = eligibleGroup({}, {});
    const shouted = Object.fromEntries(Object.entries(group.tags ?? {}).map(([k, v]) => [k.toUpperCase(), v]));
    expect(decide({ ...group, tags: shouted }).verdict).toBe("delete");
  });

  it("keeps a group whose tag is written twice with different values", () => {
    const decision = decide(eligibleGroup({}, { "LAB-EXPIRES-AT": "2030-01-01T00:00:00Z" }));
    expect(decision.verdict).toBe("keep");
    expect(decision.reason).toMatch(/written twice/);
  });

  it("keeps a group within the grace and says how long ago it expired", () => {
    const decision = decide(eligibleGroup({}, { "lab-expires-at": "2026-11-23T11:30:00Z" }));
    expect(decision.reason).toBe("expired 30m ago, within the 1h grace");
  });

  it("keeps a group that expires in the future", () => {
    expect(decide(eligibleGroup({}, { "lab-expires-at": "2026-11-24T14:00:00Z" })).reason).toBe("expires in 1d 2h");
  });

  it("keeps a group exactly at the end of its grace (deletion needs strictly later)", () => {
    expect(decide(eligibleGroup({}, { "lab-expires-at": "2026-11-23T11:00:00Z" })).verdict).toBe("keep");
    expect(decide(eligibleGroup({}, { "lab-expires-at": "2026-11-23T10:59:59Z" })).verdict).toBe("delete");
  });

  it("keeps groups without the expiry tag, and calls dates in the wrong form dates, saying which form is accepted", () => {
    expect(decide(without("lab-expires-at")).reason).toBe("no lab-expires-at tag");
    expect(decide(eligibleGroup({}, { "lab-expires-at": "2026-11-23T08:00:00+02:00" })).reason).toBe(
      "expires-at '2026-11-23T08:00:00+02:00' is a date-time with a +02:00 offset; only UTC is accepted: write 2026-11-23T06:00:00Z",
    );
    expect(decide(eligibleGroup({}, { "lab-expires-at": "2026-11-23" })).reason).toBe(
      "expires-at '2026-11-23' is a date without a time; write a UTC date-time such as 2026-11-23T00:00:00Z",
    );
    expect(decide(eligibleGroup({}, { "lab-expires-at": "2026-11-23T08:00:00" })).reason).toBe(
      "expires-at '2026-11-23T08:00:00' is a date-time without a time zone; write it in UTC with Z, e.g. 2026-11-23T08:00:00Z if that time is UTC",
    );
    expect(decide(eligibleGroup({}, { "lab-expires-at": "next tuesday" })).reason).toBe(
      "expires-at 'next tuesday' is not a date; write a UTC date-time such as 2026-11-23T18:00:00Z",
    );
  });

  it("says where each lock is: on the subscription, on the group, or on a resource in it", () => {
    const lockId = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/locks/${name}`;
    const group = `/subscriptions/${SUB}/resourceGroups/msl-abc1234`;
    const decision = decide(
      eligibleGroup({
        locks: [
          { name: "freeze", level: "ReadOnly", id: lockId(`/subscriptions/${SUB}`, "freeze") },
          { name: "hold", level: "CanNotDelete", id: lockId(group, "hold") },
          { name: "keep-kv", level: "CanNotDelete", id: lockId(`${group}/providers/Microsoft.KeyVault/vaults/kv-msl-abc1234`, "keep-kv") },
        ],
      }),
    );
    expect(decision.reason).toBe(
      "locked (ReadOnly 'freeze' on the subscription, CanNotDelete 'hold' on the group, CanNotDelete 'keep-kv' on Microsoft.KeyVault/vaults/kv-msl-abc1234)",
    );
  });

  it("protects names without regard to case", () => {
    expect(decide(eligibleGroup({ name: "networkwatcherrg" })).verdict).toBe("keep");
    expect(decide(eligibleGroup({ name: "mc_msl-abc_aks_eastus" })).verdict).toBe("keep");
  });

  it("matches allowed subscriptions without regard to case", () => {
    const upper = SUB.toUpperCase();
    expect(decide(eligibleGroup({ subscriptionId: upper, id: `/subscriptions/${upper}/resourceGroups/msl-abc1234` })).verdict).toBe("delete");
  });
});

describe("teardown of one lab", () => {
  it("takes down this lab's group whatever its expiry", () => {
    const decision = decideTeardownGroup(eligibleGroup({}, { "lab-expires-at": "2030-01-01T00:00:00Z" }), "msl-abc1234");
    expect(decision.verdict).toBe("delete");
  });

  it.each([
    ["another lab's group", eligibleGroup({}, { "lab-id": "msl-other" }), "belongs to another lab (lab-id 'msl-other', not 'msl-abc1234')"],
    ["a group that is not a lab", eligibleGroup({}, { "managed-by": "terraform" }), "not a lab: managed-by is 'terraform', not 'azure-mlflow-lab'"],
    ["a locked group", eligibleGroup({ locks: [{ name: "exam", level: "ReadOnly" }] }), "locked (ReadOnly 'exam')"],
    ["a managed group", eligibleGroup({ managedBy: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Databricks/workspaces/z" }), /^managed by/],
    ["a do-not-delete group", eligibleGroup({}, { "do-not-delete": "yes" }), "tagged 'do-not-delete'"],
  ])("refuses %s", (_label, group, reason) => {
    const decision = decideTeardownGroup(group, "msl-abc1234");
    expect(decision.verdict).toBe("keep");
    expect(decision.reason).toMatch(reason);
  });
});
