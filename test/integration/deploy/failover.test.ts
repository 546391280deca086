import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deployWithFailover, type DeployWithFailoverArgs } from "../../../src/deploy/failover-flow";
import { SdkLabArm } from "../../../src/deploy/lab-arm";
import { labNames } from "../../../src/lab/naming";
import { BlocklistStore } from "../../../src/regions/blocklist-store";
import { demandFromConfig } from "../../../src/regions/demand";
import { gatherSignals } from "../../../src/regions/sources/gather";
import { labInventory, startLabServer, SUB, type LabInventoryOptions, type LabServer } from "../regions/lab-inventory";
import { RecordingDeployer } from "./recording-deployer";

/**
 * The deploy flow against the ARM test server: real SDK clients for signals and checks, the recording
 * deployer (acting on the server like the engine) in place of the Pulumi CLI.
 */
let lab: LabServer | undefined;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-failover-"));
});
afterEach(async () => {
  await lab?.server.stop();
  lab = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const STACK = "failover-test";
const serving = { regions: ["eastus", "eastus2", "westus2", "westeurope", "northeurope"], retrievedAt: "2026-11-23", source: "test" };

async function setup(options: LabInventoryOptions, preferredRegion = "eastus", durations: Record<string, number> = {}) {
  lab = await startLabServer(labInventory(options), {
    durations: { databricksCreate: 20_000, databricksDelete: 10_000, resourceGroupDelete: 10_000, managedResourceGroupRemoval: 5_000, ...durations },
  });
  const snapshot = await gatherSignals({ clients: lab.clients, subscriptionId: SUB, modelServing: serving });
  const deployer = new RecordingDeployer(path.join(dir, "engine"), lab.ctx, SUB, 20);
  const blocklist = new BlocklistStore(path.join(dir, "state", "region-blocklist.json"));
  const progress: string[] = [];
  const args: DeployWithFailoverArgs = {
    deployer,
    stack: STACK,
    demand: { ...demandFromConfig({ nodeType: "Standard_DS3_v2", nodeTypeFallbacks: ["Standard_D4ds_v5"] }), preferredRegion },
    selection: { snapshot, seed: "7", env: {} },
    blocklist,
    arm: new SdkLabArm(lab.clients, { pollMs: 20 }),
    subscriptionId: SUB,
    pollMs: 20,
    onProgress: (line) => progress.push(line),
  };
  return { args, deployer, blocklist, progress };
}

const quotaFailure = (location: string, extra: Record<string, unknown> = {}) => ({
  subscription: { createFailures: [{ resourceType: "Microsoft.Databricks/workspaces", location, code: "QuotaExceeded", family: "standardDSv2Family", mode: "lro" as const, count: 1, ...extra }] },
});

describe("deploy with failover", () => {
  it("deploys in the preferred region, waits for Succeeded and reports URL, region, expiry and teardown", async () => {
    const { args, deployer } = await setup({});
    const outcome = await deployWithFailover(args);
    expect(outcome).toMatchObject({ stack: STACK, region: "eastus", nodeType: "Standard_DS3_v2", resumed: false, teardownCommand: `mlflow-lab teardown --stack ${STACK}` });
    expect(outcome.suffix).toMatch(/^[0-9a-z]{7}$/);
    expect(outcome.workspaceUrl).toMatch(/^https:\/\/adb-\d+\.\d+\.azuredatabricks\.net$/);
    expect(Date.parse(outcome.expiresAt!)).toBeGreaterThan(Date.now());
    const ws = lab!.server.resource(`/subscriptions/${SUB}/resourceGroups/msl-${outcome.suffix}/providers/Microsoft.Databricks/workspaces/databricks-${outcome.suffix}`);
    expect(ws?.provisioningState).toBe("Succeeded");
    const setConfig = deployer.calls().filter((c) => c.op === "setConfig").map((c) => c.config);
    expect(setConfig).toContainEqual({ "azure-mlflow-lab:suffix": outcome.suffix });
    expect(setConfig).toContainEqual({ "azure-mlflow-lab:region": "eastus", "azure-mlflow-lab:nodeType": "Standard_DS3_v2", "azure-native:subscriptionId": SUB });
  });

  it("a quota failure in the first region is blocked, its group deleted (verified on the server), and the next region succeeds", async () => {
    const { args, deployer, blocklist, progress } = await setup(quotaFailure("eastus"));
    const outcome = await deployWithFailover(args);
    expect(outcome.region).not.toBe("eastus");
    expect(outcome.attempts.map((a) => [a.region, a.outcome, a.code])).toEqual([
      ["eastus", "failover", "QuotaExceeded"],
      [outcome.region, "succeeded", undefined],
    ]);
    // The failed attempt was destroyed before the second up, and the server no longer has its group.
    const ops = deployer.calls().filter((c) => c.op === "up" || c.op === "destroy").map((c) => `${c.op}:${c.region}:${c.result}`);
    expect(ops).toEqual(["up:eastus:failed", "destroy:eastus:ok", `up:${outcome.region}:ok`]);
    const groups = lab!.server.state().subscription(SUB).resourceGroups;
    expect([...groups.values()].filter((g) => g.name === `msl-${outcome.suffix}`).map((g) => g.location)).toEqual([outcome.region]);
    expect(progress).toContain(`resource group msl-${outcome.suffix} is gone`);
    // The block persists for the next run.
    expect(blocklist.load().map((e) => [e.region, e.family, e.code])).toEqual([["eastus", "standardDSv2Family", "QuotaExceeded"]]);
  });

  it("with Azure ML on, the failed attempt's Key Vault, Azure ML and Log Analytics names are freed before the next region reuses them", async () => {
    const otherLabVault = { kind: "keyVault" as const, name: "kv-msl-other01", resourceGroup: "msl-other01", location: "eastus", tags: { "managed-by": "azure-mlflow-lab", "lab-id": "msl-other01" } };
    const failing = quotaFailure("eastus");
    const { args, deployer, progress } = await setup({ subscription: { ...failing.subscription, deletedItems: [otherLabVault] } });
    await deployer.ensureStack(STACK);
    await deployer.setConfig(STACK, { "azure-mlflow-lab:azureMl": { value: "true" } });
    const outcome = await deployWithFailover(args);

    // The second attempt created the same names in the new region instead of failing on soft-deleted ones.
    expect(outcome.region).not.toBe("eastus");
    expect(outcome.attempts.map((a) => [a.region, a.outcome, a.code])).toEqual([
      ["eastus", "failover", "QuotaExceeded"],
      [outcome.region, "succeeded", undefined],
    ]);
    expect(deployer.calls().filter((c) => c.op === "up").map((c) => `${c.region}:${c.result}`)).toEqual(["eastus:failed", `${outcome.region}:ok`]);
    const names = labNames(outcome.suffix);
    const providers = `/subscriptions/${SUB}/resourceGroups/${names.resourceGroup}/providers`;
    for (const id of [
      `${providers}/Microsoft.KeyVault/vaults/${names.keyVault}`,
      `${providers}/Microsoft.MachineLearningServices/workspaces/${names.mlWorkspace}`,
      `${providers}/Microsoft.OperationalInsights/workspaces/${names.logAnalytics}`,
    ]) {
      expect(lab!.server.resource(id)?.location).toBe(outcome.region);
    }

    // Soft delete holds nothing of this lab; another lab's deleted vault is left alone.
    expect(lab!.server.deletedItems().map((d) => d.name)).toEqual(["kv-msl-other01"]);

    // The workspaces were deleted for good while their group still existed; the vault was purged after
    // the group was gone and before the next attempt.
    const requests = lab!.server.requests();
    const at = (test: (r: (typeof requests)[number]) => boolean) => requests.findIndex(test);
    const groupDelete = at((r) => r.method === "DELETE" && new RegExp(`/resourcegroups/${names.resourceGroup}$`, "i").test(r.path));
    const mlDelete = at((r) => r.method === "DELETE" && r.path.endsWith(`/workspaces/${names.mlWorkspace}`));
    const logDelete = at((r) => r.method === "DELETE" && r.path.endsWith(`/workspaces/${names.logAnalytics}`));
    const vaultPurge = at((r) => r.method === "POST" && r.path.endsWith(`/deletedVaults/${names.keyVault}/purge`));
    const secondVaultPut = requests.map((r, i) => ({ r, i })).filter(({ r }) => r.method === "PUT" && r.path.endsWith(`/vaults/${names.keyVault}`))[1]?.i;
    expect(requests[mlDelete]?.query.forceToPurge).toBe("true");
    expect(requests[logDelete]?.query.force).toBe("true");
    expect(mlDelete).toBeLessThan(groupDelete);
    expect(logDelete).toBeLessThan(groupDelete);
    expect(vaultPurge).toBeGreaterThan(groupDelete);
    expect(vaultPurge).toBeLessThan(secondVaultPut!);
    expect(requests.some((r) => r.method === "POST" && r.path.endsWith("/deletedVaults/kv-msl-other01/purge"))).toBe(false);
    expect(progress).toContain(`Key Vault ${names.keyVault}: purged (done)`);
    expect(progress).toContain(`Azure ML workspace ${names.mlWorkspace}: deleted (deleted permanently (no soft delete))`);
  });

  it("with an Azure ML online endpoint, the failed attempt's endpoint goes before its workspace, and the next region succeeds", async () => {
    const { args, deployer, progress } = await setup(quotaFailure("eastus"));
    await deployer.ensureStack(STACK);
    await deployer.setConfig(STACK, {
      "azure-mlflow-lab:azureMl": { value: "true" },
      "azure-mlflow-lab:endpoints": { value: JSON.stringify([{ name: "predict", kind: "managed", model: "penguins:1", size: "small" }]) },
    });
    const outcome = await deployWithFailover(args);

    expect(outcome.attempts.map((a) => [a.region, a.outcome, a.code])).toEqual([
      ["eastus", "failover", "QuotaExceeded"],
      [outcome.region, "succeeded", undefined],
    ]);
    const names = labNames(outcome.suffix);
    const mlId = `/subscriptions/${SUB}/resourceGroups/${names.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${names.mlWorkspace}`;
    expect(lab!.server.resource(`${mlId}/onlineEndpoints/predict-${outcome.suffix}`)?.location).toBe(outcome.region);
    expect(lab!.server.resource(mlId)?.location).toBe(outcome.region);
    expect(lab!.server.deletedItems()).toEqual([]);

    // The endpoint was deleted before the workspace's permanent delete, which ARM then accepted.
    const requests = lab!.server.requests();
    const endpointDelete = requests.findIndex((r) => r.method === "DELETE" && r.path.endsWith(`/workspaces/${names.mlWorkspace}/onlineEndpoints/predict-${outcome.suffix}`));
    const mlDeletes = requests.filter((r) => r.method === "DELETE" && r.path.endsWith(`/workspaces/${names.mlWorkspace}`));
    expect(endpointDelete).toBeGreaterThanOrEqual(0);
    expect(mlDeletes.map((r) => r.query.forceToPurge)).toEqual(["true"]);
    expect(endpointDelete).toBeLessThan(requests.indexOf(mlDeletes[0]!));
    expect(progress).toContain(`Azure ML online endpoint ${names.mlWorkspace}/predict-${outcome.suffix}: deleted (serving endpoint deleted)`);
    expect(progress).toContain(`Azure ML workspace ${names.mlWorkspace}: deleted (deleted permanently (no soft delete))`);
  });

  it("with Azure ML on, stops instead of trying another region when this lab's vault cannot be purged", async () => {
    const { args, deployer } = await setup(quotaFailure("eastus"));
    await deployer.ensureStack(STACK);
    await deployer.setConfig(STACK, { "azure-mlflow-lab:azureMl": { value: "true" } });
    lab!.server.injectFault({ kind: "status", status: 403, code: "AuthorizationFailed", message: "no purge permission", match: { method: "POST", path: "/purge" } });
    await expect(deployWithFailover(args)).rejects.toThrow(/failed attempt in eastus is removed, but soft delete still holds Key Vault kv-msl-[0-9a-z]{7} \(no purge permission\); not trying another region/);
    expect(deployer.calls().filter((c) => c.op === "up")).toHaveLength(1);
  });

  it("a run that stopped before purging its vault is recovered: the next run purges this lab's deleted vault before creating it again", async () => {
    const names = labNames("crash01");
    const ownVault = { kind: "keyVault" as const, name: names.keyVault, resourceGroup: names.resourceGroup, location: "eastus", tags: { "managed-by": "azure-mlflow-lab", "lab-id": names.labId } };
    const otherLabVault = { kind: "keyVault" as const, name: "kv-msl-other01", resourceGroup: "msl-other01", location: "eastus", tags: { "managed-by": "azure-mlflow-lab", "lab-id": "msl-other01" } };
    const { args, deployer, progress } = await setup({ subscription: { deletedItems: [ownVault, otherLabVault] } });
    await deployer.ensureStack(STACK);
    await deployer.setConfig(STACK, { "azure-mlflow-lab:suffix": { value: "crash01" }, "azure-mlflow-lab:azureMl": { value: "true" } });

    const outcome = await deployWithFailover(args);

    expect(outcome).toMatchObject({ suffix: "crash01", region: "eastus", resumed: false });
    expect(lab!.server.deletedItems().map((d) => d.name)).toEqual(["kv-msl-other01"]);
    expect(lab!.server.resource(`/subscriptions/${SUB}/resourceGroups/${names.resourceGroup}/providers/Microsoft.KeyVault/vaults/${names.keyVault}`)?.location).toBe("eastus");
    const requests = lab!.server.requests();
    const purge = requests.findIndex((r) => r.method === "POST" && r.path.endsWith(`/deletedVaults/${names.keyVault}/purge`));
    const vaultPut = requests.findIndex((r) => r.method === "PUT" && r.path.endsWith(`/vaults/${names.keyVault}`));
    expect(purge).toBeGreaterThanOrEqual(0);
    expect(purge).toBeLessThan(vaultPut);
    expect(progress).toContain(`Key Vault ${names.keyVault}: purged (done)`);
  });

  it("a first run, or a stack without Azure ML, does not list deleted vaults at all", async () => {
    const { args } = await setup({});
    await deployWithFailover(args);
    expect(lab!.server.requests().some((r) => r.path.toLowerCase().includes("/deletedvaults"))).toBe(false);
  });

  it("re-running the same stack resumes in place: same suffix, same region, no second lab", async () => {
    const { args, deployer } = await setup({});
    const first = await deployWithFailover(args);
    const second = await deployWithFailover({ ...args, demand: { ...args.demand, preferredRegion: "westus2" } });
    expect(second).toMatchObject({ suffix: first.suffix, region: first.region, resumed: true });
    const groups = [...lab!.server.state().subscription(SUB).resourceGroups.values()].filter((g) => g.name.startsWith("msl-"));
    expect(groups.map((g) => g.name)).toEqual([`msl-${first.suffix}`]);
    expect(deployer.calls().filter((c) => c.op === "setConfig" && c.config?.["azure-mlflow-lab:suffix"])).toHaveLength(1);
  });

  it("a provider that is not registered is registered (and waited for) before anything is created", async () => {
    const { args, progress } = await setup({ databricksState: "NotRegistered" });
    const outcome = await deployWithFailover(args);
    expect(outcome.region).toBe("eastus");
    expect(progress).toContain("provider Microsoft.Databricks registered");
    expect(lab!.server.requests().some((r) => r.method === "POST" && /Microsoft.Databricks\/register$/.test(r.path))).toBe(true);
  });

  it("a policy refusal stops at once, without trying other regions", async () => {
    const { args, deployer } = await setup({});
    // The signals were read before an admin added the policy: the create is refused.
    lab!.server.state().subscription(SUB).policyAssignments.push({
      name: "sys.regionrestriction",
      policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
      enforcementMode: "Default",
      parameters: { listOfAllowedLocations: { value: ["westeurope"] } },
    } as never);
    await expect(deployWithFailover(args)).rejects.toThrow(/blocked by Azure Policy .*stopped without trying other regions/);
    expect(deployer.calls().filter((c) => c.op === "up")).toHaveLength(1);
  });

  it("a workspace that ends Failed for a Databricks account limit is never reported as completed", async () => {
    const { args } = await setup(quotaFailure("eastus", { code: "InternalServerError", message: "QUOTA_EXCEEDED: Cannot have more than 10000 users and service principals in one account" }));
    await expect(deployWithFailover(args)).rejects.toThrow(/Databricks account of this Azure AD tenant is full/);
  });

  it("stops after two unrecognised failures instead of burning every region", async () => {
    const { args } = await setup({ subscription: { createFailures: [{ resourceType: "Microsoft.Databricks/workspaces", code: "WeirdNewError", message: "something new", mode: "lro" }] } });
    await expect(deployWithFailover(args)).rejects.toThrow(/2 attempts failed with errors the toolkit does not recognise/);
    const groups = [...lab!.server.state().subscription(SUB).resourceGroups.values()].filter((g) => g.name.startsWith("msl-") && g.provisioningState !== "Deleting");
    expect(groups).toEqual([]);
  });

  it("a create refused with MissingSubscriptionRegistration registers the provider and retries in the same region", async () => {
    const { args, deployer, progress } = await setup({});
    // Registered when the signals were read, unregistered since (an admin, or a new subscription's lag).
    lab!.server.state().subscription(SUB).providers.get("microsoft.databricks")!.registrationState = "NotRegistered";
    const outcome = await deployWithFailover(args);
    expect(outcome.region).toBe("eastus");
    expect(outcome.attempts.map((a) => [a.region, a.outcome, a.code])).toEqual([
      ["eastus", "register", "MissingSubscriptionRegistration"],
      ["eastus", "succeeded", undefined],
    ]);
    expect(progress).toContain("provider Microsoft.Databricks registered");
    expect(deployer.calls().filter((c) => c.op === "destroy")).toEqual([]);
  });

  it("throttling at create is waited out in the same region, never a failover", async () => {
    const { args, blocklist } = await setup({});
    lab!.server.injectFault({ kind: "status", status: 429, code: "SubscriptionRequestsThrottled", message: "Number of 'write' requests for subscription exceeded.", match: { method: "PUT", path: "Microsoft.Databricks/workspaces" }, count: 1 });
    const sleeps: number[] = [];
    const clock = { now: () => Date.now(), sleep: async (ms: number) => { sleeps.push(ms); await new Promise((r) => setTimeout(r, Math.min(ms, 20))); } };
    const outcome = await deployWithFailover({ ...args, clock });
    expect(outcome.attempts.map((a) => [a.region, a.outcome])).toEqual([["eastus", "retry"], ["eastus", "succeeded"]]);
    expect(sleeps).toContain(30_000);
    expect(blocklist.load()).toEqual([]);
  });

  it("surfaces engine errors that are not deployment failures unchanged", async () => {
    const { args, deployer, blocklist } = await setup({});
    const broken = Object.assign(Object.create(Object.getPrototypeOf(args.deployer)), args.deployer, { up: async () => { throw new TypeError("bug"); } });
    await expect(deployWithFailover({ ...args, deployer: broken })).rejects.toThrow(TypeError);
    // Not taken for a failed attempt: no failover, so nothing blocked and nothing destroyed or deleted.
    expect(blocklist.load()).toEqual([]);
    expect(deployer.calls().filter((c) => c.op === "destroy")).toEqual([]);
    expect(lab!.server.requests().filter((r) => r.method === "DELETE")).toEqual([]);
  });

  it("a group the engine leaves behind is waited for at most resourceGroupTimeoutMs in all, also while deleting it over ARM", async () => {
    // The group's delete takes far longer (about 5 s here) than the flow may wait for it.
    const { args, deployer } = await setup(quotaFailure("eastus"), "eastus", { resourceGroupDelete: 5_000_000 });
    const keepsGroup = Object.assign(Object.create(Object.getPrototypeOf(deployer)), deployer, { destroy: async () => undefined });
    const started = Date.now();
    await expect(deployWithFailover({ ...args, deployer: keepsGroup, resourceGroupTimeoutMs: 300 })).rejects.toThrow(
      /resource group msl-[0-9a-z]{7} still exists after destroying the attempt in eastus; not trying another region/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    // Deleted over ARM once, by its tags; that delete is still running when the flow gives up.
    expect(lab!.server.requests().filter((r) => r.method === "DELETE" && /\/resourcegroups\/msl-[0-9a-z]{7}$/i.test(r.path))).toHaveLength(1);
    expect(deployer.calls().filter((c) => c.op === "up")).toHaveLength(1);
  });
});

describe("the lab's resource group over ARM", () => {
  it("deletes a group the engine left behind only when its own tags name this lab, and verifies it is gone", async () => {
    const lab1 = { "lab-id": "msl-left001", "managed-by": "azure-mlflow-lab" };
    lab = await startLabServer(
      labInventory({
        subscription: {
          resourceGroups: [
            { name: "msl-left001", location: "eastus", tags: lab1 },
            { name: "msl-other01", location: "eastus", tags: { "lab-id": "msl-someone", "managed-by": "azure-mlflow-lab" } },
            { name: "msl-keep001", location: "eastus", tags: { "lab-id": "msl-keep001", "managed-by": "azure-mlflow-lab" }, locks: [{ name: "hold", level: "CanNotDelete" }] },
          ],
        },
      }),
    );
    const arm = new SdkLabArm(lab.clients, { pollMs: 20 });
    expect(await arm.resourceGroup("msl-left001")).toEqual({ state: "present", location: "eastus", tags: lab1 });
    await arm.deleteLabResourceGroup("msl-left001");
    expect(await arm.resourceGroup("msl-left001")).toEqual({ state: "absent" });
    await expect(arm.deleteLabResourceGroup("msl-other01")).rejects.toThrow(/msl-other01 may not be deleted .*belongs to another lab/);
    await expect(arm.deleteLabResourceGroup("msl-keep001")).rejects.toThrow(/locked \(CanNotDelete 'hold' on the group\)/);
    expect(lab.server.resourceGroup(SUB, "msl-other01")).toBeDefined();
    expect(lab.server.resourceGroup(SUB, "msl-keep001")).toBeDefined();
    expect(lab.server.requests().filter((r) => r.method === "DELETE").map((r) => r.path)).toEqual([expect.stringMatching(/msl-left001$/)]);
  });
});
