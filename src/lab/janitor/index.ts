/**
 * The janitor: `mlflow-lab cleanup` on a schedule as an Azure Container Apps job, running as a
 * user-assigned managed identity whose custom role can read and delete lab groups (see role.ts) in the
 * allowed subscriptions and nothing else. The janitor's own group is tagged do-not-delete and carries
 * no lab tags, so cleanup can never select it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as resources from "@pulumi/azure-native/resources";
import { DO_NOT_DELETE_TAGS } from "../../config/lab-tags";
import { BuiltInRole, roleDefinitionId } from "../roles";
import { JANITOR_NAMESPACE, parseJanitorConfig, parseRegistryId, type JanitorConfig } from "./config";
import { JANITOR_ROLE_ACTIONS, roleDefinitionGuid } from "./role";

export { JANITOR_ROLE_ACTIONS } from "./role";
export { parseJanitorConfig, JANITOR_NAMESPACE, type JanitorConfig } from "./config";

export interface JanitorOutputs {
  resourceGroupName: pulumi.Output<string>;
  jobName: pulumi.Output<string>;
  identityClientId: pulumi.Output<string>;
  roleDefinitionId: pulumi.Output<string>;
  schedule: string;
}

/** The cleanup command line the job runs (`mlflow-lab` is the image's entry point). */
export function janitorArgs(config: JanitorConfig): string[] {
  return ["cleanup", config.dryRun ? "--dry-run" : "--yes", "--grace", config.grace, "--group-wait", config.groupWait, "--max", String(config.max), "--json"];
}

/** Reads and validates the janitor stack's config (namespace `mlflow-lab-janitor:`). */
export function readJanitorConfig(): JanitorConfig {
  const raw: Record<string, unknown> = {};
  const prefix = `${JANITOR_NAMESPACE}:`;
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(prefix)) continue;
    // Stack config values arrive as strings; lists, numbers and booleans are written as JSON or YAML.
    let parsed: unknown = value;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
    raw[key.slice(prefix.length)] = parsed;
  }
  return parseJanitorConfig(raw);
}

/** Whether a stack's config keys (with their namespaces) make it the janitor rather than a lab. */
export function isJanitorConfig(keys: Iterable<string>): boolean {
  return [...keys].some((key) => key.startsWith(`${JANITOR_NAMESPACE}:`));
}

export function buildJanitor(config: JanitorConfig): JanitorOutputs {
  // Protected by cleanup's own rule (a do-not-delete tag keeps a group whatever else it says).
  const tags = { purpose: "mlflow-lab-janitor", [DO_NOT_DELETE_TAGS[0]]: "true" };
  const group = new resources.ResourceGroup("janitor", { resourceGroupName: config.resourceGroupName, location: config.location, tags });

  const identity = new managedidentity.UserAssignedIdentity("janitor", {
    resourceGroupName: group.name,
    resourceName: "id-mlflow-lab-janitor",
    location: config.location,
    tags,
  });

  const scopes = config.allowedSubscriptions.map((id) => `/subscriptions/${id}`);
  const roleGuid = roleDefinitionGuid(`${pulumi.getProject()}/${pulumi.getStack()}/janitor-role`);
  const role = new authorization.RoleDefinition("janitor", {
    roleDefinitionId: roleGuid,
    roleName: `mlflow-lab janitor (${pulumi.getStack()})`,
    description: "Reads resources, locks and tags, queries Resource Graph, deletes expired mlflow-lab resource groups and purges their soft-deleted items. Used by the mlflow-lab cleanup job.",
    roleType: "CustomRole",
    scope: scopes[0],
    assignableScopes: scopes,
    permissions: [{ actions: [...JANITOR_ROLE_ACTIONS], notActions: [], dataActions: [], notDataActions: [] }],
  });

  config.allowedSubscriptions.forEach((subscriptionId, i) => {
    new authorization.RoleAssignment(`janitor-${i}`, {
      principalId: identity.principalId,
      // A new identity may not have replicated yet; the principal type lets ARM accept it anyway.
      principalType: "ServicePrincipal",
      roleDefinitionId: role.id,
      scope: `/subscriptions/${subscriptionId}`,
    });
  });

  // The job pulls its image with its own identity: AcrPull on that registry only (the registry may be in
  // another group or subscription, hence its full id in the config).
  const acrPull = config.registryId
    ? new authorization.RoleAssignment("janitor-acr-pull", {
        principalId: identity.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: roleDefinitionId(parseRegistryId(config.registryId).subscriptionId, BuiltInRole.acrPull),
        scope: config.registryId,
      })
    : undefined;

  const environment = new app.ManagedEnvironment("janitor", {
    resourceGroupName: group.name,
    environmentName: "cae-mlflow-lab-janitor",
    location: config.location,
    tags,
  });

  const job = new app.Job("janitor", {
    resourceGroupName: group.name,
    jobName: "mlflow-lab-cleanup",
    location: config.location,
    environmentId: environment.id,
    identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
    configuration: {
      triggerType: "Schedule",
      scheduleTriggerConfig: { cronExpression: config.schedule, parallelism: 1, replicaCompletionCount: 1 },
      replicaTimeout: config.timeoutSeconds,
      // A failed run is not retried at once: the next scheduled run re-reads everything and converges.
      replicaRetryLimit: 0,
      ...(config.registryServer ? { registries: [{ server: config.registryServer, identity: identity.id }] } : {}),
    },
    template: {
      containers: [
        {
          name: "cleanup",
          image: config.image,
          args: janitorArgs(config),
          env: [
            { name: "MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS", value: config.allowedSubscriptions.join(",") },
            // DefaultAzureCredential picks the user-assigned identity by its client id.
            { name: "AZURE_CLIENT_ID", value: identity.clientId },
            { name: "MLFLOW_LAB_STATE_DIR", value: "/tmp/mlflow-lab" },
          ],
          resources: { cpu: config.cpu, memory: config.memory },
        },
      ],
    },
    tags,
  }, { dependsOn: acrPull ? [acrPull] : [] });

  return {
    resourceGroupName: group.name,
    jobName: job.name,
    identityClientId: identity.clientId,
    roleDefinitionId: role.id,
    schedule: config.schedule,
  };
}
