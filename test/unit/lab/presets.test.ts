import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { LAB_DATASET_SHA256, LAB_DATASET_URL } from "../../../src/config/lab-config";
import { LabTag, MANAGED_BY } from "../../../src/config/lab-tags";
import { SUFFIX_PATTERN } from "../../../src/config/suffix";
import { NOTEBOOK_SOURCE, notebookCells, notebookSummary, readNotebookSource } from "../../../src/lab/databricks/notebook";
import { KEY_VARIABLE, PROXY_CONTAINER, SCORER_CONTAINER } from "../../../src/lab/endpoints/aci-containers";
import { readScorerFiles } from "../../../src/lab/endpoints/aci-files";
import { BuiltInRole } from "../../../src/lab/roles";
import { runLabProgram } from "../../../src/plan/engine";
import { DEPLOY_TIME, SECRET } from "../../../src/plan/markers";
import { byType, DATASET_BYTES, inputs, named, one, OWNER, runConfig, runPreset, type Json } from "./lab-runs";

const T = {
  group: "azure-native:resources:ResourceGroup",
  dbxWorkspace: "azure-native:databricks:Workspace",
  dbxProvider: "pulumi:providers:databricks",
  cluster: "databricks:index/cluster:Cluster",
  dbfs: "databricks:index/dbfsFile:DbfsFile",
  file: "databricks:index/file:File",
  schema: "databricks:index/schema:Schema",
  volume: "databricks:index/volume:Volume",
  grant: "databricks:index/grant:Grant",
  ucCheck: "pulumi-nodejs:dynamic/lab:UnityCatalogCheck",
  notebook: "databricks:index/notebook:Notebook",
  serving: "databricks:index/modelServing:ModelServing",
  mlWorkspace: "azure-native:machinelearningservices:Workspace",
  storage: "azure-native:storage:StorageAccount",
  vault: "azure-native:keyvault:Vault",
  logs: "azure-native:operationalinsights:Workspace",
  insights: "azure-native:applicationinsights:Component",
  registry: "azure-native:containerregistry:Registry",
  onlineEndpoint: "azure-native:machinelearningservices:OnlineEndpoint",
  deployment: "azure-native:machinelearningservices:OnlineDeployment",
  compute: "azure-native:machinelearningservices:Compute",
  aks: "azure-native:containerservice:ManagedCluster",
  extension: "azure-native:kubernetesconfiguration:Extension",
  aci: "azure-native:containerinstance:ContainerGroup",
  role: "azure-native:authorization:RoleAssignment",
  password: "random:index/randomPassword:RandomPassword",
  lease: "pulumi-nodejs:dynamic/lab:LabLease",
  traffic: "pulumi-nodejs:dynamic/lab:EndpointTraffic",
};

const PRESETS = ["lab", "course", "full", "serverless"] as const;
const CLASSIC_PRESETS = ["lab", "course", "full"] as const;

/** The notebook as deployed: its text (the source, or the Jupyter document's) and what it was written with. */
function deployedNotebook(resource: Json) {
  const text = Buffer.from(resource.contentBase64, "base64").toString("utf8");
  return { text, ...notebookSummary(text) };
}

