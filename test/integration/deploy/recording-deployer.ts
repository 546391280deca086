import * as fs from "node:fs";
import * as path from "node:path";
import { createCredential, armEndpoint } from "../../../src/azure/credentials";
import { createSdkClients, type SdkContext } from "../../../src/azure/sdk-clients";
import { readStackSettings } from "../../../src/config/stack-settings";
import { createHash } from "node:crypto";
import { CLASS_ID_TAG, LabTag, MANAGED_BY } from "../../../src/config/lab-tags";
import { BuiltInRole } from "../../../src/lab/roles";
import { labNames } from "../../../src/lab/naming";
import { DeploymentError, StackNotFoundError, type DeployEvents, type Deployer, type StackConfig, type StackOutputs, type UpResult } from "../../../src/deploy/deployer";
import { armErrorsFromDiagnostics } from "../../../src/deploy/engine-errors";
import { labCatalog } from "../../../src/lab/databricks/lab-data";
import { checkUnityCatalog } from "../../../src/lab/databricks/unity-check";

/**
 * The one fake of these tests: it stands in for the Pulumi CLI (which cannot be installed here) behind
 * the Deployer interface, and acts on the ARM test server the way the engine would for the lab's core:
 * it creates the resource group (with the lab tags) and the Databricks workspace through ARM and waits
 * for the workspace operation, so quota failures, Failed workspaces and group deletion are the server's
 * real behaviour. With `azureMl` in the stack config it also creates the lab's Log Analytics workspace,
 * Key Vault and Azure ML workspace (tagged), whose names soft delete holds after the group is deleted,
 * and an online endpoint in that workspace for each `endpoints` entry of kind managed or aks. The
 * workspace has the program's shape for the stack's `compute` and `catalogMode` (Serverless without a
 * managed group; Hybrid with a Unity Catalog or Hive default catalog). In unity mode, with
 * MLFLOW_LAB_RECORDING_DATABRICKS_URL naming a Databricks test server that stands in for the new workspace,
 * it then runs the program's own Unity Catalog check (src/lab/databricks/unity-check.ts) the way the engine
 * runs that resource, and fails as the engine would report the resource's error.
 * Stack config is kept in a JSON file (like Pulumi's stack files), so a second process
 * resumes the same stack; every call is appended to a JSON-lines record for assertions.
 *
 * Loaded by `mlflow-lab deploy` through MLFLOW_LAB_DEPLOYER_MODULE (see createDeployer below).
 */
export interface RecordedCall {
  op: "ensureStack" | "getConfig" | "setConfig" | "up" | "destroy" | "outputs";
  stack: string;
  config?: Record<string, string>;
  region?: string;
  result?: "ok" | "failed";
  error?: string;
}

export class RecordingDeployer implements Deployer {
  private readonly stateFile: string;
  private readonly recordFile: string;

  constructor(
    private readonly dir: string,
    private readonly ctx: SdkContext,
    private readonly defaultSubscription: string,
    /** How often the engine polls operations (the server's Retry-After still applies when longer). */
    private readonly pollMs = 2_000,
    /** A Databricks test server standing in for every new workspace's API (unity mode's check). */
    private readonly databricksUrl?: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.stateFile = path.join(dir, "stacks.json");
    this.recordFile = path.join(dir, "calls.jsonl");
  }

  private load(): Record<string, StackConfig> {
    return fs.existsSync(this.stateFile) ? JSON.parse(fs.readFileSync(this.stateFile, "utf8")) : {};
  }

