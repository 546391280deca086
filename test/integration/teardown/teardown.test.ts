/**
 * `teardown` of one lab against the ARM test server and a fake Databricks workspace API, with a
 * recording Deployer whose destroy deletes the lab's group the way `pulumi destroy` would.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDefaultHttpClient, createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ArmClient } from "../../../src/azure/arm-client";
import { systemClock } from "../../../src/azure/clock";
import { StaticTokenCredential } from "../../../src/azure/credentials";
import { DatabricksServingClient } from "../../../src/removal/serving-endpoints";
import { fileJournalStore, runTeardown, TeardownRefusedError, type TeardownTarget } from "../../../src/deploy/teardown";
import { StackNotFoundError, type Deployer, type StackConfig, type StackOutputs } from "../../../src/deploy/deployer";
import { PulumiDeployer } from "../../../src/deploy/pulumi-deployer";
import { runTeardownCommand } from "../../../src/cli/commands/teardown";
import { resolveTeardownTarget } from "../../../src/deploy/teardown-target";
import { PROJECT_NAME } from "../../../src/config/lab-config";
import { deriveSuffix } from "../../../src/config/suffix";
import { labNames } from "../../../src/lab/naming";
import { fakeStackOpener } from "../../support/fake-stack-opener";
import type { ArmTestServer, InventoryInput } from "../../support/arm-test-server";
import { startDatabricksTestServer, type DatabricksTestServer } from "../../support/databricks-test-server/server";
import { trustTestCa } from "../../support/tls";
import { LOCATIONS, startServer } from "../cleanup/helpers";

const SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
const LAB = "msl-tdn0001";
const MANAGED = "databricks-rg-tdn0001";
const WS_URL = "adb-1234567890123456.7.azuredatabricks.net";
const labTags = (labId = LAB) => ({ "managed-by": "azure-mlflow-lab", "lab-id": labId, "lab-expires-at": "2030-01-01T00:00:00Z" });
const mlId = `/subscriptions/${SUB}/resourceGroups/${LAB}/providers/Microsoft.MachineLearningServices/workspaces/mlw-${LAB}`;

function inventory(groupTags: Record<string, string> = labTags(), locks: Array<{ name: string; level: "CanNotDelete" }> = []): InventoryInput {
  return {
    locations: LOCATIONS,
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: "labs",
        resourceGroups: [
          {
            name: LAB,
            location: "eastus",
            tags: groupTags,
            locks,
            resources: [
              {
                type: "Microsoft.Databricks/workspaces",
                name: `databricks-${LAB}`,
                tags: labTags(),
                properties: { managedResourceGroupId: `/subscriptions/${SUB}/resourceGroups/${MANAGED}`, workspaceUrl: WS_URL, workspaceId: "1234567890123456" },
              },
              { type: "Microsoft.MachineLearningServices/workspaces", name: `mlw-${LAB}`, tags: labTags() },
              { type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", name: `mlw-${LAB}/predict-penguin`, tags: labTags() },
              // Made by the learner in Azure ML studio: Pulumi never knew about it.
              { type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", name: `mlw-${LAB}/my-studio-endpoint` },
              { type: "Microsoft.OperationalInsights/workspaces", name: `log-${LAB}`, tags: labTags() },
              { type: "Microsoft.KeyVault/vaults", name: `kv-${LAB}`, tags: labTags(), properties: { tenantId: "t", sku: { family: "A", name: "standard" } } },
            ],
          },
          {
            name: MANAGED,
            location: "eastus",
            managedBy: `/subscriptions/${SUB}/resourceGroups/${LAB}/providers/Microsoft.Databricks/workspaces/databricks-${LAB}`,
            tags: { application: "databricks" },
          },
          { name: "msl-other01", location: "eastus", tags: labTags("msl-other01") },
        ],
        deletedItems: [
          { kind: "keyVault", name: "kv-msl-other01", resourceGroup: "msl-other01", location: "eastus", tags: labTags("msl-other01") },
          { kind: "keyVault", name: "kv-team", resourceGroup: "team", location: "eastus", tags: {} },
        ],
      },
    ],
  };
}

/** The Deployer seam: destroy deletes the stack's group (what `pulumi destroy` amounts to here). */
class DestroyingDeployer implements Deployer {
  readonly calls: string[] = [];
  failDestroy = false;
  constructor(
    private readonly server: ArmTestServer,
    private readonly config: StackConfig = {},
    private readonly stackOutputs: StackOutputs = {},
  ) {}
  async ensureStack(stack: string) {
    this.calls.push(`ensureStack ${stack}`);
  }
  async getConfig(stack: string) {
    this.calls.push(`getConfig ${stack}`);
    return this.config;
  }
  async setConfig() {
    throw new Error("teardown never changes config");
  }
  async up(): Promise<never> {
    throw new Error("teardown never deploys");
  }
  async outputs(stack: string) {
    this.calls.push(`outputs ${stack}`);
    return this.stackOutputs;
  }
  async destroy(stack: string) {
    this.calls.push(`destroy ${stack}`);
    if (this.failDestroy) throw new Error("engine crashed");
    const client = new ArmClient({ credential: new StaticTokenCredential("t"), endpoint: this.server.url });
    const op = await client.beginOperation({ method: "DELETE", path: `/subscriptions/${SUB}/resourcegroups/${LAB}`, apiVersion: "2025-04-01", allowStatus: [404] });
    await op.pollUntilDone({ intervalMs: 20 });
  }
}

