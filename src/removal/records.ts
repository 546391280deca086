/**
 * Plain records the cleanup policy decides on. Discovery (Resource Graph, ARM GETs) fills them; the
 * policy never does I/O, so every rule can be tested over generated records.
 */

/** A management lock that applies to a resource group (at its scope, below it, or inherited from above). */
export interface LockRecord {
  name: string;
  /** `CanNotDelete` or `ReadOnly` as ARM spells them; any other value still counts as a lock. */
  level: string;
  /** The lock's ARM id, when known (tells the user where to look). */
  id?: string;
}

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  /** `/subscriptions/{subscriptionId}/resourceGroups/{name}` as ARM returns it. */
  id: string;
  /** ARM tags: names are case-insensitive, values are kept as written. */
  tags?: Readonly<Record<string, unknown>> | null;
  /** The ARM id of the resource that manages this group (Databricks workspace, AKS cluster, ...). */
  managedBy?: string | null;
  provisioningState?: string | null;
  locks: readonly LockRecord[];
}

export type SoftDeletedKind = "ml-workspace" | "key-vault" | "log-analytics";

/** A soft-deleted item whose name stays blocked until it is purged. */
export interface SoftDeletedRecord {
  kind: SoftDeletedKind;
  subscriptionId: string;
  name: string;
  /** The ARM id the purge is addressed to (deleted-vault id, workspace id). */
  id: string;
  location?: string;
  /** Tags preserved on the soft-deleted record. */
  tags?: Readonly<Record<string, unknown>> | null;
  /** Key Vault only: with purge protection the purge is impossible until Azure purges it itself. */
  purgeProtectionEnabled?: boolean;
  scheduledPurgeDate?: string;
}

export const SOFT_DELETED_LABELS: Record<SoftDeletedKind, string> = {
  "ml-workspace": "Azure ML workspace",
  "key-vault": "Key Vault",
  "log-analytics": "Log Analytics workspace",
};

/** A resource inside a lab group that needs handling before the group is deleted. */
export interface LabResource {
  id: string;
  name: string;
  /** Lower-case type, as Resource Graph and ARM list it. */
  type: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  tags: Record<string, unknown>;
  properties: Record<string, unknown>;
}
