import type { SdkClients } from "../azure/sdk-clients";
import { systemClock, type Clock } from "../azure/clock";
import { describeSdkError, statusOf } from "../azure/sdk-errors";
import { ArmBudget, ReadPriority } from "../azure/arm-budget";
import { DEFAULT_WAIT, deleteLabGroup, type WaitOptions } from "../removal/group-deletion";
import { freeLabSoftDeletables, listGroupResources, purgeLabKeyVaults, softDeletableWorkspaces } from "../removal/lab-soft-delete";
import type { ItemResult } from "../removal/results";
import { getGroup } from "../removal/arm-groups";
import { OperationFailedError } from "../errors";
import { registerProviders } from "../regions/sources/providers";

/**
 * What the deploy flow checks over ARM itself, instead of trusting the engine: that a failed attempt's
 * resource group is really gone before the next region is tried, and that the Databricks workspace
 * reached `Succeeded` (setup.ps1 printed "Script completed" on a `Failed` workspace).
 */
export interface WorkspaceState {
  provisioningState: string;
  workspaceUrl?: string;
  location?: string;
}

export type ResourceGroupState = { state: "absent" } | { state: "present" | "deleting"; location?: string; tags: Record<string, string> };

export interface LabArm {
  registerProviders(namespaces: readonly string[], onProgress?: (line: string) => void): Promise<void>;
  resourceGroup(name: string): Promise<ResourceGroupState>;
  /**
   * Deletes the group of the lab whose id is `name`, by the same rules as teardown (its own tags must say
   * so). Waits for the delete at most `timeoutMs` (default: cleanup's wait); a group still deleting then
   * is left to the caller's own checks.
   */
  deleteLabResourceGroup(name: string, options?: { timeoutMs?: number }): Promise<void>;
  workspace(resourceGroup: string, name: string): Promise<WorkspaceState | undefined>;
  /**
   * Before a failed attempt's group is deleted: the online endpoints of the lab's Azure ML workspaces
   * deleted (a workspace with endpoints refuses delete), then the lab's Azure ML and Log Analytics
   * workspaces (by their own lab tags) deleted permanently, as teardown and cleanup do
   * (freeLabSoftDeletables), so soft delete does not hold their names for the next attempt. One row per
   * endpoint and per workspace found.
   */
  deleteSoftDeletableWorkspaces(resourceGroup: string, labId: string): Promise<ItemResult[]>;
  /** After the group is gone: this lab's soft-deleted Key Vaults purged (their names are global). */
  purgeSoftDeletedVaults(labId: string): Promise<ItemResult[]>;
}

/**
 * Providers and the Databricks workspace through the official SDK clients; the lab's resource group is
 * read and deleted with the group operations of src/removal (cleanup's too), so deploy, teardown and the janitor
 * decide "is this the lab's group" and "is it gone" in one place.
 */
export class SdkLabArm implements LabArm {
  private readonly budget: ArmBudget;

  constructor(
    private readonly clients: Pick<SdkClients, "subscriptionId" | "arm" | "resources" | "databricks">,
    private readonly options: { clock?: Clock; registerTimeoutMs?: number; pollMs?: number } = {},
  ) {
    this.budget = new ArmBudget(clients.arm, options.clock ?? systemClock);
  }

  registerProviders(namespaces: readonly string[], onProgress?: (line: string) => void): Promise<void> {
    return registerProviders(this.clients.resources, namespaces, {
      clock: this.options.clock ?? systemClock,
      timeoutMs: this.options.registerTimeoutMs,
      pollMs: this.options.pollMs,
      onProgress,
    });
  }

  async resourceGroup(name: string): Promise<ResourceGroupState> {
    let group;
    try {
      group = await getGroup(this.budget, this.clients.subscriptionId, name, ReadPriority.reRead);
    } catch (error) {
      throw new OperationFailedError(`cannot read resource group ${name}: ${describeSdkError(error)}`);
    }
    if (group.status === 404) return { state: "absent" };
    const deleting = group.body?.properties?.provisioningState?.toLowerCase() === "deleting";
    return { state: deleting ? "deleting" : "present", location: group.body?.location, tags: stringTags(group.body?.tags) };
  }

  private wait(): WaitOptions {
    return { ...DEFAULT_WAIT, defaultPollMs: this.options.pollMs ?? DEFAULT_WAIT.defaultPollMs };
  }

  async deleteLabResourceGroup(name: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const wait = { ...this.wait(), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
    let outcome;
    try {
      outcome = await deleteLabGroup(this.budget, this.clients.subscriptionId, name, name, wait);
    } catch (error) {
      throw new OperationFailedError(`cannot read resource group ${name}: ${describeSdkError(error)}`);
    }
    switch (outcome.kind) {
      case "kept":
        throw new OperationFailedError(`resource group ${name} may not be deleted as lab ${name} (${outcome.reason}); not deleting it, remove it by hand`);
      case "refused":
      case "failed":
        throw new OperationFailedError(`cannot delete resource group ${name}: ${describeSdkError(outcome.error)}`);
      default:
        // deleted, gone, or still deleting when the wait ended: the caller keeps checking until its deadline.
        return;
    }
  }

  async deleteSoftDeletableWorkspaces(resourceGroup: string, labId: string): Promise<ItemResult[]> {
    const scope = { subscriptionId: this.clients.subscriptionId, resourceGroup, labId };
    try {
      const freed = await freeLabSoftDeletables(this.budget, softDeletableWorkspaces(await listGroupResources(this.budget, scope)), scope, true, this.wait());
      return [...freed.endpoints, ...freed.workspaces];
    } catch (error) {
      throw new OperationFailedError(`cannot delete the Azure ML endpoints / Azure ML / Log Analytics workspaces of ${resourceGroup}: ${describeSdkError(error)}`);
    }
  }

  async purgeSoftDeletedVaults(labId: string): Promise<ItemResult[]> {
    const scope = { subscriptionId: this.clients.subscriptionId, resourceGroup: labId, labId };
    try {
      return await purgeLabKeyVaults(this.budget, scope, true, this.wait());
    } catch (error) {
      throw new OperationFailedError(`cannot purge the soft-deleted Key Vaults of lab ${labId}: ${describeSdkError(error)}`);
    }
  }

  async workspace(resourceGroup: string, name: string): Promise<WorkspaceState | undefined> {
    try {
      const ws = await this.clients.databricks.workspaces.get(resourceGroup, name);
      return { provisioningState: ws.provisioningState ?? "Unknown", workspaceUrl: ws.workspaceUrl, location: ws.location };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw new OperationFailedError(`cannot read Databricks workspace ${name}: ${describeSdkError(error)}`);
    }
  }
}

function stringTags(tags: Record<string, unknown> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
