/**
 * Soft-deleted Key Vaults (spec: keyvault/.../Microsoft.KeyVault vaults: ListDeleted, GetDeleted,
 * PurgeDeleted; arm-keyvault 5.x sends 2026-02-01). Preserved tags make "purge only lab vaults" testable.
 */
import { RESOURCE_TYPE_API_VERSIONS } from "../core/api-versions";
import { ArmHttpError } from "../core/errors";
import { paginate } from "../core/paging";
import type { RouteContext, RouteDef } from "../core/router";
import { ok } from "../core/route-helpers";
import type { DeletedItemState } from "../core/state";

const VERSIONS = RESOURCE_TYPE_API_VERSIONS["microsoft.keyvault/vaults"];

export function deletedVaultBody(d: DeletedItemState): Record<string, unknown> {
  return {
    id: `/subscriptions/${d.subscriptionId}/providers/Microsoft.KeyVault/locations/${d.location}/deletedVaults/${d.name}`,
    name: d.name,
    type: "Microsoft.KeyVault/deletedVaults",
    properties: {
      vaultId: d.originalId,
      location: d.location,
      deletionDate: new Date(d.deletedAt).toISOString(),
      scheduledPurgeDate: new Date(d.scheduledPurgeAt).toISOString(),
      tags: { ...d.tags },
      purgeProtectionEnabled: d.purgeProtection,
    },
  };
}

function findDeleted(ctx: RouteContext): DeletedItemState {
  const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
  const d = sub.deleted.find(
    (x) => x.kind === "keyVault" && x.name.toLowerCase() === ctx.params.vaultName.toLowerCase() && x.location === ctx.params.location.toLowerCase(),
  );
  if (!d) throw new ArmHttpError(404, "DeletedVaultNotFound", `The specified deleted vault '${ctx.params.vaultName}' does not exist.`);
  return d;
}

export const routes: RouteDef[] = [
  {
    name: "keyVault.listDeleted",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/deletedVaults",
    apiVersions: VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      return paginate(ctx, sub.deleted.filter((d) => d.kind === "keyVault").map(deletedVaultBody));
    },
  },
  {
    name: "keyVault.getDeleted",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{vaultName}",
    apiVersions: VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => ok(deletedVaultBody(findDeleted(ctx))),
  },
  {
    name: "keyVault.purgeDeleted",
    methods: ["POST"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{vaultName}/purge",
    apiVersions: VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      ctx.core.state.writableSubscription(ctx.params.subscriptionId);
      const d = findDeleted(ctx);
      if (d.purgeProtection) {
        throw new ArmHttpError(
          409,
          "Conflict",
          `Operation 'DeletedVaultPurge' is not allowed: vault '${d.name}' has purge protection enabled and can only be purged after its scheduled purge date '${new Date(d.scheduledPurgeAt).toISOString()}'.`,
        );
      }
      d.purging = true;
      const op = ctx.core.lro.start({
        subscriptionId: d.subscriptionId,
        namespace: "Microsoft.KeyVault",
        location: d.location,
        apiVersion: ctx.apiVersion,
        durationMs: ctx.core.duration("purge"),
        kind: "keyVault.purge",
        asyncOperationHeader: false,
        complete: () => ctx.core.state.removeDeletedItem(d),
      });
      return { status: 202, headers: ctx.core.lro.initialHeaders(op) };
    },
  },
];
