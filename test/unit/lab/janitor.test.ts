import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The janitor stack under Pulumi mocks (https://www.pulumi.com/docs/iac/concepts/testing/unit/, pattern: own mocks installed in beforeAll,
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
const REGISTRY_ID = `/subscriptions/${SUB_B}/resourceGroups/shared/providers/Microsoft.ContainerRegistry/registries/myregistry`;
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

async function build(overrides: Inputs = {}, assignmentsExpected?: number) {
  registered.length = 0;
  const config = janitor.parseJanitorConfig({ allowedSubscriptions: [SUB_A, SUB_B], image: "myregistry.azurecr.io/azure-mlflow-lab:1.0", ...overrides });
  const outputs = janitor.buildJanitor(config);
  await new Promise<void>((resolve) => pulumi.all([outputs.jobName, outputs.roleDefinitionId, outputs.identityClientId]).apply(() => resolve()));
  // Role assignments wait on the identity's principal id; let them register (one per subscription).
  const expected = assignmentsExpected ?? config.allowedSubscriptions.length;
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
    expect(container.args).toEqual(["cleanup", "--yes", "--grace", "1h", "--group-wait", "20m", "--max", "100", "--json"]);
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

    // Whatever Application Insights adds to a lab group by itself goes with the group.
    expect(actions).toContain("Microsoft.AlertsManagement/smartDetectorAlertRules/delete");
    expect(actions).toContain("Microsoft.Insights/actionGroups/delete");

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

  it("passes --dry-run and --group-wait as configured, and pulls from the registry with the job's identity, which gets AcrPull there", async () => {
    const all = await build({ dryRun: true, groupWait: "45m", registryServer: "myregistry.azurecr.io", registryId: REGISTRY_ID, schedule: "0 */6 * * *" }, 3);
    const job = only(all, "azure-native:app:Job");
    expect(job.inputs.template.containers[0].args.slice(0, 5)).toEqual(["cleanup", "--dry-run", "--grace", "1h", "--group-wait"]);
    expect(job.inputs.template.containers[0].args[5]).toBe("45m");
    expect(job.inputs.configuration.registries).toEqual([{ server: "myregistry.azurecr.io", identity: expect.any(String) }]);
    expect(job.inputs.configuration.scheduleTriggerConfig.cronExpression).toBe("0 */6 * * *");
    const acrPull = all.filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.scope === REGISTRY_ID);
    expect(acrPull).toHaveLength(1);
    expect(acrPull[0].inputs).toMatchObject({
      principalId: "principal-1",
      principalType: "ServicePrincipal",
      // AcrPull, in the registry's own subscription.
      roleDefinitionId: `/subscriptions/${SUB_B}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
    });
  });

  it("gives no AcrPull without a registry (a public image)", async () => {
    const all = await build();
    expect(all.filter((r) => r.type === "azure-native:authorization:RoleAssignment").map((a) => a.inputs.scope)).not.toContain(REGISTRY_ID);
    expect(only(all, "azure-native:app:Job").inputs.configuration.registries).toBeUndefined();
  });

  it("needs the registry's id with its server (and the two must name the same registry)", () => {
    const base = { image: "x", allowedSubscriptions: [SUB_A] };
    expect(() => janitor.parseJanitorConfig({ ...base, registryServer: "myregistry.azurecr.io" })).toThrow(/^mlflow-lab-janitor:registryId: required with registryServer/);
    expect(() => janitor.parseJanitorConfig({ ...base, registryId: REGISTRY_ID })).toThrow(/^mlflow-lab-janitor:registryServer: required with registryId/);
    expect(() => janitor.parseJanitorConfig({ ...base, registryServer: "other.azurecr.io", registryId: REGISTRY_ID })).toThrow(
      /^mlflow-lab-janitor:registryServer: 'other.azurecr.io' is not the login server of registry 'myregistry'/,
    );
    expect(() => janitor.parseJanitorConfig({ ...base, registryServer: "myregistry.azurecr.io", registryId: "myregistry" })).toThrow(/^mlflow-lab-janitor:registryId: a container registry's ARM id/);
    // A registry with a domain name label scope: <name>-<hash>.azurecr.io.
    expect(janitor.parseJanitorConfig({ ...base, registryServer: "myregistry-abh4ahb7gzbha9g3.azurecr.io", registryId: REGISTRY_ID }).registryId).toBe(REGISTRY_ID);
  });

  it("refuses a group wait the job's timeout could not hold", () => {
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: [SUB_A], groupWait: "2h" })).toThrow(/^mlflow-lab-janitor:groupWait: must be shorter than timeoutSeconds \(3600 s\)/);
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: [SUB_A], groupWait: "soon" })).toThrow(/^mlflow-lab-janitor:groupWait: a duration/);
  });

  it("refuses a config without subscriptions or with a bad schedule, naming the key", () => {
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: [] })).toThrow(/^mlflow-lab-janitor:allowedSubscriptions: list at least one subscription/);
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: [SUB_A], schedule: "hourly" })).toThrow(/^mlflow-lab-janitor:schedule:/);
    expect(() => janitor.parseJanitorConfig({ image: "x", allowedSubscriptions: ["not-a-guid"] })).toThrow(/allowedSubscriptions\.0: a subscription id/);
  });
});
