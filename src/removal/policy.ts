/**
 * The one decision every removal makes: may this resource group be deleted? Cleanup asks it of expired
 * labs (decideGroup); teardown and the deploy flow ask it of one named lab (decideTeardownGroup).
 *
 * Allow-list semantics (like Cloud Custodian, the opposite of azure-nuke): a group is deleted only when
 * EVERY rule below holds; any single failing rule keeps it, and every failing rule is reported in words a
 * person can act on. Anything the policy cannot read with certainty (missing or malformed dates, a tag
 * written twice with different values, an id that does not match its subscription and name) keeps the
 * group: the policy fails closed.
 *
 * The rules are a list so tests can remove any one of them and prove that a targeted case then goes
 * wrong (a documented safety rule that no test would miss is no rule at all).
 */
import { LabTag, MANAGED_BY } from "../config/lab-tags";
import type { ResourceGroupRecord } from "./records";
import { lookupTag } from "./tags";
import { formatSpan } from "../config/duration";
import { matchingPattern } from "./name-patterns";
import { describeLock } from "./lock-scope";
import { checkExpiry, doNotDeleteTagged, expiryKeepReason, hasLabMarker, labIdOf, notThisLab, readExpiry, subscriptionNotAllowed, tagProblem } from "./tag-checks";

export interface CleanupPolicySettings {
  /** Subscription ids cleanup may act in. Empty means nothing is ever deleted. */
  allowedSubscriptions: readonly string[];
  /** How long past `lab-expires-at` a group is left alone (time for a learner to notice and extend). */
  graceMs: number;
  now: Date;
  /** Glob patterns of group names never touched (see name-patterns.ts for the defaults). */
  protectedNamePatterns: readonly string[];
}

export type RuleId =
  | "subscription-allowed"
  | "id-consistent"
  | "name-not-protected"
  | "managed-by-tag"
  | "lab-id-tag"
  | "expired"
  | "no-locks"
  | "not-managed"
  | "no-do-not-delete-tag"
  | "not-deleting";

export interface Blocker {
  rule: RuleId;
  /** Why the group is kept, for people: "locked (CanNotDelete 'hold')". */
  reason: string;
}

/**
 * - `delete`: every rule holds; cleanup may send the DELETE.
 * - `await-deletion`: every rule holds except that ARM is already deleting the group (an earlier run
 *   started it): cleanup waits for it to disappear and never sends a second DELETE.
 * - `keep`: at least one rule fails.
 */
export type Verdict = "delete" | "await-deletion" | "keep";

export interface GroupDecision {
  subscriptionId: string;
  name: string;
  id: string;
  verdict: Verdict;
  /** One line for the table: the blockers joined, or "expired 3h ago". */
  reason: string;
  blockers: Blocker[];
  labId?: string;
  expiresAt?: string;
}

interface RuleInput {
  group: ResourceGroupRecord;
  settings: CleanupPolicySettings;
}

