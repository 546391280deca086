import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserInputError } from "../../../src/errors";
import { projectRoot } from "../../../src/config/stack-settings";
import { DEPLOY_TIME, SECRET } from "../../../src/plan/markers";
import { createPlan, GuardrailViolationError, PLAN_EXAMPLE_OWNER } from "../../../src/plan/plan";
import type { RegionDecider } from "../../../src/plan/region";
import { renderPlan } from "../../../src/plan/render";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stackFile(name: string, config: Record<string, unknown>): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  const lines = Object.entries(config).map(([key, value]) => `  azure-mlflow-lab:${key}: ${JSON.stringify(value)}`);
  fs.writeFileSync(file, `config:\n${lines.join("\n")}\n`);
  return file;
}

describe("createPlan", () => {
  it.each(["lab", "course", "full", "serverless"])("%s: prints exactly {stack, region, resources, outputs, costPerHour}", async (stack) => {
    const plan = await createPlan({ stack });
    expect(Object.keys(plan.json)).toEqual(["stack", "region", "resources", "outputs", "costPerHour"]);
    expect(plan.json.stack).toBe(stack);
    for (const resource of plan.json.resources) expect(Object.keys(resource)).toEqual(["type", "name", "parent", "inputs"]);
  });

  it("makes no provider code for dynamic resources (the plan leaves it out) and leaves Pulumi's serializer as it found it", async () => {
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: (...args: unknown[]) => Promise<unknown> };
    const original = closure.serializeFunction;
    let calls = 0;
    const counting = (...args: unknown[]) => {
      calls++;
      return original(...args);
    };
    closure.serializeFunction = counting;
    try {
      const plan = await createPlan({ stack: "full" });
      // full has all three dynamic resources: the lease, the Unity Catalog check and the endpoint traffic.
      expect(plan.json.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")).length).toBeGreaterThanOrEqual(3);
      expect(calls).toBe(0);
      expect(closure.serializeFunction).toBe(counting);
    } finally {
      closure.serializeFunction = original;
    }
  });

  it("gives byte-identical JSON when run twice", async () => {
    const first = JSON.stringify((await createPlan({ stack: "full" })).json);
    const second = JSON.stringify((await createPlan({ stack: "full" })).json);
    expect(second).toBe(first);
  });

  it("shows no machine paths and no suffix computed from a made-up subscription", async () => {
    const plan = await createPlan({ stack: "full" });
    const text = JSON.stringify(plan.json);
    expect(text).not.toContain(projectRoot());
    const group = plan.json.resources.find((r) => r.name === "resource-group")!;
    expect(group.inputs.resourceGroupName).toBe(`msl-${DEPLOY_TIME}`);
    // The notebook's inline content names the lab's catalog: the marker goes there too, not a made-up suffix.
    const notebook = plan.json.resources.find((r) => r.name === "lab-notebook")!;
    const content = Buffer.from(String(notebook.inputs.contentBase64), "base64").toString("utf8");
    expect(content).toContain(`"data_path": "/Volumes/databricks-${DEPLOY_TIME}/mlflow_lab/data/penguins.csv"`.replace(/": "/g, '":"'));
    expect(content).not.toMatch(/databricks-[0-9a-z]{7}\b/);
    expect(plan.notes.join("\n")).toContain("suffix derived from your subscription");
  });

  it("shows a pinned suffix as it is", async () => {
    const plan = await createPlan({ stack: stackFile("pinned", { suffix: "abc1234", owner: "me@contoso.com" }) });
    expect(plan.json.outputs.labId).toBe("msl-abc1234");
    expect(plan.notes).toEqual([]);
  });

  it("masks secret inputs and outputs, and marks the dataset as fetched at deploy time", async () => {
    const plan = await createPlan({ stack: "course" });
    const group = plan.json.resources.find((r) => r.type === "azure-native:containerinstance:ContainerGroup")!;
    const proxy = (group.inputs.containers as Array<Record<string, any>>).find((c) => c.name === "auth-proxy")!;
    expect(proxy.environmentVariables).toContainEqual({ name: "MLFLOW_LAB_ENDPOINT_KEY", secureValue: SECRET });
    expect(plan.json.outputs.endpointKeys).toBe(SECRET);
    const dataset = plan.json.resources.find((r) => r.name === "lab-dataset")!;
    expect(dataset.inputs.contentBase64).toBe(
      `${DEPLOY_TIME} fetched from ${plan.config.datasetUrl} and checked against sha256 ${plan.config.datasetSha256}`,
    );
  });

  it("uses an example owner for presets and says so", async () => {
    const plan = await createPlan({ stack: "lab" });
    expect(plan.config.owner).toBe(PLAN_EXAMPLE_OWNER);
    expect(plan.notes[0]).toContain(`the plan uses ${PLAN_EXAMPLE_OWNER}`);
  });

  it("takes the region from the stack config and says why", async () => {
    const plan = await createPlan({ stack: stackFile("westeu", { region: "westeurope" }) });
    expect(plan.json.region).toEqual({
      name: "westeurope",
      nodeType: "Standard_DS3_v2",
      compute: "classic",
      source: "config",
      reasons: ["from stack config (azure-mlflow-lab:region)"],
    });
    expect(plan.json.resources.find((r) => r.name === "resource-group")!.inputs.location).toBe("westeurope");
  });

  it("builds the lab for whatever region and node type a plugged-in decider picks", async () => {
    const decider: RegionDecider = async ({ config }) => ({
      region: "swedencentral",
      nodeType: config.nodeTypeFallbacks[0],
      reasons: ["EXAMPLE snapshot", "most DDSv5 headroom"],
      source: "example-snapshot",
    });
    const plan = await createPlan({ stack: "lab", decideRegion: decider });
    expect(plan.json.region).toMatchObject({ name: "swedencentral", nodeType: "Standard_D4ds_v5", source: "example-snapshot" });
    const cluster = plan.json.resources.find((r) => r.name === "databricks-cluster")!;
    expect(cluster.inputs.nodeTypeId).toBe("Standard_D4ds_v5");
    expect(plan.json.costPerHour.notes).toContain("prices are eastus list prices; swedencentral may differ");
  });

  it("refuses a decision for a node type the config does not allow", async () => {
    const decider: RegionDecider = async () => ({ region: "eastus", nodeType: "Standard_E64s_v5", reasons: [], source: "live" });
    await expect(createPlan({ stack: "lab", decideRegion: decider })).rejects.toThrow(
      "region decision picked node type Standard_E64s_v5, which is neither nodeType nor in nodeTypeFallbacks",
    );
  });

  it("stops a bad config before the region is decided or anything is registered", async () => {
    let decided = false;
    const attempt = createPlan({
      stack: stackFile("badttl", { ttl: "forever" }),
      decideRegion: async () => {
        decided = true;
        throw new Error("unreachable");
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(UserInputError);
    await expect(attempt).rejects.toThrow("config azure-mlflow-lab:ttl 'forever' is not a duration");
    expect(decided).toBe(false);
  });

  it("fails with every guardrail violation named when the lab breaks one", async () => {
    const attempt = createPlan({ stack: stackFile("slow-stop", { autoterminationMinutes: 120 }) });
    await expect(attempt).rejects.toBeInstanceOf(GuardrailViolationError);
    await expect(attempt).rejects.toThrow(
      "guardrails failed: databricks-cluster (databricks:index/cluster:Cluster) breaks autotermination: autoterminationMinutes is 120, at most 60",
    );
  });
});

describe("createPlan per catalog mode and compute", () => {
  const types = (plan: Awaited<ReturnType<typeof createPlan>>) => plan.json.resources.map((r) => r.type);

  it("unity on classic compute (the lab preset): volume, schema, grants, check, cluster; no DBFS file", async () => {
    const plan = await createPlan({ stack: "lab" });
    for (const type of ["databricks:index/schema:Schema", "databricks:index/volume:Volume", "databricks:index/file:File", "databricks:index/grant:Grant", "pulumi-nodejs:dynamic/lab:UnityCatalogCheck", "databricks:index/cluster:Cluster"]) {
      expect(types(plan), type).toContain(type);
    }
    expect(types(plan)).not.toContain("databricks:index/dbfsFile:DbfsFile");
    expect(plan.json.outputs).toMatchObject({ catalogMode: "unity", compute: "classic", registeredModel: `databricks-${DEPLOY_TIME}.mlflow_lab.penguin_predictor` });
  });

  it("legacy: the DBFS file and the Hive metastore, no Unity Catalog object", async () => {
    const plan = await createPlan({ stack: stackFile("legacy", { catalogMode: "legacy" }) });
    expect(types(plan)).toContain("databricks:index/dbfsFile:DbfsFile");
    for (const type of ["databricks:index/schema:Schema", "databricks:index/volume:Volume", "pulumi-nodejs:dynamic/lab:UnityCatalogCheck"]) expect(types(plan)).not.toContain(type);
    expect(plan.json.resources.find((r) => r.name === "databricks-workspace")!.inputs.defaultCatalog).toEqual({ initialType: "HiveMetastore" });
    expect(plan.json.outputs).toMatchObject({ catalogMode: "legacy", dataPath: "/mlflow_lab/penguins.csv", registeredModel: "Penguin Predictor" });
  });

  it("serverless: a Serverless workspace, no cluster, the serverless rate, and the plan says quota does not matter", async () => {
    const plan = await createPlan({ stack: "serverless" });
    expect(plan.json.region.compute).toBe("serverless");
    expect(plan.json.resources.find((r) => r.name === "databricks-workspace")!.inputs).toMatchObject({ computeMode: "Serverless" });
    expect(types(plan)).not.toContain("databricks:index/cluster:Cluster");
    expect(plan.json.costPerHour.items.map((i) => i.item)).toEqual(["serverless-notebook"]);
    const text = renderPlan(plan);
    expect(text).toMatch(/^Region: eastus {3}compute: serverless {3}\(source: config\)$/m);
    expect(text).toContain("Compute: serverless: no cluster; Databricks runs the notebook on serverless compute, so no VM of your subscription runs and vCPU quota does not matter");
    expect(text).toContain("Jupyter, serverless environment version 4");
  });

  it("fails on a bad combination of keys before anything is registered, naming both", async () => {
    const attempt = createPlan({ stack: stackFile("bad-combo", { compute: "serverless", catalogMode: "legacy" }) });
    await expect(attempt).rejects.toBeInstanceOf(UserInputError);
    await expect(attempt).rejects.toThrow("config azure-mlflow-lab:catalogMode 'legacy' cannot be used with config azure-mlflow-lab:compute 'serverless'");
  });
});

describe("renderPlan", () => {
  it("shows region and why, the tree with key settings, outputs, cost and the markers' meaning", async () => {
    const text = renderPlan(await createPlan({ stack: "full" }));
    expect(text).toContain("Region: eastus   node type: Standard_DS3_v2   (source: config)");
    expect(text).toMatch(/├─ databricks {2}\[component databricks:Lab\]/);
    expect(text).toContain(`sku premium · compute Hybrid · catalog UnityCatalog databricks-${DEPLOY_TIME}`);
    expect(text).toContain("Compute: classic: a single-node Standard_DS3_v2 cluster, whose vCPUs count against your subscription's quota");
    expect(text).toContain(`lab-volume  [databricks:Volume]  managed volume databricks-${DEPLOY_TIME}.mlflow_lab.data`);
    expect(text).toContain(`registers databricks-${DEPLOY_TIME}.mlflow_lab.penguin_predictor (databricks-uc)`);
    expect(text).toContain("SINGLE_USER learner@example.com · engine STANDARD · stops after 20 min idle");
    expect(text).toContain("public port 80,443 · auth-proxy caddy:2.11.4-alpine");
    expect(text).toContain("Azure Files caddy-penguin-aci");
    expect(text).toContain("AzureML Data Scientist · on mlw-msl-[deploy-time]");
    expect(text).toMatch(/Estimated cost per hour \(eastus list prices as of \d{4}-\d{2}-\d{2}; estimates, not a quote\)/);
    expect(text).toContain("[deploy-time] marks values only known once deployed; [secret] marks secrets.");
    expect(text.split("\n")[0]).toBe("Plan for stack 'full' (offline: nothing is created, no credentials used)");
  });

  it("says so on its first line when the region came from live signals read with the user's credentials", async () => {
    const live = async () => ({ region: "westus2", nodeType: "Standard_DS3_v2", reasons: ["most headroom"], source: "live" as const });
    const text = renderPlan(await createPlan({ stack: "lab", decideRegion: live }));
    expect(text.split("\n")[0]).toBe("Plan for stack 'lab' (nothing is created; the region comes from live signals read with your credentials)");
    expect(text).toContain("Region: westus2   node type: Standard_DS3_v2   (source: live)");
  });
});
