/**
 * Microsoft.KeyVault/vaults: names are global; DELETE (or the RG's) leaves a deleted vault with its
 * tags preserved, which blocks the name until purged (routes/keyvault.ts) or retention ends.
 */
import { ArmHttpError } from "../core/errors";
import type { ResourceTypeHooks } from "../core/resource-types";
import { softDeletedFrom } from "../core/state";

const DAY = 24 * 60 * 60 * 1000;

export const hooks: ResourceTypeHooks = {
  type: "Microsoft.KeyVault/vaults",
  validatePut({ core, resource, existing }) {
    if (existing) return;
    const name = resource.name.toLowerCase();
    if (core.state.deletedItems("keyVault").some((d) => d.name.toLowerCase() === name)) {
      throw new ArmHttpError(
        409,
        "ConflictError",
        "A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.",
      );
    }
    const live = core.state.allResources().find((r) => r.type.toLowerCase() === "microsoft.keyvault/vaults" && r.name.toLowerCase() === name);
    if (live) {
      throw new ArmHttpError(409, "VaultAlreadyExists", `The vault name '${resource.name}' is already in use. Vault names are globally unique so it is possible that the name is already taken.`);
    }
    if (resource.properties.enablePurgeProtection === false) {
      throw new ArmHttpError(400, "BadRequest", "The property \"enablePurgeProtection\" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.");
    }
  },
  onDeleted({ core, resource }) {
    const retentionDays = Number(resource.properties.softDeleteRetentionInDays ?? 90);
    const now = core.clock.now();
    core.state.addDeletedItem(
      softDeletedFrom(resource, "keyVault", now, { scheduledPurgeAt: now + retentionDays * DAY, purgeProtection: resource.properties.enablePurgeProtection === true }),
    );
  },
};
