/**
 * The ARM re-read that every decision to delete rests on: the resource group itself (tags, managedBy,
 * provisioningState) and the locks that apply to it (at its scope and below, plus any at subscription
 * scope, which every group inherits). Reads go through the paced budget.
 */
import type { ArmResponse } from "../azure/arm-client";
import { ArmError } from "../azure/errors";
import { ReadPriority, type ArmBudget } from "../azure/arm-budget";
import type { LockRecord, ResourceGroupRecord } from "./records";

export const RESOURCES_API_VERSION = "2025-04-01";
export const LOCKS_API_VERSION = "2020-05-01";

interface ArmGroupBody {
  id?: string;
  name?: string;
  location?: string;
  managedBy?: string | null;
  tags?: Record<string, unknown> | null;
  properties?: { provisioningState?: string } | null;
}

interface ArmLock {
  id?: string;
  name?: string;
  properties?: { level?: string; notes?: string };
}

export type GroupRead = { kind: "gone" } | { kind: "found"; record: ResourceGroupRecord };

export function groupPath(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${encodeURIComponent(name)}`;
}

/** GET the group; 404 means it is gone (deleted by an earlier run or someone else). */
export async function getGroup(budget: ArmBudget, subscriptionId: string, name: string, priority: number): Promise<ArmResponse<ArmGroupBody>> {
  return budget.read<ArmGroupBody>(subscriptionId, priority, {
    method: "GET",
    path: groupPath(subscriptionId, name),
    apiVersion: RESOURCES_API_VERSION,
    allowStatus: [404],
  });
}

/** Every page of a lock list, read through the budget. */
async function listLocks(budget: ArmBudget, subscriptionId: string, path: string, priority: number): Promise<LockRecord[] | "gone"> {
  const { items, gone } = await budget.readAllPages<ArmLock>(subscriptionId, priority, path, LOCKS_API_VERSION);
  if (gone) return "gone";
  return items.map((lock) => ({ name: lock.name ?? "?", level: lock.properties?.level ?? "Unknown", id: lock.id }));
}

/** Every lock in a subscription, at any scope (subscription, groups, resources): one paged read. */
export async function subscriptionLocks(budget: ArmBudget, subscriptionId: string): Promise<LockRecord[]> {
  const all = await listLocks(budget, subscriptionId, `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/locks`, ReadPriority.reRead);
  if (all === "gone") throw new ArmError({ status: 404, code: "SubscriptionNotFound", message: `subscription ${subscriptionId} was not found` });
  return all;
}

/** The locks among a subscription's that apply to one group: on the subscription, the group, or inside it. */
export function locksForGroup(all: readonly LockRecord[], subscriptionId: string, group: string): LockRecord[] {
  const atSubscription = new RegExp(`^/subscriptions/${escape(subscriptionId)}/providers/Microsoft\\.Authorization/locks/[^/]+$`, "i");
  const inGroup = `/subscriptions/${subscriptionId}/resourcegroups/${group}/`.toLowerCase();
  return all.filter((lock) => lock.id !== undefined && (atSubscription.test(lock.id) || lock.id.toLowerCase().startsWith(inGroup)));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Where the locks of a re-read come from: the group's own lock list ("per-group", one more read), or a
 * subscription-wide lock list taken moments ago that already holds every lock applying to the group
 * (cheaper when many groups are re-read in a row).
 */
export type LockSource = "per-group" | { snapshot: readonly LockRecord[] };

/**
 * Reads the group and its locks and returns the record the policy decides on. Duplicates (the same
 * lock listed twice) are merged.
 */
export async function readGroup(budget: ArmBudget, subscriptionId: string, name: string, lockSource: LockSource): Promise<GroupRead> {
  const [group, locks] = await Promise.all([
    getGroup(budget, subscriptionId, name, ReadPriority.reRead),
    lockSource === "per-group"
      ? listLocks(budget, subscriptionId, `${groupPath(subscriptionId, name)}/providers/Microsoft.Authorization/locks`, ReadPriority.reRead)
      : Promise.resolve([...lockSource.snapshot]),
  ]);
  if (group.status === 404 || locks === "gone") return { kind: "gone" };
  const body = group.body ?? {};
  const merged = new Map<string, LockRecord>();
  for (const lock of locks) merged.set((lock.id ?? `${lock.level}:${lock.name}`).toLowerCase(), lock);
  return {
    kind: "found",
    record: {
      subscriptionId,
      name: body.name ?? name,
      id: body.id ?? `/subscriptions/${subscriptionId}/resourceGroups/${name}`,
      tags: body.tags ?? {},
      managedBy: body.managedBy ?? null,
      provisioningState: body.properties?.provisioningState ?? null,
      locks: [...merged.values()],
    },
  };
}
