/**
 * Per-type behaviour plugged into the generic resource routes (routes/resources.ts): how long a
 * create or delete runs, what it refuses, and what it leaves behind (managed resource groups,
 * soft-deleted records). One file per type under ../resource-types/.
 */
import type { ArmErrorBody } from "./errors";
import type { RouteContext, RouteResult } from "./router";
import type { ServerCore } from "./server-core";
import type { ResourceGroupState, ResourceState, SubscriptionState } from "./state";

export interface PutContext {
  core: ServerCore;
  route: RouteContext;
  sub: SubscriptionState;
  rg: ResourceGroupState;
  /** The resource before this PUT, if any. */
  existing?: ResourceState;
  /** The resource as it will be stored (hooks may adjust it). */
  resource: ResourceState;
}

export interface DeleteContext {
  core: ServerCore;
  /** Absent when the delete is a cascade from the resource group. */
  route?: RouteContext;
  resource: ResourceState;
  cascade: boolean;
}

export interface ResourceTypeHooks {
  /** Full type, any case: "Microsoft.Databricks/workspaces". */
  type: string;
  /** provisioningState while a create runs (default "Accepted"). */
  creatingState?: string;
  /** Throw an ArmHttpError to refuse the PUT. */
  validatePut?(ctx: PutContext): void;
  /** Simulated ms a create takes; 0 answers synchronously. */
  createDurationMs?(ctx: PutContext): number;
  /** The PUT was accepted (runs before the operation finishes). */
  onAccepted?(ctx: PutContext): void;
  /** Provisioning finished; an error fails it. */
  onProvisioned?(core: ServerCore, resource: ResourceState): ArmErrorBody | void;
  onFailed?(core: ServerCore, resource: ResourceState, error: ArmErrorBody): void;
  /** Throw an ArmHttpError to refuse the DELETE (e.g. nested resources exist). */
  validateDelete?(ctx: DeleteContext): void;
  deleteDurationMs?(ctx: DeleteContext): number;
  /** The resource is gone: leave soft-deleted records, schedule managed-RG removal... */
  onDeleted?(ctx: DeleteContext): void;
  /** DELETE of a resource that does not exist (e.g. purge of a soft-deleted one). */
  deleteMissing?(route: RouteContext, ids: { sub: SubscriptionState; resourceGroup: string; type: string; name: string; id: string }): RouteResult | undefined;
  /** How the resource appears in GET bodies (e.g. Databricks reports its location as a display name). */
  present?(core: ServerCore, resource: ResourceState, body: Record<string, unknown>): Record<string, unknown>;
}