describe.each(PRESETS)("preset %s: what every lab has", (stack) => {
  it("names everything from one stable 7-character suffix, as setup.ps1 did", async () => {
    const { run, config } = await runPreset(stack);
    expect(run.suffix).toMatch(SUFFIX_PATTERN);
    const group = inputs(one(run, T.group));
    expect(group.resourceGroupName).toBe(`msl-${run.suffix}`);
    expect(inputs(one(run, T.dbxWorkspace)).workspaceName).toBe(`databricks-${run.suffix}`);
    // Same stack and subscription, same suffix: a re-run resumes instead of making a second lab.
    // runPreset caches its run per stack, so run the program a second time for real.
    const again = await runLabProgram(config, { stack, fetchDataset: () => DATASET_BYTES.toString("base64") });
    expect(again).not.toBe(run);
    expect(again.suffix).toBe(run.suffix);
    expect(inputs(one(again, T.group)).resourceGroupName).toBe(`msl-${run.suffix}`);
  });

  it("puts the resource group and the workspace in the configured region", async () => {
    const { run, config } = await runPreset(stack);
    expect(inputs(one(run, T.group)).location).toBe(config.region);
    expect(inputs(one(run, T.dbxWorkspace)).location).toBe(config.region);
  });

  it("configures the Databricks provider from the workspace's URL and ARM id", async () => {
    const { run } = await runPreset(stack);
    const provider = inputs(one(run, T.dbxProvider));
    expect(provider.host).toBe(`https://${DEPLOY_TIME}`);
    expect(provider.azureWorkspaceResourceId).toBe(
      `/subscriptions/${DEPLOY_TIME}/resourceGroups/msl-${run.suffix}/providers/Microsoft.Databricks/workspaces/databricks-${run.suffix}`,
    );
    for (const type of [T.file, T.schema, T.volume, T.notebook]) {
      expect(one(run, type).options.provider).toBe("databricks-provider");
    }
  });

  it("keeps the data in Unity Catalog: schema mlflow_lab in the workspace catalog, a managed volume, no DBFS file", async () => {
    const { run } = await runPreset(stack);
    const catalog = `databricks-${run.suffix}`;
    expect(byType(run, T.dbfs)).toHaveLength(0);
    const check = one(run, T.ucCheck);
    expect(inputs(check)).toMatchObject({ host: `https://${DEPLOY_TIME}`, catalog, workspaceName: catalog });
    expect(check.options.dependsOn).toContain("databricks-workspace");
    const schema = one(run, T.schema);
    expect(inputs(schema)).toMatchObject({ catalogName: catalog, name: "mlflow_lab", forceDestroy: true });
    expect(inputs(one(run, T.volume))).toMatchObject({ catalogName: catalog, schemaName: "mlflow_lab", name: "data", volumeType: "MANAGED" });
    // Nothing of Unity Catalog is created before the check has found a metastore and the catalog.
    for (const type of [T.schema, T.volume]) expect(one(run, type).options.dependsOn, type).toContain("unity-catalog-check");
    expect(run.outputs).toMatchObject({ catalogMode: "unity", dataPath: `/Volumes/${catalog}/mlflow_lab/data/penguins.csv` });
  });

  it("places the dataset fetched at deploy time in the lab's volume", async () => {
    const { run, fetches } = await runPreset(stack);
    expect(fetches).toEqual([{ url: LAB_DATASET_URL, sha256: LAB_DATASET_SHA256 }]);
    const file = one(run, T.file);
    expect(inputs(file).path).toBe(`/Volumes/databricks-${run.suffix}/mlflow_lab/data/penguins.csv`);
    expect(Buffer.from(inputs(file).contentBase64, "base64")).toEqual(DATASET_BYTES);
    expect(file.options.dependsOn).toContain("lab-volume");
  });

  it("lets the owner read the volume and create models in the schema, without taking anyone else's grants", async () => {
    const { run } = await runPreset(stack);
    const catalog = `databricks-${run.suffix}`;
    const grants = byType(run, T.grant).map(inputs);
    expect(grants).toEqual(
      expect.arrayContaining([
        { schema: `${catalog}.mlflow_lab`, principal: OWNER, privileges: ["USE_SCHEMA", "CREATE_MODEL"] },
        { volume: `${catalog}.mlflow_lab.data`, principal: OWNER, privileges: ["READ_VOLUME"] },
      ]),
    );
    expect(grants).toHaveLength(2);
    // databricks.Grants (plural) would be authoritative over every principal.
    expect(run.resources.some((r) => r.type === "databricks:index/grants:Grants")).toBe(false);
  });

  it("adds the MLflow notebook in the owner's folder, written with the lab's volume path and Unity Catalog model", async () => {
    const { run } = await runPreset(stack);
    const notebook = one(run, T.notebook);
    expect(inputs(notebook).path).toBe(`/Users/${OWNER}/MLflow`);
    expect(inputs(notebook).language).toBe("PYTHON");
    expect(inputs(notebook)).not.toHaveProperty("source");
    expect(deployedNotebook(inputs(notebook)).parameters).toEqual({
      catalog_mode: "unity",
      data_path: `/Volumes/databricks-${run.suffix}/mlflow_lab/data/penguins.csv`,
      model_name: `databricks-${run.suffix}.mlflow_lab.penguin_predictor`,
      registry_uri: "databricks-uc",
    });
    // It goes in once the data it names is there.
    expect(notebook.options.dependsOn).toContain("lab-dataset");
    expect(run.outputs.registeredModel).toBe(`databricks-${run.suffix}.mlflow_lab.penguin_predictor`);
  });

  it("tags every taggable resource with the lab tags, the times coming from the lease", async () => {
    const { run } = await runPreset(stack);
    const lease = inputs(one(run, T.lease));
    expect(lease).toEqual({ ttl: "8h", ttlSeconds: 8 * 3600 });
    const expected = {
      [LabTag.id]: `msl-${run.suffix}`,
      [LabTag.owner]: OWNER,
      [LabTag.createdAt]: DEPLOY_TIME,
      [LabTag.expiresAt]: DEPLOY_TIME,
      [LabTag.managedBy]: MANAGED_BY,
    };
    // A file share is a child of its storage account and takes no ARM tags (the account carries them).
    const untaggable = new Set([T.extension, T.role, "azure-native:storage:FileShare"]);
    const azure = run.resources.filter((r) => r.type.startsWith("azure-native:") && !untaggable.has(r.type));
    expect(azure.length).toBeGreaterThan(1);
    for (const resource of azure) expect(inputs(resource).tags, resource.name).toEqual(expected);
    for (const cluster of byType(run, T.cluster)) expect(inputs(cluster).customTags).toEqual({ ...expected, ResourceClass: "SingleNode" });
    for (const serving of byType(run, T.serving)) {
      expect(Object.fromEntries(inputs(serving).tags.map((t: Json) => [t.key, t.value]))).toEqual(expected);
    }
  });

  it("gives every resource a unique logical name and a parent component", async () => {
    const { run } = await runPreset(stack);
    const names = run.resources.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const roots = run.resources.filter((r) => r.parent === null);
    expect(roots.map((r) => r.type)).toEqual(["azure-mlflow-lab:index:Lab"]);
  });

  it("exports region, workspace URL, lab id and expiry; keys only as a secret", async () => {
    const { run, config } = await runPreset(stack);
    expect(run.outputs).toMatchObject({
      region: config.region,
      labId: `msl-${run.suffix}`,
      resourceGroupName: `msl-${run.suffix}`,
      workspaceUrl: DEPLOY_TIME,
      expiresAt: DEPLOY_TIME,
      endpointKeys: SECRET,
    });
  });
});

