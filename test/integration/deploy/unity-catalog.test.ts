import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OperationFailedError } from "../../../src/errors";
import { deployWithFailover, type DeployWithFailoverArgs } from "../../../src/deploy/failover-flow";
import { SdkLabArm } from "../../../src/deploy/lab-arm";
import { BlocklistStore } from "../../../src/regions/blocklist-store";
import { demandFromConfig } from "../../../src/regions/demand";
import { gatherSignals } from "../../../src/regions/sources/gather";
import { startDatabricksTestServer, type DatabricksTestServer, type UnityCatalogSeed } from "../../support/databricks-test-server/server";
import { trustTestCa } from "../../support/tls";
import { labInventory, startLabServer, SUB, type LabInventoryOptions, type LabServer } from "../regions/lab-inventory";
import { RecordingDeployer } from "./recording-deployer";
import { runDeployCli } from "./run-deploy-cli";

/**
 * The deploy flow on today's Azure Databricks, against the ARM test server with the recording engine in
 * place of the Pulumi CLI and a Databricks test server standing in for the new workspace's API: the lab's
 * Unity Catalog check runs once the workspace exists, and a workspace without Unity Catalog stops the
 * deploy with one line (no failover, no blocklist entry); a serverless stack gets a Serverless workspace
 * without a managed group, in a region chosen without quota.
 */
