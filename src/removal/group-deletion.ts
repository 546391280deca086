/**
 * Deleting one resource group and knowing it is gone: start the DELETE (paced), poll its operation
 * (honouring Retry-After, sharing the read budget with every other operation in flight), then verify
 * with a GET that answers 404. Used by cleanup for many groups at once, by teardown to wait for its
 * groups to go, and by the deploy flow for a failed attempt's group (deleteLabGroup).
 */
import { ReadPriority, type ArmBudget } from "../azure/arm-budget";
import { startDelete, waitForPacedOperation, type RunningOperation } from "../azure/paced-operations";
import { decideTeardownGroup } from "./policy";
import { getGroup, groupPath, readGroup, RESOURCES_API_VERSION } from "./arm-groups";
import { ArmError } from "../azure/errors";

export interface WaitOptions {
  /** Poll interval when ARM sends no Retry-After. */
  defaultPollMs: number;
  /** Give up waiting after this long (ARM keeps going; the next run picks the group up again). */
  timeoutMs: number;
  /** GETs after a finished delete before "still there" counts as a failure (ARM is eventually consistent). */
  verifyAttempts: number;
  /**
   * How old the subscription-wide lock list may be when a group is re-read before its delete. Older
   * lists are read again (one request for all groups instead of one per group). A lock added within
   * this window is still honoured: ARM refuses the DELETE with ScopeLocked and the group is kept.
   */
  lockSnapshotMaxAgeMs: number;
  /** Called after each poll that found the operation (or the group) still running: progress for people. */
  onStillRunning?: () => void;
}

export const DEFAULT_WAIT: WaitOptions = { defaultPollMs: 5_000, timeoutMs: 60 * 60_000, verifyAttempts: 5, lockSnapshotMaxAgeMs: 10_000 };

/**
 * How long cleanup waits for one group's delete before reporting it as still deleting. ARM keeps
 * deleting; the next run finds the group Deleting and waits again. A lab group (Databricks workspace,
 * Azure ML, AKS) normally goes in 5-15 minutes; Azure's own test cleanup gives each group delete 900 s
 * (Azure/azure-sdk-tools eng/scripts/live-test-resource-cleanup.ps1). 20 minutes leaves room for a slow
 * one and still ends a scheduled run well inside its hour.
 */
export const DEFAULT_GROUP_WAIT_MS = 20 * 60_000;

export type DeletionOutcome =
  | { kind: "deleted" }
  | { kind: "gone" }
  | { kind: "refused"; error: ArmError }
  | { kind: "failed"; error: ArmError }
  | { kind: "timeout" };

/** ARM refusals that mean "protected", not "broken": a lock, or a deny assignment on a managed group. */
const PROTECTED_CODES = new Set(["ScopeLocked", "DenyAssignmentAuthorizationFailed"]);

export function isProtectionRefusal(error: ArmError): boolean {
  return error.allCodes().some((code) => PROTECTED_CODES.has(code));
}

/** Waits for a running delete, each poll a paced read, within `wait.timeoutMs` (the shared poller). */
export function waitForOperation(budget: ArmBudget, operation: RunningOperation, firstWaitMs: number | undefined, wait: WaitOptions) {
  return waitForPacedOperation(budget, operation, { firstWaitMs, defaultPollMs: wait.defaultPollMs, timeoutMs: wait.timeoutMs, onStillRunning: wait.onStillRunning });
}

/** GETs the group until ARM answers 404; true when it did within the allowed attempts. */
export async function verifyGone(budget: ArmBudget, subscriptionId: string, name: string, wait: WaitOptions): Promise<boolean> {
  for (let attempt = 0; attempt < wait.verifyAttempts; attempt++) {
    const response = await getGroup(budget, subscriptionId, name, ReadPriority.verify);
    if (response.status === 404) return true;
    await budget.clock.sleep(wait.defaultPollMs);
  }
  return false;
}

/**
 * GETs a group every `defaultPollMs` until ARM answers 404 ("gone") or the wait ends ("timeout").
 * With `stopUnlessDeleting`, a group that is not (or no longer) Deleting ends the wait at once ("stopped").
 */
export async function pollUntilGone(
  budget: ArmBudget,
  subscriptionId: string,
  name: string,
  wait: WaitOptions,
  options: { priority: number; stopUnlessDeleting: boolean },
): Promise<"gone" | "stopped" | "timeout"> {
  const deadline = budget.clock.now() + wait.timeoutMs;
  for (;;) {
    const response = await getGroup(budget, subscriptionId, name, options.priority);
    if (response.status === 404) return "gone";
    if (options.stopUnlessDeleting && (response.body?.properties?.provisioningState ?? "").toLowerCase() !== "deleting") return "stopped";
    wait.onStillRunning?.();
    if (budget.clock.now() + wait.defaultPollMs > deadline) return "timeout";
    await budget.clock.sleep(wait.defaultPollMs);
  }
}

/**
 * Polls a group that is already being deleted (by an earlier run) until it is gone. Returns "stopped"
 * when the group is no longer Deleting (that delete failed or was undone), so the caller can decide anew.
 */
export function awaitExistingDeletion(budget: ArmBudget, subscriptionId: string, name: string, wait: WaitOptions): Promise<"gone" | "stopped" | "timeout"> {
  return pollUntilGone(budget, subscriptionId, name, wait, { priority: ReadPriority.poll, stopUnlessDeleting: true });
}

/** DELETE the group, follow the operation, verify the 404. Never throws for ARM answers. */
export async function deleteGroup(budget: ArmBudget, subscriptionId: string, name: string, wait: WaitOptions): Promise<DeletionOutcome> {
  const started = await startDelete(budget, subscriptionId, {
    method: "DELETE",
    path: groupPath(subscriptionId, name),
    apiVersion: RESOURCES_API_VERSION,
  });
  if (started.kind === "gone") return { kind: "gone" };
  if (started.kind === "failed") {
    return isProtectionRefusal(started.error) ? { kind: "refused", error: started.error } : { kind: "failed", error: started.error };
  }
  if (started.kind === "running") {
    const finished = await waitForOperation(budget, started.operation, started.retryAfterMs, wait);
    if (finished.kind === "timeout") return finished;
    if (finished.kind === "failed") {
      return isProtectionRefusal(finished.error) ? { kind: "refused", error: finished.error } : finished;
    }
  }
  if (await verifyGone(budget, subscriptionId, name, wait)) return { kind: "deleted" };
  return {
    kind: "failed",
    error: new ArmError({
      status: 200,
      code: "StillPresent",
      message: "the delete finished but the group still exists",
    }),
  };
}

/**
 * Deletes the resource group of one named lab and verifies it is gone, when teardown's rules allow it:
 * the group's own tags say it is this toolkit's and exactly this lab's, and no lock, managing resource or
 * do-not-delete tag protects it ("kept" with the reason otherwise). The deploy flow uses it to remove a
 * failed attempt's group that the engine left behind.
 */
export async function deleteLabGroup(
  budget: ArmBudget,
  subscriptionId: string,
  name: string,
  labId: string,
  wait: WaitOptions,
): Promise<DeletionOutcome | { kind: "kept"; reason: string }> {
  const read = await readGroup(budget, subscriptionId, name, "per-group");
  if (read.kind === "gone") return { kind: "gone" };
  const decision = decideTeardownGroup(read.record, labId);
  if (decision.verdict === "keep") return { kind: "kept", reason: decision.reason };
  return deleteGroup(budget, subscriptionId, name, wait);
}