describe.each(CLASSIC_PRESETS)("preset %s: classic compute", (stack) => {
  it("creates a Premium, Hybrid workspace whose default catalog is Unity Catalog and whose managed group it only names", async () => {
    const { run } = await runPreset(stack);
    const workspace = inputs(one(run, T.dbxWorkspace));
    expect(workspace.sku).toEqual({ name: "premium" });
    expect(workspace.computeMode).toBe("Hybrid");
    expect(workspace.publicNetworkAccess).toBe("Enabled");
    expect(workspace.defaultCatalog).toEqual({ initialType: "UnityCatalog", initialName: `databricks-${run.suffix}` });
    expect(workspace.managedResourceGroupId).toBe(`/subscriptions/${DEPLOY_TIME}/resourceGroups/databricks-rg-${run.suffix}`);
    // Databricks creates the managed group; declaring it would fail the deploy.
    expect(byType(run, T.group).map((g) => inputs(g).resourceGroupName)).toEqual([`msl-${run.suffix}`]);
  });

  it("runs one single-node, single-user, non-Photon CPU cluster that stops after 20 idle minutes", async () => {
    const { run } = await runPreset(stack);
    const cluster = inputs(one(run, T.cluster));
    expect(cluster.numWorkers).toBe(0);
    expect(cluster.sparkConf).toEqual({ "spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]" });
    expect(cluster.customTags.ResourceClass).toBe("SingleNode");
    expect(cluster.isSingleNode).toBeUndefined();
    expect(cluster.runtimeEngine).toBe("STANDARD");
    expect(cluster.dataSecurityMode).toBe("SINGLE_USER");
    expect(cluster.singleUserName).toBe(OWNER);
    expect(cluster.autoterminationMinutes).toBe(20);
    expect(cluster.nodeTypeId).toBe("Standard_DS3_v2");
    expect(cluster.sparkVersion).toBe("16.4.x-cpu-ml-scala2.12");
    expect(cluster.sparkVersion).not.toMatch(/gpu|photon/);
    expect(one(run, T.cluster).options.provider).toBe("databricks-provider");
  });

  it("deploys the notebook as the Python source in the repo, with only its parameter line written", async () => {
    const { run } = await runPreset(stack);
    const { text } = deployedNotebook(inputs(one(run, T.notebook)));
    expect(fs.existsSync(NOTEBOOK_SOURCE)).toBe(true);
    const source = readNotebookSource().split("\n");
    const deployed = text.split("\n");
    expect(deployed).toHaveLength(source.length);
    expect(deployed.filter((line, i) => line !== source[i]).map((line) => line.slice(0, 17))).toEqual(["LAB_PARAMETERS = "]);
  });

  it("exports the cluster id and says the compute is classic", async () => {
    const { run } = await runPreset(stack);
    expect(run.outputs).toMatchObject({ clusterId: DEPLOY_TIME, compute: "classic" });
  });
});