  private save(state: Record<string, StackConfig>): void {
    // Written whole and renamed, as an engine's backend keeps its state: a process killed mid-write
    // (class up's crash test) leaves the previous file, never half of one.
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 2));
    fs.renameSync(tmp, this.stateFile);
  }

  private record(call: RecordedCall): void {
    fs.appendFileSync(this.recordFile, `${JSON.stringify(call)}\n`);
  }

  calls(): RecordedCall[] {
    if (!fs.existsSync(this.recordFile)) return [];
    return fs.readFileSync(this.recordFile, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));
  }

  async ensureStack(stack: string): Promise<void> {
    const state = this.load();
    if (!state[stack]) {
      // Like Pulumi with stackConfigDir: the stack starts from its settings file when there is one.
      const initial: StackConfig = {};
      try {
        for (const [key, value] of Object.entries(readStackSettings(stack).config)) {
          initial[`azure-mlflow-lab:${key}`] = { value: typeof value === "string" ? value : JSON.stringify(value) };
        }
      } catch {
        // a stack without a settings file starts empty
      }
      state[stack] = initial;
      this.save(state);
    }
    this.record({ op: "ensureStack", stack });
  }

  /** Like the Pulumi deployer: only ensureStack creates; everything else needs the stack to exist. */
  private existing(stack: string): StackConfig {
    const config = this.load()[stack];
    if (!config) throw new StackNotFoundError(stack);
    return config;
  }

  async getConfig(stack: string): Promise<StackConfig> {
    this.record({ op: "getConfig", stack });
    return { ...this.existing(stack) };
  }

  async setConfig(stack: string, config: StackConfig): Promise<void> {
    const state = this.load();
    state[stack] = { ...this.existing(stack), ...config };
    this.save(state);
    this.record({ op: "setConfig", stack, config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])) });
  }

  private target(stack: string) {
    const config = this.existing(stack);
    const value = (key: string) => config[`azure-mlflow-lab:${key}`]?.value;
    const suffix = value("suffix");
    const region = value("region");
    if (!suffix || !region) throw new Error(`recording deployer: stack ${stack} has no suffix/region in its config`);
    const subscription = config["azure-native:subscriptionId"]?.value ?? this.defaultSubscription;
    return {
      suffix,
      region,
      subscription,
      owner: value("owner") ?? "unknown",
      ttlHours: Number((value("ttl") ?? "8h").replace(/h$/, "")) || 8,
      azureMl: value("azureMl") === "true",
      compute: value("compute") === "serverless" ? "serverless" : "classic",
      catalogMode: value("catalogMode") === "legacy" ? "legacy" : "unity",
      catalog: value("catalog"),
      onlineEndpoints: onlineEndpointNames(value("endpoints")),
      classId: value("classId"),
      learners: (value("learners") ? JSON.parse(value("learners")!) : []) as Array<{ learner: string; objectId?: string }>,
    };
  }

  async up(stack: string, events?: DeployEvents): Promise<UpResult> {
    const t = this.target(stack);
    const clients = createSdkClients(this.ctx, t.subscription);
    const rg = `msl-${t.suffix}`;
    const ws = `databricks-${t.suffix}`;
    const created = new Date();
    const tags = {
      [LabTag.id]: rg,
      [LabTag.owner]: t.owner,
      [LabTag.createdAt]: created.toISOString(),
      [LabTag.expiresAt]: new Date(created.getTime() + t.ttlHours * 3600_000).toISOString(),
      [LabTag.managedBy]: MANAGED_BY,
      // A class's lab (src/lab/tags.ts): the class-id tag on everything.
      ...(t.classId ? { [CLASS_ID_TAG]: t.classId } : {}),
    };
    try {
      events?.onProgress?.(`+ resource group ${rg} (${t.region})`);
      await clients.resources.resourceGroups.createOrUpdate(rg, { location: t.region, tags });
      // A class's learners with an object id get Reader on the group (src/lab/class-access.ts).
      for (const learner of t.learners.filter((l) => l.objectId)) {
        events?.onProgress?.(`+ role assignment Reader for ${learner.learner}`);
        await clients.arm.request({
          method: "PUT",
          path: `/subscriptions/${t.subscription}/resourceGroups/${rg}/providers/Microsoft.Authorization/roleAssignments/${roleAssignmentName(rg, learner.objectId!)}`,
          apiVersion: "2022-04-01",
          body: { properties: { roleDefinitionId: `/subscriptions/${t.subscription}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRole.reader}`, principalId: learner.objectId, principalType: "User" } },
        });
      }
      if (t.azureMl) {
        // Like the program's MlWorkspace: these come up before the Databricks workspace can fail, and
        // their names (the Key Vault's globally) stay held by soft delete once the group is deleted.
        const names = labNames(t.suffix);
        const groupPath = `/subscriptions/${t.subscription}/resourceGroups/${rg}/providers`;
        const mlWorkspacePath = `${groupPath}/Microsoft.MachineLearningServices/workspaces/${names.mlWorkspace}`;
        const soft: Array<{ path: string; apiVersion: string; properties: Record<string, unknown> }> = [
          { path: `${groupPath}/Microsoft.OperationalInsights/workspaces/${names.logAnalytics}`, apiVersion: "2025-07-01", properties: { sku: { name: "PerGB2018" }, retentionInDays: 30 } },
          { path: `${groupPath}/Microsoft.KeyVault/vaults/${names.keyVault}`, apiVersion: "2024-11-01", properties: { tenantId: "00000000-0000-4000-8000-000000000001", sku: { family: "A", name: "standard" }, accessPolicies: [], softDeleteRetentionInDays: 7 } },
          { path: mlWorkspacePath, apiVersion: "2024-10-01", properties: { friendlyName: `MLflow lab ${t.suffix}` } },
        ];
        // Azure ML online endpoints (`endpoints` of kind managed or aks) in the workspace: while they exist,
        // ARM refuses to delete the workspace (409 CannotDeleteResource).
        for (const endpoint of t.onlineEndpoints) {
          soft.push({ path: `${mlWorkspacePath}/onlineEndpoints/${endpoint}-${t.suffix}`, apiVersion: "2024-10-01", properties: { authMode: "Key" } });
        }
        for (const resource of soft) {
          events?.onProgress?.(`+ ${resource.path.split("/providers/")[1]}`);
          const op = await clients.arm.beginOperation({ method: "PUT", path: resource.path, apiVersion: resource.apiVersion, body: { location: t.region, tags, properties: resource.properties } });
          await op.pollUntilDone({ intervalMs: this.pollMs });
        }
      }
      events?.onProgress?.(`+ databricks workspace ${ws}`);
      // The program's shapes (src/lab/databricks/workspace.ts).
      const shape =
        t.compute === "serverless"
          ? { computeMode: "Serverless" as const }
          : {
              computeMode: "Hybrid" as const,
              managedResourceGroupId: `/subscriptions/${t.subscription}/resourceGroups/databricks-rg-${t.suffix}`,
              defaultCatalog: t.catalogMode === "unity" ? { initialType: "UnityCatalog", initialName: ws } : { initialType: "HiveMetastore" },
            };
      const workspace = await clients.databricks.workspaces.createOrUpdate(rg, ws, {
        location: t.region,
        sku: { name: "premium" },
        publicNetworkAccess: "Enabled",
        ...shape,
        tags,
      }, { updateIntervalInMs: this.pollMs });
      if (t.catalogMode === "unity" && this.databricksUrl) {
        events?.onProgress?.(`+ unity catalog check ${ws}`);
        try {
          await checkUnityCatalog({ host: this.databricksUrl, catalog: labCatalog({ catalog: t.catalog }, { databricksWorkspace: ws }), workspaceName: ws }, "databricks-test-token", 2_000);
        } catch (error) {
          // What the engine reports for a dynamic resource whose create threw: the error and its stack.
          const diagnostic = `  pulumi-nodejs:dynamic/lab:UnityCatalogCheck (unity-catalog-check):\n    error: ${(error as Error).stack ?? String(error)}`;
          this.record({ op: "up", stack, region: t.region, result: "failed", error: (error as Error).message });
          throw new DeploymentError(`pulumi up failed: ${(error as Error).message}`, armErrorsFromDiagnostics([diagnostic]));
        }
      }
      this.record({ op: "up", stack, region: t.region, result: "ok" });
      return {
        outputs: { region: { value: t.region, secret: false }, workspaceUrl: { value: `https://${workspace.workspaceUrl}`, secret: false } },
        summary: { create: 2 },
      };
    } catch (error) {
      if (error instanceof DeploymentError) throw error;
      // What the engine would report: the ARM code and message of the failed request or operation.
      const e = error as { code?: string; message?: string; details?: { error?: { code?: string; message?: string; details?: unknown[] } } };
      const body = e.details?.error;
      const lro = /^The long-running operation has failed\. ([A-Za-z_]+)\. ([\s\S]*)$/.exec(e.message ?? "");
      const armError = {
        code: body?.code ?? lro?.[1] ?? e.code ?? "",
        message: body?.message ?? lro?.[2] ?? e.message ?? String(error),
        ...(Array.isArray(body?.details) ? { details: body!.details as never } : {}),
      };
      this.record({ op: "up", stack, region: t.region, result: "failed", error: `${armError.code}: ${armError.message}` });
      throw new DeploymentError(`up failed: ${armError.code} ${armError.message}`, [armError]);
    }
  }

  async destroy(stack: string, events?: DeployEvents): Promise<void> {
    const t = this.target(stack);
    const clients = createSdkClients(this.ctx, t.subscription);
    const rg = `msl-${t.suffix}`;
    const notFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;
    try {
      events?.onProgress?.(`- databricks workspace databricks-${t.suffix}`);
      await clients.databricks.workspaces.delete(rg, `databricks-${t.suffix}`, { updateIntervalInMs: this.pollMs }).catch((error: unknown) => {
        if (!notFound(error)) throw error;
      });
      events?.onProgress?.(`- resource group ${rg}`);
      await clients.resources.resourceGroups.delete(rg, { updateIntervalInMs: this.pollMs }).catch((error: unknown) => {
        if (!notFound(error)) throw error;
      });
      this.record({ op: "destroy", stack, region: t.region, result: "ok" });
    } catch (error) {
      this.record({ op: "destroy", stack, region: t.region, result: "failed", error: String(error) });
      throw new DeploymentError(`destroy failed: ${(error as Error).message}`, []);
    }
  }

  async outputs(stack: string): Promise<StackOutputs> {
    this.record({ op: "outputs", stack });
    this.existing(stack);
    return {};
  }
}

