import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../src/config/stack-settings";

/** `mlflow-lab plan` as a user runs it: a separate process, its stdout, stderr and exit code. */
const root = projectRoot();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: root, env: { ...process.env, MLFLOW_LAB_DEBUG: "" }, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const mlflowLab = (...args: string[]) => run(process.execPath, [path.join(root, "scripts", "mlflow-lab"), ...args]);

function stackFile(name: string, body: string): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, body);
  return file;
}

// Each test starts node processes on a shared machine: give them room.
describe("mlflow-lab plan", { timeout: 60_000 }, () => {
  it("--stack full --json lists everything the full lab creates, and twice the same bytes", async () => {
    const [first, second] = await Promise.all([mlflowLab("plan", "--stack", "full", "--json"), mlflowLab("plan", "--stack", "full", "--json")]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const plan = JSON.parse(first.stdout);
    expect(Object.keys(plan)).toEqual(["stack", "region", "resources", "outputs", "costPerHour"]);
    const types = new Set(plan.resources.map((r: { type: string }) => r.type));
    for (const type of [
      "azure-native:databricks:Workspace",
      "databricks:index/cluster:Cluster",
      "databricks:index/file:File",
      "databricks:index/volume:Volume",
      "databricks:index/schema:Schema",
      "databricks:index/notebook:Notebook",
      "databricks:index/modelServing:ModelServing",
      "azure-native:machinelearningservices:Workspace",
      "azure-native:storage:StorageAccount",
      "azure-native:keyvault:Vault",
      "azure-native:operationalinsights:Workspace",
      "azure-native:applicationinsights:Component",
      "azure-native:containerinstance:ContainerGroup",
      "azure-native:containerservice:ManagedCluster",
      "azure-native:machinelearningservices:OnlineEndpoint",
    ]) {
      expect(types, type).toContain(type);
    }
    expect(Object.values(plan.outputs.endpoints).map((e) => (e as { kind: string }).kind).sort()).toEqual([
      "aci",
      "aks",
      "databricks",
      "managed",
    ]);
  });

  it("--json without a stack plans a Unity Catalog lab: volume, schema, and the three-level model when serving is on", async () => {
    const lab = await mlflowLab("plan", "--json");
    expect(lab.code).toBe(0);
    const plan = JSON.parse(lab.stdout);
    const types = plan.resources.map((r: { type: string }) => r.type);
    expect(types).toEqual(expect.arrayContaining(["databricks:index/volume:Volume", "databricks:index/schema:Schema", "databricks:index/cluster:Cluster"]));
    expect(types).not.toContain("databricks:index/dbfsFile:DbfsFile");
    const serving = stackFile("serving", "config:\n  azure-mlflow-lab:databricksServing:\n    enabled: true\n");
    const served = JSON.parse((await mlflowLab("plan", "--stack", serving, "--json")).stdout);
    const endpoint = served.resources.find((r: { type: string }) => r.type === "databricks:index/modelServing:ModelServing");
    expect(endpoint.inputs.config.servedEntities[0].entityName).toBe("databricks-[deploy-time].mlflow_lab.penguin_predictor");
  });

  it("--stack serverless --json plans a Serverless workspace and no cluster", async () => {
    const result = await mlflowLab("plan", "--stack", "serverless", "--json");
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    const workspace = plan.resources.find((r: { type: string }) => r.type === "azure-native:databricks:Workspace");
    expect(workspace.inputs.computeMode).toBe("Serverless");
    expect(workspace.inputs).not.toHaveProperty("managedResourceGroupId");
    expect(plan.resources.some((r: { type: string }) => r.type === "databricks:index/cluster:Cluster")).toBe(false);
    expect(plan.region.compute).toBe("serverless");
  });

  it("exits 2 with one line naming both keys for serverless with the legacy catalog", async () => {
    const file = stackFile("combo", "config:\n  azure-mlflow-lab:compute: serverless\n  azure-mlflow-lab:catalogMode: legacy\n");
    const result = await mlflowLab("plan", "--stack", file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("config azure-mlflow-lab:catalogMode 'legacy' cannot be used with config azure-mlflow-lab:compute 'serverless'");
  });

  it("without flags shows the lab preset for people", async () => {
    const result = await mlflowLab("plan");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Plan for stack 'lab'");
    expect(result.stdout).toContain("Estimated cost per hour");
  });

  it("runs as `npm start` does (tsx on the sources)", async () => {
    const result = await run(path.join(root, "node_modules", ".bin", "tsx"), ["src/cli/main.ts", "plan", "--stack", "course", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).stack).toBe("course");
  });

  it("exits 2 with one line naming the key for a bad config, printing no plan", async () => {
    const file = stackFile("bad", "config:\n  azure-mlflow-lab:region: mars-north\n");
    const result = await mlflowLab("plan", "--stack", file, "--json");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: config azure-mlflow-lab:region 'mars-north' is not an Azure region name (use ARM names such as eastus, westeurope; `mlflow-lab regions` lists them)\n",
    );
  });

  it("exits 2 for a stack without a settings file", async () => {
    const result = await mlflowLab("plan", "--stack", "staging");
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("presets: lab, course, full");
  });

  it("exits 1 naming the resource and the rule when a guardrail is broken", async () => {
    const file = stackFile("slow", "config:\n  azure-mlflow-lab:autoterminationMinutes: 120\n");
    const result = await mlflowLab("plan", "--stack", file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: guardrails failed: databricks-cluster (databricks:index/cluster:Cluster) breaks autotermination: autoterminationMinutes is 120, at most 60\n",
    );
  });

  it("--stack janitor plans the janitor program: its job, schedule, derived role and AcrPull, and no lab", async () => {
    const [json, text] = await Promise.all([mlflowLab("plan", "--stack", "janitor", "--json"), mlflowLab("plan", "--stack", "janitor")]);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.program).toBe("janitor");
    expect(plan.schedule).toEqual({ cron: "17 * * * *", timeZone: "UTC", command: ["mlflow-lab", "cleanup", "--yes", "--grace", "1h", "--group-wait", "20m", "--max", "100", "--json"] });
    const types = plan.resources.map((r: { type: string }) => r.type);
    expect(types).toEqual(expect.arrayContaining(["azure-native:app:Job", "azure-native:authorization:RoleDefinition", "azure-native:managedidentity:UserAssignedIdentity"]));
    expect(types).not.toContain("azure-native:databricks:Workspace");
    expect(plan.role.actions).toEqual(expect.arrayContaining(["Microsoft.AlertsManagement/smartDetectorAlertRules/delete", "Microsoft.Insights/actionGroups/delete", "Microsoft.Resources/subscriptions/resourceGroups/delete"]));
    expect(plan.assignments).toContainEqual({
      role: "AcrPull",
      scope: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mlflow-lab-janitor/providers/Microsoft.ContainerRegistry/registries/myregistry",
    });
    expect(plan.assignments).toContainEqual({ role: "mlflow-lab janitor (janitor)", scope: "/subscriptions/00000000-0000-0000-0000-000000000000" });

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Plan for stack 'janitor': the scheduled cleanup job/);
    expect(text.stdout).toContain("Schedule:  17 * * * * (UTC)");
    expect(text.stdout).toContain("  Microsoft.AlertsManagement/smartDetectorAlertRules/delete\n");
    expect(text.stdout).toMatch(/ {2}AcrPull on \/subscriptions\/.*\/registries\/myregistry\n/);
    expect(text.stdout).not.toContain("Estimated cost per hour");
  });

  it("a janitor stack with a bad key exits 2 naming the file and the key", async () => {
    const file = stackFile("janitor-bad", "config:\n  mlflow-lab-janitor:allowedSubscriptions: [0b1f6471-1bf0-4dda-aec3-111122223333]\n  mlflow-lab-janitor:image: x\n  mlflow-lab-janitor:registryServer: myregistry.azurecr.io\n");
    const result = await mlflowLab("plan", "--stack", file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: mlflow-lab-janitor:registryId: required with registryServer`));
  });
});