describe("preset serverless: no cluster, no VM quota", () => {
  it("creates a Premium Serverless workspace with none of the properties ARM rejects there", async () => {
    const { run } = await runPreset("serverless");
    const workspace = inputs(one(run, T.dbxWorkspace));
    expect(workspace).toMatchObject({ sku: { name: "premium" }, computeMode: "Serverless", publicNetworkAccess: "Enabled" });
    for (const key of ["managedResourceGroupId", "parameters", "defaultCatalog", "requiredNsgRules", "accessConnector"]) {
      expect(workspace, key).not.toHaveProperty(key);
    }
  });

  it("runs no cluster and exports no cluster id", async () => {
    const { run } = await runPreset("serverless");
    expect(byType(run, T.cluster)).toHaveLength(0);
    expect(run.outputs).not.toHaveProperty("clusterId");
    expect(run.outputs.compute).toBe("serverless");
  });

  it("deploys the notebook as Jupyter with serverless environment version 4 and the same code cells", async () => {
    const { run } = await runPreset("serverless");
    const notebook = inputs(one(run, T.notebook));
    expect(notebook.format).toBe("JUPYTER");
    const { text, environmentVersion, parameters } = deployedNotebook(notebook);
    expect(environmentVersion).toBe("4");
    expect(parameters?.registry_uri).toBe("databricks-uc");
    const codeOf = (cells: Array<{ kind: string; lines: string[] }>) => cells.filter((c) => c.kind === "code").map((c) => c.lines.join("\n"));
    const jupyterCode = JSON.parse(text).cells.filter((c: Json) => c.cell_type === "code").map((c: Json) => c.source.join(""));
    const sourceCode = codeOf(notebookCells(readNotebookSource())).map((code) => code.replace(/^LAB_PARAMETERS = .*$/m, "LAB_PARAMETERS"));
    expect(jupyterCode.map((code: string) => code.replace(/^LAB_PARAMETERS = .*$/m, "LAB_PARAMETERS"))).toEqual(sourceCode);
  });
});