/** A role assignment's name is a GUID; the engine's is random, this one stable per group and principal. */
function roleAssignmentName(scope: string, principal: string): string {
  const h = createHash("sha256").update(`${scope}|${principal}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The names of the Azure ML online endpoints (kind managed or aks) in a stack's `endpoints` config. */
function onlineEndpointNames(raw: string | undefined): string[] {
  if (!raw) return [];
  const endpoints = JSON.parse(raw) as Array<{ name?: string; kind?: string }>;
  return endpoints.filter((e) => (e.kind === "managed" || e.kind === "aks") && e.name).map((e) => e.name!);
}

/** Entry point for MLFLOW_LAB_DEPLOYER_MODULE: state and records in MLFLOW_LAB_RECORDING_DIR. */
export function createDeployer(env: NodeJS.ProcessEnv): Deployer {
  const dir = env.MLFLOW_LAB_RECORDING_DIR;
  if (!dir) throw new Error("MLFLOW_LAB_RECORDING_DIR is not set");
  const ctx: SdkContext = { credential: createCredential(env), endpoint: armEndpoint(env) };
  return new RecordingDeployer(dir, ctx, env.AZURE_SUBSCRIPTION_ID ?? "", Number(env.MLFLOW_LAB_RECORDING_POLL_MS ?? 2_000), env.MLFLOW_LAB_RECORDING_DATABRICKS_URL);
}
