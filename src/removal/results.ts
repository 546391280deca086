/**
 * The rows a removal reports, one per resource group and one per item (an endpoint, a workspace deleted
 * for good, a soft-deleted record purged): cleanup, teardown and the deploy flow's clean-up of a failed
 * attempt all report in these terms.
 */

/** `dry-run` reports what would be done; `execute` does it. */
export type RunMode = "dry-run" | "execute";

export type GroupOutcome =
  /** Deleted and verified gone (404). */
  | "deleted"
  /** Dry run: every rule holds; `--yes` would delete it. */
  | "would-delete"
  /** Dry run: an earlier run's delete is still running; `--yes` would wait for it. */
  | "deleting"
  /** Gone before this run touched it, or an earlier run's delete finished it (not deleted by this run). */
  | "gone"
  /** The delete is still running when the group's wait ended (--group-wait); the next run checks again. */
  | "still-deleting"
  /** A rule said no (or ARM refused because of a lock); never an error. */
  | "kept"
  /** The delete was tried and did not succeed. */
  | "failed";

export interface GroupResult {
  subscriptionId: string;
  name: string;
  outcome: GroupOutcome;
  reason: string;
  /** ARM error code when ARM said no. */
  code?: string;
  labId?: string;
  expiresAt?: string;
}

export type ItemOutcome = "purged" | "would-purge" | "deleted" | "would-delete" | "kept" | "failed" | "gone";

/** A soft-deleted item purged, or a resource deleted before its group (endpoints, purge-on-delete). */
export interface ItemResult {
  kind: string;
  subscriptionId: string;
  name: string;
  outcome: ItemOutcome;
  reason: string;
  code?: string;
  /**
   * Set where the purge rules keep the item because it is not the run's to act on (purge-policy.ts,
   * isNotOurs): another lab's item, or no lab item at all. Before a group delete, every resource the
   * rules keep is "left to the group delete" and carries it too. Callers filter on this field, never
   * on `reason`, which is for people and may be reworded.
   */
  notOurs?: true;
}