describe("catalogMode legacy: the seed lab as it was, for accounts with DBFS root and workspace registry", () => {
  it("uses the Hive metastore, the DBFS root and the workspace registry, and no Unity Catalog object", async () => {
    const run = await runConfig({ catalogMode: "legacy", databricksServing: { enabled: true } });
    expect(inputs(one(run, T.dbxWorkspace)).defaultCatalog).toEqual({ initialType: "HiveMetastore" });
    const file = inputs(one(run, T.dbfs));
    expect(file.path).toBe("/mlflow_lab/penguins.csv");
    for (const type of [T.file, T.schema, T.volume, T.grant, T.ucCheck]) expect(byType(run, type), type).toHaveLength(0);
    expect(deployedNotebook(inputs(one(run, T.notebook))).parameters).toEqual({
      catalog_mode: "legacy",
      data_path: "/mlflow_lab/penguins.csv",
      model_name: "Penguin Predictor",
      registry_uri: "databricks",
    });
    expect(inputs(one(run, T.serving)).config.servedEntities[0]).toMatchObject({ name: "penguin-predictor-1", entityName: "Penguin Predictor", entityVersion: "1" });
    expect(run.outputs).toMatchObject({ catalogMode: "legacy", dataPath: "/mlflow_lab/penguins.csv", registeredModel: "Penguin Predictor" });
  });

  it("puts a catalog override to use, and serves a three-level name as written", async () => {
    const run = await runConfig({ catalog: "main", databricksServing: { enabled: true, model: "shared.models.penguins:4" } });
    expect(inputs(one(run, T.schema)).catalogName).toBe("main");
    expect(inputs(one(run, T.file)).path).toBe("/Volumes/main/mlflow_lab/data/penguins.csv");
    // The workspace's own catalog is still named after it; the lab's schema goes where config says.
    expect(inputs(one(run, T.dbxWorkspace)).defaultCatalog.initialName).toMatch(/^databricks-/);
    expect(inputs(one(run, T.serving)).config.servedEntities[0]).toMatchObject({ name: "penguins-4", entityName: "shared.models.penguins", entityVersion: "4" });
  });
});

describe("preset lab: Databricks only", () => {
  it("creates nothing of Azure ML, no endpoints and no serving", async () => {
    const { run } = await runPreset("lab");
    for (const type of [T.mlWorkspace, T.onlineEndpoint, T.aci, T.aks, T.serving, T.registry]) {
      expect(byType(run, type), type).toHaveLength(0);
    }
    expect(run.outputs.endpoints).toEqual({});
    expect(run.outputs).not.toHaveProperty("mlflowTrackingUri");
  });
});

describe.each(["course", "full"] as const)("preset %s: the Azure ML workspace", (stack) => {
  it("declares storage, Key Vault, Log Analytics and workspace-based Application Insights and wires them in", async () => {
    const { run } = await runPreset(stack);
    const ml = one(run, T.mlWorkspace);
    const ws = inputs(ml);
    const storage = inputs(one(run, T.storage));
    const vault = inputs(one(run, T.vault));
    const logs = inputs(one(run, T.logs));
    const insights = inputs(one(run, T.insights));
    const rg = `/subscriptions/${DEPLOY_TIME}/resourceGroups/msl-${run.suffix}`;
    expect(ws.identity).toEqual({ type: "SystemAssigned" });
    expect(ws.storageAccount).toBe(`${rg}/providers/Microsoft.Storage/storageAccounts/${storage.accountName}`);
    expect(ws.keyVault).toBe(`${rg}/providers/Microsoft.KeyVault/vaults/${vault.vaultName}`);
    expect(ws.applicationInsights).toBe(`${rg}/providers/Microsoft.Insights/components/${insights.resourceName}`);
    expect(insights.workspaceResourceId).toBe(`${rg}/providers/Microsoft.OperationalInsights/workspaces/${logs.workspaceName}`);
    expect(insights.kind).toBe("web");
    expect(storage.accountName).toMatch(/^[a-z0-9]{3,24}$/);
    expect(storage.isHnsEnabled).toBe(false);
    expect(vault.vaultName.length).toBeLessThanOrEqual(24);
    for (const dependency of ["aml-storage", "aml-key-vault", "aml-app-insights"]) {
      expect(ml.options.dependsOn).toContain(dependency);
    }
  });

  it("keeps the Key Vault purgeable: 7-day soft delete, purge protection left unset", async () => {
    const { run } = await runPreset(stack);
    const vault = inputs(one(run, T.vault));
    expect(vault.properties.softDeleteRetentionInDays).toBe(7);
    expect(vault.properties).not.toHaveProperty("enablePurgeProtection");
    expect(vault.properties.tenantId).toBe(DEPLOY_TIME);
  });

  it("exports the workspace name, its ARM id (for push-model --stack) and its MLflow tracking URI", async () => {
    const { run } = await runPreset(stack);
    const ws = inputs(one(run, T.mlWorkspace));
    expect(run.outputs.amlWorkspaceName).toBe(ws.workspaceName);
    expect(run.outputs.amlWorkspaceId).toMatch(/\/providers\/Microsoft\.MachineLearningServices\/workspaces\/mlw-msl-/);
    expect(run.outputs.mlflowTrackingUri).toMatch(/^azureml:\/\/.+\/workspaces\/mlw-msl-/);
  });
});