export interface Rule {
  id: RuleId;
  /** A blocker when the rule fails, undefined when it holds. */
  check(input: RuleInput): Blocker | undefined;
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export const RULES: readonly Rule[] = [
  {
    id: "subscription-allowed",
    check: ({ group, settings }) => {
      const reason = subscriptionNotAllowed(settings.allowedSubscriptions, group.subscriptionId);
      return reason ? { rule: "subscription-allowed", reason } : undefined;
    },
  },
  {
    id: "id-consistent",
    // The DELETE is addressed by subscription and name; an id that points elsewhere means the record is
    // not what it claims to be.
    check: ({ group }) =>
      sameId(group.id, `/subscriptions/${group.subscriptionId}/resourceGroups/${group.name}`)
        ? undefined
        : { rule: "id-consistent", reason: `id '${group.id}' does not match subscription and name` },
  },
  {
    id: "name-not-protected",
    check: ({ group, settings }) => {
      const pattern = matchingPattern(group.name, settings.protectedNamePatterns);
      return pattern ? { rule: "name-not-protected", reason: `name matches protected pattern '${pattern}'` } : undefined;
    },
  },
  {
    id: "managed-by-tag",
    check: ({ group }) => {
      if (hasLabMarker(group.tags)) return undefined;
      const lookup = lookupTag(group.tags, LabTag.managedBy);
      const problem = tagProblem(lookup, LabTag.managedBy);
      if (problem) return { rule: "managed-by-tag", reason: `not a lab: ${problem}` };
      const value = lookup.kind === "value" ? lookup.value : "";
      return { rule: "managed-by-tag", reason: `not a lab: managed-by is '${value}', not '${MANAGED_BY}'` };
    },
  },
  {
    id: "lab-id-tag",
    check: ({ group }) => {
      if (labIdOf(group.tags) !== undefined) return undefined;
      const problem = tagProblem(lookupTag(group.tags, LabTag.id), LabTag.id);
      return { rule: "lab-id-tag", reason: problem ?? `tag ${LabTag.id} is empty` };
    },
  },
  {
    id: "expired",
    check: ({ group, settings }) => {
      const reason = expiryKeepReason(checkExpiry(group.tags, settings.now, settings.graceMs), { subject: "", graceMs: settings.graceMs });
      return reason === undefined ? undefined : { rule: "expired", reason };
    },
  },
  {
    id: "no-locks",
    // Locks are the user's kill switch: never removed, never worked around.
    check: ({ group }) =>
      group.locks.length === 0
        ? undefined
        : {
            rule: "no-locks",
            reason: `locked (${group.locks.map((lock) => describeLock(lock, group.name)).join(", ")})`,
          },
  },
  {
    id: "not-managed",
    // A managed group (Databricks, AKS, ...) belongs to its managing resource; deleting that resource
    // removes the group. Direct deletes fail with DenyAssignmentAuthorizationFailed anyway.
    check: ({ group }) =>
      group.managedBy === undefined || group.managedBy === null || group.managedBy === ""
        ? undefined
        : { rule: "not-managed", reason: `managed by ${group.managedBy}` },
  },
  {
    id: "no-do-not-delete-tag",
    check: ({ group }) => {
      const reason = doNotDeleteTagged(group.tags);
      return reason ? { rule: "no-do-not-delete-tag", reason } : undefined;
    },
  },
  {
    id: "not-deleting",
    check: ({ group }) =>
      (group.provisioningState ?? "").toLowerCase() === "deleting"
        ? { rule: "not-deleting", reason: "already being deleted" }
        : undefined,
  },
];

/** Decides with an explicit rule list; production code uses `decideGroup`, tests remove rules. */
export function decideGroupWith(
  rules: readonly Rule[],
  group: ResourceGroupRecord,
  settings: CleanupPolicySettings,
): GroupDecision {
  const blockers = rules.map((rule) => rule.check({ group, settings })).filter((b): b is Blocker => b !== undefined);
  const labId = lookupTag(group.tags, LabTag.id);
  const expiry = readExpiry(group.tags);
  const base = {
    subscriptionId: group.subscriptionId,
    name: group.name,
    id: group.id,
    blockers,
    labId: labId.kind === "value" ? labId.value : undefined,
    expiresAt: expiry.kind === "date" ? expiry.text : undefined,
  };
  const expiredFor =
    expiry.kind === "date" ? `expired ${formatSpan(settings.now.getTime() - expiry.expiresAt.getTime())} ago` : "";
  if (blockers.length === 0) return { ...base, verdict: "delete", reason: expiredFor };
  if (blockers.length === 1 && blockers[0].rule === "not-deleting") {
    return { ...base, verdict: "await-deletion", reason: `already being deleted (${expiredFor})` };
  }
  return { ...base, verdict: "keep", reason: blockers.map((b) => b.reason).join("; ") };
}

export function decideGroup(group: ResourceGroupRecord, settings: CleanupPolicySettings): GroupDecision {
  return decideGroupWith(RULES, group, settings);
}

/**
 * Teardown of one named lab: the learner asked for it, so the expiry does not matter, and a group
 * already being deleted is fine to wait for. Everything else still holds: the group must carry this
 * toolkit's marker and exactly this lab's id, and a lock, a managing resource or a do-not-delete tag
 * stops the teardown before anything is touched.
 */
const TEARDOWN_RULE_IDS: ReadonlySet<RuleId> = new Set<RuleId>(["id-consistent", "managed-by-tag", "lab-id-tag", "no-locks", "not-managed", "no-do-not-delete-tag"]);

export function decideTeardownGroup(group: ResourceGroupRecord, labId: string): GroupDecision {
  const thisLab: Rule = {
    id: "lab-id-tag",
    // The same check as the purge rules' "this-lab" (tag-checks.ts).
    check: ({ group: g }) => {
      const reason = notThisLab(g.tags, labId);
      return reason ? { rule: "lab-id-tag", reason } : undefined;
    },
  };
  const rules = [...RULES.filter((r) => TEARDOWN_RULE_IDS.has(r.id) && r.id !== "lab-id-tag"), thisLab];
  const settings: CleanupPolicySettings = { allowedSubscriptions: [group.subscriptionId], graceMs: 0, now: new Date(0), protectedNamePatterns: [] };
  const decision = decideGroupWith(rules, group, settings);
  return decision.verdict === "delete" ? { ...decision, reason: `lab ${labId}` } : decision;
}
