import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The janitor stack under Pulumi mocks (pulumi.md §2.2 pattern 1: own mocks installed in beforeAll,
 * program imported afterwards): what it registers with Azure, input by input.
 */
type Inputs = Record<string, any>;
interface Registered {
  type: string;
  name: string;
  inputs: Inputs;
}

const SUB_A = "0b1f6471-1bf0-4dda-aec3-111122223333";
const SUB_B = "5c2e9a10-77aa-4f0e-9d5b-444455556666";
const registered: Registered[] = [];
let janitor: typeof import("../../../src/lab/janitor");

const NAME_INPUT: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
  "azure-native:app:ManagedEnvironment": "environmentName",
  "azure-native:app:Job": "jobName",
};

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const azureName = args.inputs[NAME_INPUT[args.type] ?? ""] ?? args.name;
        const id =
          args.type === "azure-native:authorization:RoleDefinition"
            ? `${args.inputs.scope}/providers/Microsoft.Authorization/roleDefinitions/${args.inputs.roleDefinitionId}`
            : `/subscriptions/${SUB_A}/resourceGroups/mlflow-lab-janitor/providers/x/${azureName}`;
        const extra = args.type === "azure-native:managedidentity:UserAssignedIdentity" ? { principalId: "principal-1", clientId: "client-1" } : {};
        return { id, state: { ...args.inputs, name: azureName, ...extra } };
      },
      call: () => ({}),
    },
    "azure-mlflow-lab",
    "janitor",
  );
  janitor = await import("../../../src/lab/janitor");
});

async function build(overrides: Inputs = {}) {
  registered.length = 0;
  const config = janitor.parseJanitorConfig({ allowedSubscriptions: [SUB_A, SUB_B], image: "myregistry.azurecr.io/azure-mlflow-lab:1.0", ...overrides });
  const outputs = janitor.buildJanitor(config);
  await new Promise<void>((resolve) => pulumi.all([outputs.jobName, outputs.roleDefinitionId, outputs.identityClientId]).apply(() => resolve()));
  // Role assignments wait on the identity's principal id; let them register (one per subscription).
  const expected = config.allowedSubscriptions.length;
  for (let i = 0; i < 200 && registered.filter((r) => r.type === "azure-native:authorization:RoleAssignment").length < expected; i++) {
    await new Promise((r) => setImmediate(r));
  }
  return registered.slice();
}

const only = (all: Registered[], type: string) => {
  const found = all.filter((r) => r.type === type);
  expect(found, type).toHaveLength(1);
  return found[0];
};

describe("janitor stack", () => {
  it("runs cleanup --yes on the cron schedule as a Container Apps job with the user-assigned identity", async () => {
    const all = await build();
    const job = only(all, "azure-native:app:Job");
    expect(job.inputs.configuration.triggerType).toBe("Schedule");
    expect(job.inputs.configuration.scheduleTriggerConfig).toMatchObject({ cronExpression: "17 * * * *", parallelism: 1, replicaCompletionCount: 1 });
    expect(job.inputs.configuration.replicaRetryLimit).toBe(0);
    expect(job.inputs.identity.type).toBe("UserAssigned");
    expect(job.inputs.identity.userAssignedIdentities).toHaveLength(1);
    const container = job.inputs.template.containers[0];
    expect(container.image).toBe("myregistry.azurecr.io/azure-mlflow-lab:1.0");
    expect(container.args).toEqual(["cleanup", "--yes", "--grace", "1h", "--max", "100", "--json"]);
    const env = Object.fromEntries(container.env.map((e: Inputs) => [e.name, e.value]));
    expect(env.MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS).toBe(`${SUB_A},${SUB_B}`);
    expect(env.AZURE_CLIENT_ID).toBe("client-1");
    const environment = only(all, "azure-native:app:ManagedEnvironment");
    expect(job.inputs.environmentId).toContain(environment.inputs.environmentName);
  });

  it("grants a custom role limited to reads, group deletes and purges, in each allowed subscription only", async () => {
    const all = await build();
    const role = only(all, "azure-native:authorization:RoleDefinition");
    expect(role.inputs.assignableScopes).toEqual([`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`]);
    const actions: string[] = role.inputs.permissions[0].actions;
    expect(actions).toContain("Microsoft.Resources/subscriptions/resourceGroups/delete");
    expect(actions).toContain("Microsoft.ResourceGraph/resources/read");
    expect(actions).toContain("Microsoft.Authorization/locks/read");
    expect(actions).toContain("Microsoft.KeyVault/locations/deletedVaults/purge/action");
    // Nothing that writes, nothing that changes access or locks, no blanket wildcard.
    for (const action of actions) {
      expect(action, action).toMatch(/\/(read|delete|purge\/action)$/);
      expect(action, action).not.toMatch(/^\*|Microsoft\.Authorization\/(locks|roleAssignments|roleDefinitions)\/(write|delete)/);
      expect(action.split("/")[0], action).toMatch(/^Microsoft\./);
    }
    expect(role.inputs.permissions[0].dataActions).toEqual([]);

    const assignments = all.filter((r) => r.type === "azure-native:authorization:RoleAssignment");
    expect(assignments.map((a) => a.inputs.scope).sort()).toEqual([`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`]);
    for (const a of assignments) {
      expect(a.inputs.principalId).toBe("principal-1");
      expect(a.inputs.principalType).toBe("ServicePrincipal");
      expect(a.inputs.roleDefinitionId).toContain(role.inputs.roleDefinitionId);
    }
  });

  it("keeps its own group out of cleanup's reach: do-not-delete, and no lab tags", async () => {
    const all = await build();
    const group = only(all, "azure-native:resources:ResourceGroup");
    expect(group.inputs.tags["do-not-delete"]).toBe("true");
    expect(Object.keys(group.inputs.tags)).not.toContain("managed-by");
    expect(Object.keys(group.inputs.tags)).not.toContain("lab-id");
  });

  it("passes --dry-run when configured so, and a registry pulled with the job's identity", async () => {
    const all = await build({ dryRun: true, registryServer: "myregistry.azurecr.io", schedule: "0 */6 * * *" });
    const job = only(all, "azure-native:app:Job");
    expect(job.inputs.template.containers[0].args[1]).toBe("--dry-run");
    expect(job.inputs.configuration.registries).toEqual([{ server: "myregistry.azurecr.io", identity: expect.any(String) }]);
    expect(job.inputs.configuration.scheduleTriggerConfig.cronExpression).toBe("0 */6 * * *");
  });

  it("refuses a config without subscriptions or with a bad schedule, naming the key", () => {
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: [] })).toThrow(/^mlflow-lab-janitor:allowedSubscriptions: list at least one subscription/);
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: [SUB_A], schedule: "hourly" })).toThrow(/^mlflow-lab-janitor:schedule:/);
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: ["not-a-guid"] })).toThrow(/allowedSubscriptions\.0: a subscription id/);
  });
});
