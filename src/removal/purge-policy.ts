/**
 * May this soft-deleted item (Azure ML workspace, Key Vault, Log Analytics workspace) be purged?
 *
 * A purge is final: no recovery afterwards. So the same allow-list semantics as for resource groups
 * apply, on the tags Azure preserves on the soft-deleted record:
 * - the subscription is on the allowlist;
 * - `managed-by` is exactly this toolkit's marker and `lab-id` is present;
 * - no do-not-delete tag;
 * - purge protection is off (with it on, the purge would fail; Azure purges the item itself later);
 * - teardown (one lab): `lab-id` is exactly that lab's id;
 *   cleanup (all expired labs): the preserved `lab-expires-at` has passed plus grace, so a lab that is
 *   still running keeps the chance to recover an item deleted by mistake.
 */
import { LabTag, MANAGED_BY } from "../config/lab-tags";
import type { SoftDeletedRecord } from "./records";
import { checkExpiry, doNotDeleteTagged, expiryKeepReason, hasLabMarker, labIdOf, notThisLab, subscriptionNotAllowed } from "./tag-checks";
import { lookupTag } from "./tags";

export type PurgeScope =
  | { mode: "teardown"; labId: string }
  | { mode: "cleanup"; now: Date; graceMs: number };

export interface PurgePolicySettings {
  allowedSubscriptions: readonly string[];
  scope: PurgeScope;
}

export type PurgeRuleId =
  | "subscription-allowed"
  | "managed-by-tag"
  | "lab-id-tag"
  | "no-do-not-delete-tag"
  | "no-purge-protection"
  | "this-lab"
  | "expired";

export interface PurgeBlocker {
  rule: PurgeRuleId;
  reason: string;
}

export interface PurgeDecision {
  item: SoftDeletedRecord;
  verdict: "purge" | "keep";
  reason: string;
  blockers: PurgeBlocker[];
}

export interface PurgeRule {
  id: PurgeRuleId;
  check(item: SoftDeletedRecord, settings: PurgePolicySettings): PurgeBlocker | undefined;
}

export const PURGE_RULES: readonly PurgeRule[] = [
  {
    id: "subscription-allowed",
    check: (item, settings) => {
      const reason = subscriptionNotAllowed(settings.allowedSubscriptions, item.subscriptionId);
      return reason ? { rule: "subscription-allowed", reason } : undefined;
    },
  },
  {
    id: "managed-by-tag",
    check: (item) => {
      if (hasLabMarker(item.tags)) return undefined;
      return { rule: "managed-by-tag", reason: `not a lab item: its preserved tags lack ${LabTag.managedBy}=${MANAGED_BY}` };
    },
  },
  {
    id: "lab-id-tag",
    check: (item) => (labIdOf(item.tags) !== undefined ? undefined : { rule: "lab-id-tag", reason: `its preserved tags have no usable ${LabTag.id}` }),
  },
  {
    id: "no-do-not-delete-tag",
    check: (item) => {
      const reason = doNotDeleteTagged(item.tags);
      return reason ? { rule: "no-do-not-delete-tag", reason } : undefined;
    },
  },
  {
    id: "no-purge-protection",
    check: (item) =>
      item.purgeProtectionEnabled
        ? {
            rule: "no-purge-protection",
            reason: `purge protection is on; Azure purges it${item.scheduledPurgeDate ? ` on ${item.scheduledPurgeDate}` : " when retention ends"}`,
          }
        : undefined,
  },
  {
    id: "this-lab",
    // The same check as teardown's own-lab rule for the group (policy.ts, decideTeardownGroup).
    check: (item, settings) => {
      if (settings.scope.mode !== "teardown") return undefined;
      const reason = notThisLab(item.tags, settings.scope.labId);
      return reason ? { rule: "this-lab", reason } : undefined;
    },
  },
  {
    id: "expired",
    check: (item, settings) => {
      if (settings.scope.mode !== "cleanup") return undefined;
      const reason = expiryKeepReason(checkExpiry(item.tags, settings.scope.now, settings.scope.graceMs), { subject: "its lab " });
      return reason === undefined ? undefined : { rule: "expired", reason };
    },
  },
];

/**
 * The rules whose failure means the item is not in the run's scope at all: no lab item, or (teardown)
 * another lab's. A row for such an item is left out of reports; other blockers (do-not-delete, purge
 * protection, not yet expired) are reasons a person needs to see.
 */
export const NOT_OURS_RULES: ReadonlySet<PurgeRuleId> = new Set<PurgeRuleId>(["managed-by-tag", "this-lab"]);

/** True when a "keep" decision was made because the item is not the run's to act on (NOT_OURS_RULES). */
export function isNotOurs(decision: PurgeDecision): boolean {
  return decision.verdict === "keep" && decision.blockers.some((b) => NOT_OURS_RULES.has(b.rule));
}

export function decidePurgeWith(
  rules: readonly PurgeRule[],
  item: SoftDeletedRecord,
  settings: PurgePolicySettings,
): PurgeDecision {
  const blockers = rules.map((rule) => rule.check(item, settings)).filter((b): b is PurgeBlocker => b !== undefined);
  if (blockers.length > 0) return { item, verdict: "keep", reason: blockers.map((b) => b.reason).join("; "), blockers };
  const labId = lookupTag(item.tags, LabTag.id);
  return {
    item,
    verdict: "purge",
    reason: `soft-deleted item of lab ${labId.kind === "value" ? labId.value : "?"}`,
    blockers,
  };
}

export function decidePurge(item: SoftDeletedRecord, settings: PurgePolicySettings): PurgeDecision {
  return decidePurgeWith(PURGE_RULES, item, settings);
}
