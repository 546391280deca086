import type { AzureDatabricksManagementClient } from "@azure/arm-databricks";
import type { ResourceManagementClient } from "@azure/arm-resources";
import { systemClock, type Clock } from "../azure/clock";
import { OperationFailedError } from "../cli/errors";
import { LabTag, MANAGED_BY } from "../config/lab-tags";
import { registerProviders } from "../regions/sources/providers";
import { describeSdkError, statusOf } from "../azure/sdk-errors";

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
  /** Deletes a group this toolkit created (checked by its managed-by and lab-id tags). */
  deleteLabResourceGroup(name: string): Promise<void>;
  workspace(resourceGroup: string, name: string): Promise<WorkspaceState | undefined>;
}

export class SdkLabArm implements LabArm {
  constructor(
    private readonly clients: { resources: ResourceManagementClient; databricks: AzureDatabricksManagementClient },
    private readonly options: { clock?: Clock; registerTimeoutMs?: number; pollMs?: number } = {},
  ) {}

  registerProviders(namespaces: readonly string[], onProgress?: (line: string) => void): Promise<void> {
    return registerProviders(this.clients.resources, namespaces, {
      clock: this.options.clock ?? systemClock,
      timeoutMs: this.options.registerTimeoutMs,
      pollMs: this.options.pollMs,
      onProgress,
    });
  }

  async resourceGroup(name: string): Promise<ResourceGroupState> {
    try {
      const group = await this.clients.resources.resourceGroups.get(name);
      const deleting = group.properties?.provisioningState?.toLowerCase() === "deleting";
      return { state: deleting ? "deleting" : "present", location: group.location, tags: group.tags ?? {} };
    } catch (error) {
      if (statusOf(error) === 404) return { state: "absent" };
      throw new OperationFailedError(`cannot read resource group ${name}: ${describeSdkError(error)}`);
    }
  }

  async deleteLabResourceGroup(name: string): Promise<void> {
    const group = await this.resourceGroup(name);
    if (group.state === "absent") return;
    if (group.tags[LabTag.managedBy] !== MANAGED_BY || group.tags[LabTag.id] !== name) {
      throw new OperationFailedError(`resource group ${name} is not tagged as this lab's (${LabTag.managedBy}=${MANAGED_BY}, ${LabTag.id}=${name}); not deleting it, remove it by hand`);
    }
    try {
      await this.clients.resources.resourceGroups.delete(name);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw new OperationFailedError(`cannot delete resource group ${name}: ${describeSdkError(error)}`);
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
