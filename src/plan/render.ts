import Table from "cli-table3";
import { describeCompute } from "../config/compute";
import { notebookSummary } from "../lab/databricks/notebook";
import { BuiltInRole } from "../lab/roles";
import { DEPLOY_TIME, SECRET } from "./markers";
import type { Plan, PlanJson, PlanResource } from "./plan";

/**
 * The plan for people: region and why, the resource tree with each resource's key settings, the
 * outputs and the cost estimate. Pure: returns the text.
 */
export function renderPlan(plan: Plan): string {
  const { json } = plan;
  const lines: string[] = [];
  // Only the region may come from Azure: with credentials, selection reads (never writes) live signals.
  const access = json.region.source === "live" ? "nothing is created; the region comes from live signals read with your credentials" : "offline: nothing is created, no credentials used";
  lines.push(`Plan for stack '${json.stack}' (${access})`);
  lines.push("");
  const machine = json.region.compute === "serverless" ? "compute: serverless" : `node type: ${json.region.nodeType}`;
  lines.push(`Region: ${json.region.name}   ${machine}   (source: ${json.region.source})`);
  for (const reason of json.region.reasons) lines.push(`  - ${reason}`);
  lines.push(`Compute: ${describeCompute(json.region.compute, json.region.nodeType)}`);
  lines.push("");
  lines.push(`Resources (${json.resources.filter((r) => !isComponent(r)).length} resources in ${json.resources.filter(isComponent).length} components):`);
  lines.push(...renderTree(json.resources));
  lines.push("");
  lines.push("Outputs:");
  lines.push(renderOutputs(json.outputs));
  lines.push("");
  lines.push(renderCost(json));
  const notes = [
    `${DEPLOY_TIME} marks values only known once deployed; ${SECRET} marks secrets.`,
    ...plan.notes,
    ...json.costPerHour.notes,
  ];
  lines.push("");
  lines.push("Notes:");
  for (const note of notes) lines.push(`  - ${note}`);
  return lines.join("\n") + "\n";
}

function isComponent(resource: PlanResource): boolean {
  return resource.type.startsWith("azure-mlflow-lab:");
}