describe("preset course: one ACI endpoint", () => {
  it("serves churn-model:1 on ACI and needs no container registry", async () => {
    const { run } = await runPreset("course");
    expect(byType(run, T.aci)).toHaveLength(1);
    expect(byType(run, T.registry)).toHaveLength(0);
    expect(byType(run, T.onlineEndpoint)).toHaveLength(0);
    expect(Object.keys(run.outputs.endpoints as Json)).toEqual(["churn-aci"]);
  });
});

describe("preset full: every endpoint kind", () => {
  it("serves the notebook's three-level Unity Catalog model with served entities only, Small, scaling to zero", async () => {
    const { run } = await runPreset("full");
    const serving = inputs(one(run, T.serving));
    expect(serving.name).toBe("predict-penguin");
    expect(serving.config.servedEntities).toEqual([
      {
        name: "penguin_predictor-1",
        entityName: `databricks-${run.suffix}.mlflow_lab.penguin_predictor`,
        entityVersion: "1",
        workloadSize: "Small",
        scaleToZeroEnabled: true,
      },
    ]);
    expect(serving.config).not.toHaveProperty("servedModels");
    expect((run.outputs.endpoints as Json)["predict-penguin"]).toEqual({
      kind: "databricks",
      scoringUri: `https://${DEPLOY_TIME}/serving-endpoints/predict-penguin/invocations`,
    });
  });

  it("adds a container registry for the Azure ML online deployments", async () => {
    const { run } = await runPreset("full");
    const registry = inputs(one(run, T.registry));
    expect(inputs(one(run, T.mlWorkspace)).containerRegistry).toMatch(
      new RegExp(`/registries/${registry.registryName}$`),
    );
  });

  it("managed: key auth, an MLflow no-code deployment of the model version, traffic after the deployment", async () => {
    const { run } = await runPreset("full");
    const endpoint = named(run, "endpoint-penguin-managed-online");
    const deployment = named(run, "endpoint-penguin-managed-deployment");
    const traffic = named(run, "endpoint-penguin-managed-traffic");
    const ws = inputs(one(run, T.mlWorkspace));
    expect(inputs(endpoint).endpointName).toBe(`penguin-managed-${run.suffix}`);
    expect(inputs(endpoint).properties.authMode).toBe("Key");
    expect(inputs(endpoint).properties).not.toHaveProperty("traffic");
    expect(endpoint.options.ignoreChanges).toContain("properties.traffic");
    const properties = inputs(deployment).properties;
    expect(properties.endpointComputeType).toBe("Managed");
    expect(properties.model).toBe(
      `/subscriptions/${DEPLOY_TIME}/resourceGroups/msl-${run.suffix}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspaceName}/models/penguin-classifier/versions/1`,
    );
    expect(properties).not.toHaveProperty("environmentId");
    expect(properties).not.toHaveProperty("codeConfiguration");
    expect(properties.instanceType).toBe("Standard_DS3_v2");
    expect(inputs(deployment).sku).toEqual({ name: "Default", capacity: 1 });
    expect(inputs(traffic).traffic).toEqual({ blue: 100 });
    expect(inputs(traffic).endpointId).toMatch(/\/onlineEndpoints\/penguin-managed-/);
    expect(traffic.options.dependsOn).toContain("endpoint-penguin-managed-deployment");
    expect(deployment.options.customTimeouts.create).toBe("60m");
    expect((run.outputs.endpoints as Json)["penguin-managed"]).toEqual({
      kind: "managed",
      scoringUri: `https://penguin-managed-${run.suffix}.eastus.inference.ml.azure.com/score`,
    });
  });

  it("aks: small system pool, Azure ML extension with inference, Kubernetes compute, endpoint on it", async () => {
    const { run } = await runPreset("full");
    const cluster = inputs(one(run, T.aks));
    expect(cluster.agentPoolProfiles).toHaveLength(1);
    expect(cluster.agentPoolProfiles[0]).toMatchObject({ mode: "System", count: 1, vmSize: "Standard_D4s_v5" });
    expect(cluster.identity).toEqual({ type: "SystemAssigned" });
    const extension = inputs(one(run, T.extension));
    expect(extension).toMatchObject({
      extensionType: "Microsoft.AzureML.Kubernetes",
      clusterRp: "Microsoft.ContainerService",
      clusterResourceName: "managedClusters",
      clusterName: cluster.resourceName,
    });
    // What `az k8s-extension create` sends for a managed cluster of one node (AzureMLKubernetes.py).
    const clusterId = `/subscriptions/${DEPLOY_TIME}/resourceGroups/msl-${run.suffix}/providers/Microsoft.ContainerService/managedClusters/${cluster.resourceName}`;
    expect(extension.configurationSettings).toEqual({
      enableInference: "True",
      enableTraining: "False",
      inferenceRouterServiceType: "LoadBalancer",
      allowInsecureConnections: "True",
      inferenceRouterHA: "False",
      installNvidiaDevicePlugin: "False",
      installDcgmExporter: "False",
      clusterPurpose: "DevTest",
      cluster_name: clusterId,
      clusterId,
      "prometheus.prometheusSpec.externalLabels.cluster_name": clusterId,
      domain: "eastus.cloudapp.azure.com",
      location: "eastus",
      jobSchedulerLocation: "eastus",
      cluster_name_friendly: cluster.resourceName,
      "servicebus.enabled": "false",
      "relayserver.enabled": "false",
      "nginxIngress.enabled": "true",
    });
    expect(extension.identity).toEqual({ type: "SystemAssigned" });
    expect(extension.scope).toEqual({ cluster: { releaseNamespace: "azureml" } });
    const compute = one(run, T.compute);
    expect(inputs(compute).properties).toMatchObject({
      computeType: "Kubernetes",
      resourceId: expect.stringMatching(new RegExp(`/managedClusters/${cluster.resourceName}$`)),
      properties: { namespace: "azureml" },
    });
    expect(compute.options.dependsOn).toContain("aks-azureml-extension");
    const endpoint = inputs(named(run, "endpoint-penguin-aks-online"));
    expect(endpoint.properties).toMatchObject({ authMode: "Key", compute: expect.stringMatching(/\/computes\/k8s-/) });
    const deployment = inputs(named(run, "endpoint-penguin-aks-deployment"));
    expect(deployment.properties).toMatchObject({ endpointComputeType: "Kubernetes", instanceType: "defaultinstancetype" });
    expect(deployment.properties).not.toHaveProperty("environmentId");
    expect(named(run, "endpoint-penguin-aks-traffic").options.dependsOn).toContain("endpoint-penguin-aks-deployment");
  });

  it("aci: the MLflow scorer behind Caddy, HTTPS on 443 with the key, the repository's scorer files, Caddy's data on Azure Files", async () => {
    const { run } = await runPreset("full");
    const group = one(run, T.aci);
    const g = inputs(group);
    const fqdn = `penguin-aci-${run.suffix}.eastus.azurecontainer.io`;
    expect(g.containerGroupName).toBe(`penguin-aci-${run.suffix}`);
    expect(g.osType).toBe("Linux");
    expect(g.ipAddress).toMatchObject({ type: "Public", dnsNameLabel: `penguin-aci-${run.suffix}`, ports: [{ port: 80, protocol: "TCP" }, { port: 443, protocol: "TCP" }] });
    const proxy = g.containers.find((c: Json) => c.name === PROXY_CONTAINER);
    const scorer = g.containers.find((c: Json) => c.name === SCORER_CONTAINER);
    expect(proxy.ports).toEqual([{ port: 80, protocol: "TCP" }, { port: 443, protocol: "TCP" }]);
    expect(proxy.image).toMatch(/^caddy:2\.\d+\.\d+-alpine$/);
    expect(proxy.command).toEqual(["caddy", "run", "--config", "/mnt/scorer/Caddyfile", "--adapter", "caddyfile"]);
    expect(proxy.environmentVariables).toEqual(
      expect.arrayContaining([
        { name: "MLFLOW_LAB_SITE", value: fqdn },
        { name: "MLFLOW_LAB_TLS_ISSUER", value: "acme" },
        { name: "MLFLOW_LAB_HTTP_PORT", value: "80" },
        { name: "MLFLOW_LAB_HTTPS_PORT", value: "443" },
        { name: "MLFLOW_LAB_SCORER_ADDRESS", value: "127.0.0.1:8080" },
        { name: "XDG_DATA_HOME", value: "/data" },
        { name: KEY_VARIABLE, secureValue: SECRET },
      ]),
    );
    expect(proxy.volumeMounts).toEqual([{ name: "scorer-files", mountPath: "/mnt/scorer", readOnly: true }, { name: "caddy-data", mountPath: "/data" }]);
    // The scorer has no port of its own (it listens on loopback); its start script is the repository's.
    expect(scorer.ports).toBeUndefined();
    expect(scorer.image).toBe("python:3.12-slim-bookworm");
    expect(scorer.command).toEqual(["/bin/sh", "/mnt/scorer/start-scorer.sh"]);
    expect(scorer.environmentVariables).toEqual(
      expect.arrayContaining([
        { name: "MODEL_URI", value: "models:/penguin-classifier/1" },
        { name: "SCORER_FILES", value: "/mnt/scorer" },
        { name: "MLFLOW_TRACKING_URI", value: expect.stringMatching(/^azureml:\/\/eastus\.api\.azureml\.ms\/mlflow\/v1\.0\/subscriptions\//) },
      ]),
    );
    expect(scorer.volumeMounts).toEqual([{ name: "scorer-files", mountPath: "/mnt/scorer", readOnly: true }]);
    expect(scorer.resources.requests).toEqual({ cpu: 1, memoryInGB: 2 });
    // The files the group runs are the repository's, byte for byte.
    const files = g.volumes.find((v: Json) => v.name === "scorer-files").secret as Record<string, string>;
    const decoded = Object.fromEntries(Object.entries(files).map(([name, b64]) => [name, Buffer.from(b64, "base64").toString("utf8")]));
    expect(decoded).toEqual(readScorerFiles());
    expect(Object.keys(decoded).sort()).toEqual(["Caddyfile", "constraints-fetch.txt", "constraints-mlflow-2.txt", "constraints-mlflow-3.txt", "constraints-tools.txt", "scorer_plan.py", "start-scorer.sh"]);
    // Caddy's certificates on a share of the Azure ML storage account, mounted with its key as a secret.
    const share = inputs(one(run, "azure-native:storage:FileShare"));
    const storage = inputs(one(run, T.storage));
    expect(share).toMatchObject({ shareName: "caddy-penguin-aci", accountName: storage.accountName, resourceGroupName: `msl-${run.suffix}` });
    expect(g.volumes.find((v: Json) => v.name === "caddy-data").azureFile).toEqual({ shareName: "caddy-penguin-aci", storageAccountName: storage.accountName, storageAccountKey: SECRET });
    expect(g.identity).toEqual({ type: "SystemAssigned" });
    expect(group.options.deleteBeforeReplace).toBe(true);
    expect(group.options.replaceOnChanges).toEqual(
      expect.arrayContaining(["osType", "restartPolicy", "containers[*].resources", "volumes"]),
    );
    const key = inputs(one(run, T.password));
    expect(key.special).toBe(false);
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect((run.outputs.endpoints as Json)["penguin-aci"]).toEqual({ kind: "aci", scoringUri: `https://${fqdn}/invocations` });
  });

  it("aci: the group's identity may read the Azure ML model and its storage, as a service principal", async () => {
    const { run } = await runPreset("full");
    const ws = inputs(one(run, T.mlWorkspace));
    const storage = inputs(one(run, T.storage));
    const roles = byType(run, T.role).map(inputs);
    expect(roles).toHaveLength(2);
    for (const role of roles) expect(role.principalType).toBe("ServicePrincipal");
    const scopes = Object.fromEntries(roles.map((r) => [String(r.roleDefinitionId).split("/").pop(), r.scope]));
    expect(scopes[BuiltInRole.azureMlDataScientist]).toMatch(new RegExp(`/workspaces/${ws.workspaceName}$`));
    expect(scopes[BuiltInRole.storageBlobDataReader]).toMatch(new RegExp(`/storageAccounts/${storage.accountName}$`));
  });
});