const target: TeardownTarget = { stack: "lab", subscriptionId: SUB, resourceGroup: LAB, labId: LAB };
let server: ArmTestServer | undefined;
let dbx: DatabricksTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  await dbx?.stop();
  server = dbx = undefined;
});

async function setUp(inv: InventoryInput = inventory()) {
  server = await startServer({ seed: inv });
  dbx = await startDatabricksTestServer({ endpoints: [{ name: "predict-penguin", creator: "pulumi" }, { name: "my-ui-endpoint", creator: "learner@example.edu" }] });
  trustTestCa(dbx.caCertPem);
  const deployer = new DestroyingDeployer(server);
  const journal = fileJournalStore(mkdtempSync(join(tmpdir(), "teardown-")));
  const deps = {
    client: new ArmClient({ credential: new StaticTokenCredential("t"), endpoint: server.url, maxConcurrency: 16 }),
    clock: systemClock,
    deployer,
    journal,
    databricks: (url: string) => {
      expect(url).toBe(WS_URL);
      return new DatabricksServingClient(dbx!.url, new StaticTokenCredential("dbx-token"));
    },
  };
  return { deployer, deps, journal };
}

const wait = { defaultPollMs: 20, timeoutMs: 60_000, verifyAttempts: 20 };

describe("teardown of one lab", () => {
  it("deletes endpoints first (also those made by hand), destroys, purges only this lab's items, and verifies both groups are gone", async () => {
    const { deployer, deps } = await setUp();
    const report = await runTeardown(deps, target, { mode: "execute", wait });
    expect(report.failed).toBe(false);

    // Databricks: both endpoints, the stack's and the learner's.
    expect(dbx!.endpoints()).toEqual([]);
    expect(dbx!.requests().every((r) => r.authorized)).toBe(true);
    const rows = (kind: string) => report.items.filter((i) => i.kind === kind).map((i) => `${i.name}:${i.outcome}`).sort();
    expect(rows("Databricks serving endpoint")).toEqual([`databricks-${LAB}/my-ui-endpoint:deleted`, `databricks-${LAB}/predict-penguin:deleted`]);
    expect(rows("Azure ML online endpoint")).toEqual([`mlw-${LAB}/my-studio-endpoint:deleted`, `mlw-${LAB}/predict-penguin:deleted`]);

    // Endpoints went before the destroy; the ML workspace was deleted with forceToPurge before it too.
    const requests = server!.requests();
    const firstDestroyDelete = requests.findIndex((r) => r.method === "DELETE" && new RegExp(`/resourcegroups/${LAB}$`, "i").test(r.path));
    const endpointDeletes = requests.map((r, i) => ({ r, i })).filter(({ r }) => r.method === "DELETE" && /onlineEndpoints/i.test(r.path));
    expect(endpointDeletes).toHaveLength(2);
    for (const { i } of endpointDeletes) expect(i).toBeLessThan(firstDestroyDelete);
    const purge = requests.find((r) => r.method === "DELETE" && r.path.toLowerCase() === mlId.toLowerCase());
    expect(purge?.query.forceToPurge).toBe("true");
    expect(deployer.calls).toEqual(["destroy lab"]);

    // Soft delete keeps nothing of this lab; other labs' and non-lab records are untouched.
    const deleted = server!.deletedItems().map((d) => d.name).sort();
    expect(deleted).toEqual(["kv-msl-other01", "kv-team"]);
    expect(report.items.find((i) => i.name === `kv-${LAB}`)?.outcome).toBe("purged");

    // Verified gone: the lab group and the Databricks managed group; the other lab stays.
    expect(report.groups.map((g) => `${g.name}:${g.outcome}`).sort()).toEqual([`${MANAGED}:deleted`, `${LAB}:deleted`]);
    expect(server!.resourceGroup(SUB, LAB)).toBeUndefined();
    expect(server!.resourceGroup(SUB, MANAGED)).toBeUndefined();
    expect(server!.resourceGroup(SUB, "msl-other01")).toBeDefined();
  });

  it("rides out a 429 (with and without Retry-After) from the Databricks workspace API instead of stopping", async () => {
    const { deps } = await setUp();
    // In front of the fake workspace: the first request of each kind is answered 429 once.
    const real = createDefaultHttpClient();
    const throttled: string[] = [];
    const throttling: HttpClient = {
      async sendRequest(request) {
        const key = `${request.method} ${new URL(request.url).pathname}`;
        if (throttled.includes(key)) return real.sendRequest(request);
        throttled.push(key);
        const headers = createHttpHeaders(request.method === "GET" ? {} : { "retry-after": "0" });
        return { request, status: 429, headers, bodyAsText: JSON.stringify({ error_code: "REQUEST_LIMIT_EXCEEDED", message: "Too many requests" }) };
      },
    };
    const databricks = () => new DatabricksServingClient(dbx!.url, new StaticTokenCredential("dbx-token"), throttling, { baseDelayMs: 5, maxDelayMs: 20 });
    const report = await runTeardown({ ...deps, databricks }, target, { mode: "execute", wait });

    expect(throttled.sort()).toEqual([
      "DELETE /api/2.0/serving-endpoints/my-ui-endpoint",
      "DELETE /api/2.0/serving-endpoints/predict-penguin",
      "GET /api/2.0/serving-endpoints",
    ]);
    expect(report.failed).toBe(false);
    expect(report.items.filter((i) => i.kind === "Databricks serving endpoint").map((i) => i.outcome)).toEqual(["deleted", "deleted"]);
    expect(dbx!.endpoints()).toEqual([]);
    expect(dbx!.requests().every((r) => r.authorized)).toBe(true);
  });

  it("is safe to run again after a crash during destroy: it finishes from its journal", async () => {
    const { deployer, deps, journal } = await setUp();
    deployer.failDestroy = true;
    await expect(runTeardown(deps, target, { mode: "execute", wait })).rejects.toThrow(/engine crashed/);
    expect(journal.load("lab")?.databricks[0].managedResourceGroupId).toMatch(new RegExp(`${MANAGED}$`));
    deployer.failDestroy = false;
    const second = await runTeardown(deps, target, { mode: "execute", wait });
    expect(second.failed).toBe(false);
    expect(server!.resourceGroup(SUB, LAB)).toBeUndefined();
    expect(server!.resourceGroup(SUB, MANAGED)).toBeUndefined();
    // A third run after success has nothing left to do and still reports success.
    const third = await runTeardown(deps, target, { mode: "execute", wait });
    expect(third.failed).toBe(false);
    expect(third.steps[0]).toBe(`${LAB} is already gone`);
    expect(server!.deletedItems().map((d) => d.name).sort()).toEqual(["kv-msl-other01", "kv-team"]);
  });

  it("in a dry run lists what it would do and changes nothing", async () => {
    const { deployer, deps } = await setUp();
    const report = await runTeardown(deps, target, { mode: "dry-run", wait });
    expect(report.items.filter((i) => i.outcome === "would-delete")).toHaveLength(6);
    expect(report.steps).toContain("would run pulumi destroy on stack lab");
    expect(deployer.calls).toEqual([]);
    expect(dbx!.endpoints()).toHaveLength(2);
    expect(server!.requests().filter((r) => r.method !== "GET")).toEqual([]);
  });

  it.each([
    ["a lock", inventory(labTags(), [{ name: "exam", level: "CanNotDelete" }]), /locked \(CanNotDelete 'exam' on the group\)/],
    ["another lab's id", inventory(labTags("msl-someone")), /belongs to another lab/],
    ["a group that is not a lab", inventory({ env: "prod" }), /not a lab: no managed-by tag/],
  ])("refuses a group with %s before touching anything", async (_label, inv, reason) => {
    const { deployer, deps } = await setUp(inv);
    const error = await runTeardown(deps, target, { mode: "execute", wait }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeardownRefusedError);
    expect((error as Error).message).toMatch(reason);
    expect(deployer.calls).toEqual([]);
    expect(dbx!.requests()).toEqual([]);
    expect(server!.requests().filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("finds the lab from the stack: outputs first, then the config's suffix", async () => {
    server = await startServer({ seed: inventory() });
    const journal = fileJournalStore(mkdtempSync(join(tmpdir(), "teardown-")));
    const fromOutputs = new DestroyingDeployer(server, { "azure-native:subscriptionId": { value: SUB } }, { labId: { value: LAB, secret: false }, resourceGroupName: { value: LAB, secret: false } });
    expect(await resolveTeardownTarget(fromOutputs, journal, { stack: "lab" }, {})).toEqual(target);
    const fromConfig = new DestroyingDeployer(server, { "azure-mlflow-lab:suffix": { value: "tdn0001" } });
    expect(await resolveTeardownTarget(fromConfig, journal, { stack: "lab", subscription: SUB }, {})).toEqual(target);
    await expect(resolveTeardownTarget(fromConfig, journal, { stack: "lab" }, {})).rejects.toThrow(/pass --subscription <id> or set AZURE_SUBSCRIPTION_ID/);
  });

  it("a stack that does not exist: the lab id comes from the derived suffix, and no stack is created to find out", async () => {
    const journal = fileJournalStore(mkdtempSync(join(tmpdir(), "teardown-")));
    const opener = fakeStackOpener();
    const deployer = new PulumiDeployer({ opener, projectDir: tmpdir(), env: { MLFLOW_LAB_STATE_DIR: mkdtempSync(join(tmpdir(), "teardown-state-")) } });
    const labId = labNames(deriveSuffix(PROJECT_NAME, "lab", SUB)).labId;
    expect(await resolveTeardownTarget(deployer, journal, { stack: "lab", subscription: SUB }, {})).toEqual({ stack: "lab", subscriptionId: SUB, resourceGroup: labId, labId });
    expect(opener.opens).toEqual(["select lab"]);
    expect(opener.stacks.size).toBe(0);
  });

  it("an engine error while reading the stack (e.g. no Pulumi CLI) surfaces instead of being guessed around", async () => {
    const journal = fileJournalStore(mkdtempSync(join(tmpdir(), "teardown-")));
    const broken = new DestroyingDeployer(undefined as never);
    broken.getConfig = async () => {
      throw new Error("spawn pulumi ENOENT");
    };
    await expect(resolveTeardownTarget(broken, journal, { stack: "lab", subscription: SUB }, {})).rejects.toThrow("spawn pulumi ENOENT");
  });

  it("a dry run of a stack that does not exist creates no stack", async () => {
    server = await startServer({ seed: inventory() });
    const saved = { ...process.env };
    const quiet = [vi.spyOn(process.stdout, "write").mockImplementation(() => true), vi.spyOn(process.stderr, "write").mockImplementation(() => true)];
    try {
      Object.assign(process.env, server.env(), { MLFLOW_LAB_STATE_DIR: mkdtempSync(join(tmpdir(), "teardown-state-")) });
      const opener = fakeStackOpener();
      const deployer = new PulumiDeployer({ opener, projectDir: tmpdir(), env: process.env });
      await runTeardownCommand({ stack: "lab", subscription: SUB, dryRun: true }, deployer);
      expect(opener.opens.filter((o) => o.startsWith("createOrSelect"))).toEqual([]);
      expect(opener.stacks.size).toBe(0);
    } finally {
      for (const spy of quiet) spy.mockRestore();
      process.env = saved;
    }
  });

  it("with no stack to destroy, says so and still checks the lab's group is gone", async () => {
    const { deps } = await setUp({ ...inventory(), subscriptions: [{ ...inventory().subscriptions[0]!, resourceGroups: [] }] });
    const missing = new DestroyingDeployer(server!);
    missing.destroy = async (stack: string) => {
      throw new StackNotFoundError(stack);
    };
    const report = await runTeardown({ ...deps, deployer: missing }, target, { mode: "execute", wait });
    expect(report.steps).toContain("there is no stack lab: nothing for pulumi to destroy");
    expect(report.groups.map((g) => `${g.name}:${g.outcome}`)).toEqual([`${LAB}:deleted`]);
    expect(report.failed).toBe(false);
  });
});