let lab: LabServer | undefined;
let dbx: DatabricksTestServer | undefined;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-unity-"));
});
afterEach(async () => {
  await Promise.all([lab?.server.stop(), dbx?.stop()]);
  lab = undefined;
  dbx = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const STACK = "unity-test";
const SUFFIX = "uc12345";
const serving = { regions: ["eastus", "eastus2", "westus2", "westeurope", "northeurope"], retrievedAt: "2026-11-23", source: "test" };

async function setup(unityCatalog: UnityCatalogSeed | null, stackConfig: Record<string, string> = {}, inventory: LabInventoryOptions = {}) {
  lab = await startLabServer(labInventory(inventory), {
    durations: { databricksCreate: 5_000, databricksDelete: 5_000, resourceGroupDelete: 5_000, managedResourceGroupRemoval: 2_000 },
  });
  dbx = await startDatabricksTestServer({ unityCatalog });
  trustTestCa(dbx.caCertPem);
  const snapshot = await gatherSignals({ clients: lab.clients, subscriptionId: SUB, modelServing: serving });
  const deployer = new RecordingDeployer(path.join(dir, "engine"), lab.ctx, SUB, 20, dbx.url);
  await deployer.ensureStack(STACK);
  await deployer.setConfig(STACK, {
    "azure-mlflow-lab:suffix": { value: SUFFIX },
    ...Object.fromEntries(Object.entries(stackConfig).map(([key, value]) => [`azure-mlflow-lab:${key}`, { value }])),
  });
  const blocklist = new BlocklistStore(path.join(dir, "state", "region-blocklist.json"));
  const progress: string[] = [];
  const compute = stackConfig.compute === "serverless" ? "serverless" : "classic";
  const args: DeployWithFailoverArgs = {
    deployer,
    stack: STACK,
    demand: { ...demandFromConfig({ compute, nodeType: "Standard_DS3_v2", nodeTypeFallbacks: ["Standard_D4ds_v5"] }), preferredRegion: "eastus" },
    selection: { snapshot, seed: "7", env: {} },
    blocklist,
    arm: new SdkLabArm(lab.clients, { pollMs: 20 }),
    subscriptionId: SUB,
    pollMs: 20,
    onProgress: (line) => progress.push(line),
  };
  return { args, deployer, blocklist, progress };
}

const workspaceId = (suffix = SUFFIX) => `/subscriptions/${SUB}/resourceGroups/msl-${suffix}/providers/Microsoft.Databricks/workspaces/databricks-${suffix}`;

describe("deploy on a Unity Catalog workspace", () => {
  it("checks the metastore and the workspace catalog once the workspace exists, then completes", async () => {
    const { args, deployer } = await setup({ metastoreId: "ms-1", catalogs: [`databricks-${SUFFIX}`, "samples"] });
    const outcome = await deployWithFailover(args);
    expect(outcome).toMatchObject({ region: "eastus", compute: "classic", attempts: [{ region: "eastus", outcome: "succeeded" }] });
    const workspace = lab!.server.resource(workspaceId())!;
    expect(workspace.properties).toMatchObject({ computeMode: "Hybrid", defaultCatalog: { initialType: "UnityCatalog", initialName: `databricks-${SUFFIX}` }, isUcEnabled: true });
    expect(dbx!.requests().map((r) => r.path)).toEqual([
      "/api/2.1/unity-catalog/current-metastore-assignment",
      `/api/2.1/unity-catalog/catalogs/databricks-${SUFFIX}`,
    ]);
    expect(deployer.calls().filter((c) => c.op === "up").map((c) => c.result)).toEqual(["ok"]);
  });

  it("stops with one line when no metastore is assigned: how to use catalogMode legacy, no failover, no blocklist entry", async () => {
    const { args, deployer, blocklist } = await setup(null);
    const failure = await deployWithFailover(args).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OperationFailedError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^Unity Catalog is not enabled in this lab's Databricks workspace \(Databricks workspace databricks-uc12345 has no Unity Catalog metastore assigned \(METASTORE_DOES_NOT_EXIST: No metastore assigned for the current workspace\.\)\)/);
    expect(message).toContain("set azure-mlflow-lab:catalogMode: legacy (with compute classic) in the stack file, and deploy again");
    expect(message).toContain(`stopped without trying other regions (anything created is in stack ${STACK}: 'mlflow-lab teardown --stack ${STACK}' removes it)`);
    expect(message).not.toContain("\n");
    // One attempt, nothing destroyed, no other region tried, nothing blocked: the region is not at fault.
    expect(deployer.calls().filter((c) => c.op === "up" || c.op === "destroy").map((c) => `${c.op}:${c.region}:${c.result}`)).toEqual(["up:eastus:failed"]);
    expect(blocklist.load()).toEqual([]);
    // The workspace it created is left for teardown, not deleted behind the user's back.
    expect(lab!.server.resource(workspaceId())?.provisioningState).toBe("Succeeded");
    expect(lab!.server.requests().some((r) => r.method === "DELETE")).toBe(false);
  });

  it("stops naming the catalogs there when config names a catalog the workspace does not have", async () => {
    const { args, blocklist } = await setup({ metastoreId: "ms-1", catalogs: ["main", "samples"] }, { catalog: "lab_data" });
    await expect(deployWithFailover(args)).rejects.toThrow(
      "catalog 'lab_data' does not exist in Databricks workspace databricks-uc12345 (catalogs there: main, samples); set config azure-mlflow-lab:catalog to one you may create schemas in; stopped without trying other regions",
    );
    expect(blocklist.load()).toEqual([]);
  });

  it("does not ask Unity Catalog anything in legacy mode", async () => {
    const { args } = await setup(null, { catalogMode: "legacy" });
    await deployWithFailover(args);
    expect(lab!.server.resource(workspaceId())!.properties).toMatchObject({ defaultCatalog: { initialType: "HiveMetastore" }, isUcEnabled: false });
    expect(dbx!.requests()).toEqual([]);
  });
});

describe("deploy a serverless lab", () => {
  it("creates a Serverless workspace without a managed group, in a region chosen without quota", async () => {
    // No vCPU quota anywhere: a classic lab would find no region.
    const usages = [{ name: "cores", currentValue: 4, limit: 4 }, { name: "standardDSv2Family", currentValue: 10, limit: 10 }, { name: "standardDDSv5Family", currentValue: 10, limit: 10 }];
    const { args, progress } = await setup({ metastoreId: "ms-1", catalogs: [`databricks-${SUFFIX}`] }, { compute: "serverless" }, { usages });
    const outcome = await deployWithFailover(args);
    expect(outcome).toMatchObject({ region: "eastus", compute: "serverless" });
    const workspace = lab!.server.resource(workspaceId())!;
    expect(workspace.properties).toMatchObject({ computeMode: "Serverless", isUcEnabled: true });
    expect(workspace.properties).not.toHaveProperty("managedResourceGroupId");
    expect(lab!.server.state().subscription(SUB).resourceGroups.has(`databricks-rg-${SUFFIX}`)).toBe(false);
    expect(progress).toContain(`deploying stack ${STACK} to eastus (serverless compute), attempt 1`);
  });
});

describe("mlflow-lab deploy without Unity Catalog (the CLI)", () => {
  it("exits 1 with one line on stderr that says so and how to use catalogMode legacy", async () => {
    lab = await startLabServer(labInventory({}), { durations: { databricksCreate: 2_000 } });
    dbx = await startDatabricksTestServer({ unityCatalog: null });
    // The CLI runs in a child process: it trusts both test servers' CAs through one PEM file.
    const caFile = path.join(dir, "test-cas.pem");
    fs.writeFileSync(caFile, `${lab.server.caCertPem}\n${dbx.caCertPem}\n`);
    const result = await runDeployCli(lab, dir, "Pulumi.uc.yaml", "config:\n  azure-mlflow-lab:owner: learner@example.com\n", ["--seed", "3"], {
      NODE_EXTRA_CA_CERTS: caFile,
      MLFLOW_LAB_RECORDING_DATABRICKS_URL: dbx.url,
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    const error = lines.filter((line) => line.startsWith("error: "));
    expect(error).toHaveLength(1);
    expect(error[0]).toMatch(/^error: Unity Catalog is not enabled in this lab's Databricks workspace .*catalogMode: legacy.*stopped without trying other regions/);
    expect(new BlocklistStore(path.join(dir, "state", "region-blocklist.json")).load()).toEqual([]);
  });
});