export function renderTree(resources: PlanResource[]): string[] {
  const children = new Map<string | null, PlanResource[]>();
  for (const resource of resources) {
    const list = children.get(resource.parent) ?? [];
    list.push(resource);
    children.set(resource.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, prefix: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((resource, index) => {
      const last = index === list.length - 1;
      const branch = parent === null ? "" : last ? "└─ " : "├─ ";
      const settings = summarize(resource);
      lines.push(`${prefix}${branch}${resource.name}  [${shortType(resource.type)}]${settings ? `  ${settings}` : ""}`);
      walk(resource.name, parent === null ? prefix : prefix + (last ? "   " : "│  "));
    });
  };
  walk(null, "  ");
  return lines;
}

function shortType(type: string): string {
  const [pkg, module, name] = type.split(":");
  if (pkg === "azure-native") return `${module}:${name}`;
  if (pkg === "azure-mlflow-lab") return `component ${module}:${name}`;
  if (pkg === "pulumi-nodejs") return `dynamic ${name}`;
  if (pkg === "pulumi") return `provider ${name}`;
  return `${pkg}:${name}`;
}

type Json = Record<string, any>;
const last = (id: unknown) => (typeof id === "string" ? id.split("/").pop() : undefined);
const join = (...parts: Array<string | false | undefined>) => parts.filter(Boolean).join(" · ");

const ROLE_NAMES: Record<string, string> = {
  [BuiltInRole.azureMlDataScientist]: "AzureML Data Scientist",
  [BuiltInRole.storageBlobDataReader]: "Storage Blob Data Reader",
  [BuiltInRole.acrPull]: "AcrPull",
};

/** The settings a reviewer checks for each resource type. */
function summarize(resource: PlanResource): string {
  const i = resource.inputs as Json;
  switch (resource.type) {
    case "azure-native:resources:ResourceGroup":
      return join(i.resourceGroupName, i.location);
    case "azure-native:databricks:Workspace":
      return join(
        i.workspaceName,
        `sku ${i.sku?.name}`,
        `compute ${i.computeMode}`,
        i.computeMode === "Serverless" ? "Unity Catalog only, no managed RG" : `catalog ${i.defaultCatalog?.initialType}${i.defaultCatalog?.initialName ? ` ${i.defaultCatalog.initialName}` : ""}`,
        i.managedResourceGroupId && `managed RG ${last(i.managedResourceGroupId)}`,
      );
    case "pulumi-nodejs:dynamic/lab:UnityCatalogCheck":
      return `metastore assigned and catalog ${i.catalog} present, checked before any Unity Catalog object`;
    case "databricks:index/schema:Schema":
      return join(`schema ${i.catalogName}.${i.name}`, i.forceDestroy && "dropped with its contents");
    case "databricks:index/volume:Volume":
      return `${String(i.volumeType ?? "").toLowerCase()} volume ${i.catalogName}.${i.schemaName}.${i.name}`;
    case "databricks:index/file:File":
      return join(i.path, String(i.contentBase64));
    case "databricks:index/grant:Grant":
      return join(`${(i.privileges ?? []).join(", ")} to ${i.principal}`, `on ${i.schema ?? i.volume ?? i.catalog ?? "?"}`);
    case "pulumi:providers:databricks":
      return `host ${i.host}`;
    case "databricks:index/cluster:Cluster":
      return join(
        i.nodeTypeId,
        i.sparkVersion,
        i.numWorkers === 0 && "single node",
        `${i.dataSecurityMode} ${i.singleUserName}`,
        `engine ${i.runtimeEngine}`,
        `stops after ${i.autoterminationMinutes} min idle`,
      );
    case "databricks:index/dbfsFile:DbfsFile":
      return join(`dbfs:${i.path}`, String(i.contentBase64));
    case "databricks:index/notebook:Notebook": {
      const { parameters, environmentVersion } = typeof i.contentBase64 === "string" ? notebookSummary(Buffer.from(i.contentBase64, "base64").toString("utf8")) : {};
      return join(
        i.path,
        i.format === "JUPYTER" ? `Jupyter, serverless environment version ${environmentVersion ?? "?"}` : i.language,
        i.source && `source ${i.source}`,
        parameters && `reads ${parameters.data_path}, registers ${parameters.model_name} (${parameters.registry_uri})`,
      );
    }
    case "databricks:index/modelServing:ModelServing": {
      const entity = i.config?.servedEntities?.[0] ?? {};
      return join(i.name, `${entity.entityName} v${entity.entityVersion}`, entity.workloadSize, entity.scaleToZeroEnabled && "scale to zero");
    }
    case "pulumi-nodejs:dynamic/lab:LabLease":
      return `ttl ${i.ttl} (created-at / expires-at fixed at first deploy)`;
    case "pulumi-nodejs:dynamic/lab:EndpointTraffic":
      return `traffic ${JSON.stringify(i.traffic)} set after the deployment exists`;
    case "azure-native:storage:StorageAccount":
      return join(i.accountName, i.sku?.name, i.kind);
    case "azure-native:keyvault:Vault":
      return join(
        i.vaultName,
        `soft delete ${i.properties?.softDeleteRetentionInDays} days`,
        `purge protection ${i.properties?.enablePurgeProtection ? "on" : "unset"}`,
      );
    case "azure-native:operationalinsights:Workspace":
      return join(i.workspaceName, i.sku?.name, `${i.retentionInDays} days`);
    case "azure-native:applicationinsights:Component":
      return join(i.resourceName, `workspace-based (${last(i.workspaceResourceId)})`);
    case "azure-native:containerregistry:Registry":
      return join(i.registryName, i.sku?.name);
    case "azure-native:machinelearningservices:Workspace":
      return join(i.workspaceName, `identity ${i.identity?.type}`, `sku ${i.sku?.name}`);
    case "azure-native:machinelearningservices:OnlineEndpoint":
      return join(i.endpointName, `auth ${i.properties?.authMode}`, i.properties?.compute && `on ${last(i.properties.compute)}`);
    case "azure-native:machinelearningservices:OnlineDeployment":
      return join(
        i.deploymentName,
        i.properties?.endpointComputeType,
        `${i.properties?.instanceType} × ${i.sku?.capacity}`,
        `model ${String(i.properties?.model ?? "").split("/models/").pop()}`,
        "MLflow no-code",
      );
    case "azure-native:machinelearningservices:Compute":
      return join(i.computeName, i.properties?.computeType, `namespace ${i.properties?.properties?.namespace}`);
    case "azure-native:containerservice:ManagedCluster": {
      const pool = i.agentPoolProfiles?.[0] ?? {};
      return join(i.resourceName, `${pool.count} × ${pool.vmSize}`, `tier ${i.sku?.tier}`);
    }
    case "azure-native:kubernetesconfiguration:Extension":
      return join(i.extensionType, `inference ${i.configurationSettings?.enableInference}`);
    case "azure-native:containerinstance:ContainerGroup":
      return join(
        i.containerGroupName,
        `dns ${i.ipAddress?.dnsNameLabel}`,
        `public port ${(i.ipAddress?.ports ?? []).map((p: Json) => p.port).join(",")}`,
        ...(i.containers ?? []).map(
          (c: Json) => `${c.name} ${c.image} ${c.resources?.requests?.cpu} vCPU/${c.resources?.requests?.memoryInGB} GB`,
        ),
        ...(i.volumes ?? []).map((v: Json) =>
          v.azureFile ? `Azure Files ${v.azureFile.shareName}` : v.secret && typeof v.secret === "object" ? `files ${Object.keys(v.secret).join(", ")}` : v.name,
        ),
      );
    case "azure-native:storage:FileShare":
      return join(`share ${i.shareName}`, `in ${i.accountName}`, `${i.shareQuota} GiB`);
    case "random:index/randomPassword:RandomPassword":
      return `${i.length} characters, secret`;
    case "azure-native:authorization:RoleAssignment":
      return join(ROLE_NAMES[last(i.roleDefinitionId) ?? ""] ?? last(i.roleDefinitionId), `on ${last(i.scope)}`);
    case "azure-native:authorization:RoleDefinition":
      return join(`custom role '${i.roleName}'`, `${(i.permissions ?? []).flatMap((p: Json) => p.actions ?? []).length} actions`);
    case "azure-native:managedidentity:UserAssignedIdentity":
      return join(i.resourceName, "user-assigned identity");
    case "azure-native:app:ManagedEnvironment":
      return join(i.environmentName, i.location);
    case "azure-native:app:Job":
      return join(
        i.jobName,
        `schedule ${i.configuration?.scheduleTriggerConfig?.cronExpression} (UTC)`,
        i.template?.containers?.[0]?.image,
        `timeout ${i.configuration?.replicaTimeout} s`,
      );
    default:
      return "";
  }
}

export function renderOutputs(outputs: Record<string, unknown>): string {
  const table = new Table({ head: ["output", "value"], style: { head: [], border: [] }, wordWrap: true, wrapOnWordBoundary: false, colWidths: [20, 90] });
  for (const [key, value] of Object.entries(outputs)) {
    if (key === "endpoints" && value && typeof value === "object") {
      const entries = Object.entries(value as Record<string, { kind: string; scoringUri: string }>);
      table.push([key, entries.length === 0 ? "(none)" : entries.map(([n, e]) => `${n} (${e.kind}): ${e.scoringUri}`).join("\n")]);
    } else {
      table.push([key, typeof value === "string" ? value : JSON.stringify(value)]);
    }
  }
  return table.toString();
}

function renderCost(json: PlanJson): string {
  const cost = json.costPerHour;
  const table = new Table({
    head: ["item", `${cost.currency}/hour`, "basis"],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [36, 12, 72],
  });
  for (const item of cost.items) {
    table.push([item.item, item.usdPerHour === null ? "n/a" : item.usdPerHour.toFixed(4), item.description]);
  }
  table.push(["total (while all run)", cost.totalUsdPerHour.toFixed(4), ""]);
  return [
    `Estimated cost per hour (${cost.priceRegion} list prices as of ${cost.retrievedOn}; estimates, not a quote):`,
    table.toString(),
  ].join("\n");
}
