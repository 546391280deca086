import { LabTag, MANAGED_BY } from "../config/lab-tags";
import { explainRejectedTimestamp, parseUtcTimestamp } from "../config/timestamps";
import { KEY_VARIABLE, PROXY_CONTAINER } from "../lab/endpoints/aci-containers";
import { DEPLOY_TIME } from "./markers";

/**
 * Lab guardrails: plain policy functions over what the program registers ({type, name, inputs}). The
 * plan runs them over every resource and fails on a violation; the tests run them over every preset.
 * They encode what makes a lab a lab (cheap, findable, not open to the internet), independent of how
 * the program happens to build the resources.
 */
export interface ResourceRecord {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface Violation {
  rule: string;
  resource: string;
  type: string;
  problem: string;
}

/** What the whole lab is, read from its workspace: the rules for its other resources depend on it. */
export interface LabShape {
  /** The workspace's default catalog is Unity Catalog, or it is Serverless (Unity Catalog only). */
  unityCatalog: boolean;
  serverless: boolean;
}

export interface Guardrail {
  rule: string;
  description: string;
  /** Problems found on this resource; empty when it complies or the rule does not apply. */
  check(resource: ResourceRecord, lab: LabShape): string[];
}

const DATABRICKS_WORKSPACE = "azure-native:databricks:Workspace";
const DATABRICKS_CLUSTER = "databricks:index/cluster:Cluster";
const DATABRICKS_SERVING = "databricks:index/modelServing:ModelServing";
const DBFS_FILE = "databricks:index/dbfsFile:DbfsFile";
const ONLINE_ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint";
const CONTAINER_GROUP = "azure-native:containerinstance:ContainerGroup";
export const MAX_AUTOTERMINATION_MINUTES = 60;

/** Azure resource types that take no tags (extension resources / proxies). */
const UNTAGGABLE_AZURE_TYPES = new Set([
  "azure-native:kubernetesconfiguration:Extension",
  "azure-native:authorization:RoleAssignment",
  // A share inside a storage account: ARM tags live on the account (it carries the lab's).
  "azure-native:storage:FileShare",
]);

type Json = Record<string, any>;

/** Where a resource keeps its tags, or undefined when it cannot carry any. */
function tagsOf(resource: ResourceRecord): { present: boolean; tags: Record<string, unknown> } | undefined {
  const inputs = resource.inputs as Json;
  if (resource.type === DATABRICKS_CLUSTER) return { present: "customTags" in inputs, tags: inputs.customTags ?? {} };
  if (resource.type === DATABRICKS_SERVING) {
    const list: Array<{ key: string; value: unknown }> = Array.isArray(inputs.tags) ? inputs.tags : [];
    return { present: Array.isArray(inputs.tags), tags: Object.fromEntries(list.map((t) => [t.key, t.value])) };
  }
  if (resource.type.startsWith("azure-native:") && !UNTAGGABLE_AZURE_TYPES.has(resource.type)) {
    return { present: "tags" in inputs, tags: inputs.tags ?? {} };
  }
  return undefined;
}

/**
 * Why expires-at is not a date cleanup and the janitor can read, by the same strict reader they use
 * (src/config/timestamps.ts: UTC only), or undefined; the value the deploy fills in (the lease) passes.
 */
function expiryProblem(value: string): string | undefined {
  if (value === DEPLOY_TIME || parseUtcTimestamp(value)) return undefined;
  return explainRejectedTimestamp(value);
}

/** Workspace properties ARM rejects on a Serverless workspace (Microsoft.Databricks API 2026-01-01). */
const NOT_ON_SERVERLESS = ["managedResourceGroupId", "parameters", "defaultCatalog", "requiredNsgRules", "accessConnector", "defaultStorageFirewall"];

export function labShape(resources: readonly ResourceRecord[]): LabShape {
  const workspace = resources.find((r) => r.type === DATABRICKS_WORKSPACE)?.inputs as Json | undefined;
  const serverless = workspace?.computeMode === "Serverless";
  return { serverless, unityCatalog: serverless || workspace?.defaultCatalog?.initialType === "UnityCatalog" };
}

export const GUARDRAILS: readonly Guardrail[] = [
  {
    rule: "premium-workspace",
    description: "The Databricks workspace is Premium (model serving and single-user clusters need it).",
    check(resource) {
      if (resource.type !== DATABRICKS_WORKSPACE) return [];
      const sku = (resource.inputs as Json).sku?.name;
      return sku === "premium" ? [] : [`sku is ${JSON.stringify(sku ?? null)}, must be "premium"`];
    },
  },
  {
    rule: "unity-catalog-data",
    description: "A Unity Catalog lab keeps nothing on the DBFS root: accounts created today have none (\"Public DBFS root is disabled\").",
    check(resource, lab) {
      if (!lab.unityCatalog || resource.type !== DBFS_FILE) return [];
      return [`writes dbfs:${(resource.inputs as Json).path ?? "?"} in a Unity Catalog lab; put the file in the lab's volume`];
    },
  },
  {
    rule: "serverless-compute",
    description: "A serverless lab runs no cluster (no VMs, no quota) and its workspace has no managed resource group or other Hybrid-only property.",
    check(resource, lab) {
      if (!lab.serverless) return [];
      if (resource.type === DATABRICKS_CLUSTER) return ["is a classic cluster in a serverless lab, which needs VM quota the lab promises not to use"];
      if (resource.type !== DATABRICKS_WORKSPACE) return [];
      const inputs = resource.inputs as Json;
      return NOT_ON_SERVERLESS.filter((key) => inputs[key] !== undefined).map((key) => `sets ${key}, which ARM rejects on a Serverless workspace`);
    },
  },
  {
    rule: "autotermination",
    description: `Clusters stop after at most ${MAX_AUTOTERMINATION_MINUTES} idle minutes (0 would never stop).`,
    check(resource) {
      if (resource.type !== DATABRICKS_CLUSTER) return [];
      const minutes = (resource.inputs as Json).autoterminationMinutes;
      if (typeof minutes !== "number" || minutes <= 0) return ["autoterminationMinutes is not set, so the cluster never stops"];
      return minutes > MAX_AUTOTERMINATION_MINUTES
        ? [`autoterminationMinutes is ${minutes}, at most ${MAX_AUTOTERMINATION_MINUTES}`]
        : [];
    },
  },
  {
    rule: "no-photon",
    description: "Clusters run the standard engine: Photon costs more DBUs and the lab does not need it.",
    check(resource) {
      if (resource.type !== DATABRICKS_CLUSTER) return [];
      const inputs = resource.inputs as Json;
      const problems: string[] = [];
      if (String(inputs.runtimeEngine ?? "").toUpperCase() === "PHOTON") problems.push("runtimeEngine is PHOTON");
      if (/photon/i.test(String(inputs.sparkVersion ?? ""))) problems.push(`sparkVersion ${inputs.sparkVersion} is a Photon runtime`);
      return problems;
    },
  },
  {
    rule: "lab-tags",
    description: "Every taggable resource carries the lab tags, with a parseable (or deploy-time) expires-at.",
    check(resource) {
      const found = tagsOf(resource);
      if (!found) return [];
      if (!found.present) return ["has no tags"];
      const problems: string[] = [];
      for (const key of Object.values(LabTag)) {
        const value = found.tags[key];
        if (typeof value !== "string" || value === "") problems.push(`tag ${key} is missing`);
      }
      const expiry = found.tags[LabTag.expiresAt];
      const expiryText = typeof expiry === "string" && expiry !== "" ? expiryProblem(expiry) : undefined;
      if (expiryText) problems.push(`tag ${LabTag.expiresAt} '${expiry}' ${expiryText} (cleanup would keep the lab forever)`);
      const managedBy = found.tags[LabTag.managedBy];
      if (typeof managedBy === "string" && managedBy !== "" && managedBy !== MANAGED_BY) {
        problems.push(`tag ${LabTag.managedBy} is '${managedBy}', must be '${MANAGED_BY}'`);
      }
      return problems;
    },
  },
  {
    rule: "endpoint-auth",
    description: "No serving endpoint accepts anonymous calls.",
    check(resource) {
      const inputs = resource.inputs as Json;
      if (resource.type === ONLINE_ENDPOINT) {
        const mode = inputs.properties?.authMode;
        return ["Key", "AMLToken", "AADToken"].includes(mode) ? [] : [`authMode is ${JSON.stringify(mode ?? null)}`];
      }
      if (resource.type === CONTAINER_GROUP) return containerGroupAuthProblems(inputs);
      return [];
    },
  },
];

/**
 * A public container group must answer only through the authenticating proxy: the proxy container owns
 * every public port and has the key as a secure value; no other container listens on a public port.
 */
function containerGroupAuthProblems(inputs: Json): string[] {
  if (inputs.ipAddress?.type !== "Public") return [];
  const publicPorts: number[] = (inputs.ipAddress?.ports ?? []).map((p: Json) => p.port);
  const containers: Json[] = Array.isArray(inputs.containers) ? inputs.containers : [];
  const proxy = containers.find((c) => c.name === PROXY_CONTAINER);
  if (!proxy) return [`public ports ${publicPorts.join(", ")} are not behind the ${PROXY_CONTAINER} container`];
  const problems: string[] = [];
  const keyVariable = (proxy.environmentVariables ?? []).find((v: Json) => v.name === KEY_VARIABLE);
  if (!keyVariable || typeof keyVariable.secureValue !== "string" || keyVariable.secureValue === "") {
    problems.push(`${PROXY_CONTAINER} has no endpoint key (${KEY_VARIABLE} as a secure value)`);
  } else if (keyVariable.value !== undefined) {
    problems.push(`${KEY_VARIABLE} is also set as a plain value`);
  }
  const proxyConfig = proxyCaddyfile(inputs, proxy);
  if (typeof proxyConfig !== "string" || !proxyConfig.includes(`@authorized header Authorization "Bearer {$${KEY_VARIABLE}}"`) || !/handle @authorized \{\s*reverse_proxy /.test(proxyConfig)) {
    problems.push(`${PROXY_CONTAINER} does not check the Authorization header against the key`);
  }
  for (const container of containers) {
    if (container === proxy) continue;
    const exposed = (container.ports ?? []).map((p: Json) => p.port).filter((port: number) => publicPorts.includes(port));
    if (exposed.length > 0) problems.push(`container ${container.name} listens on public port ${exposed.join(", ")}, bypassing the proxy`);
  }
  return problems;
}

/**
 * The Caddyfile the proxy runs: the file its `--config` names, read from the secret volume mounted at
 * that folder (base64 in the group's definition); undefined when it cannot be found.
 */
function proxyCaddyfile(inputs: Json, proxy: Json): string | undefined {
  const command: unknown[] = Array.isArray(proxy.command) ? proxy.command : [];
  const configPath = command[command.indexOf("--config") + 1];
  if (command.indexOf("--config") < 0 || typeof configPath !== "string") return undefined;
  for (const mount of (proxy.volumeMounts ?? []) as Json[]) {
    if (typeof mount.mountPath !== "string" || !configPath.startsWith(`${mount.mountPath}/`)) continue;
    const volume = ((inputs.volumes ?? []) as Json[]).find((v) => v.name === mount.name);
    const encoded = volume?.secret?.[configPath.slice(mount.mountPath.length + 1)];
    if (typeof encoded === "string") return Buffer.from(encoded, "base64").toString("utf8");
  }
  return undefined;
}

export function checkGuardrails(resources: readonly ResourceRecord[]): Violation[] {
  const violations: Violation[] = [];
  const lab = labShape(resources);
  for (const resource of resources) {
    for (const guardrail of GUARDRAILS) {
      for (const problem of guardrail.check(resource, lab)) {
        violations.push({ rule: guardrail.rule, resource: resource.name, type: resource.type, problem });
      }
    }
  }
  return violations;
}

export function describeViolation(violation: Violation): string {
  return `${violation.resource} (${violation.type}) breaks ${violation.rule}: ${violation.problem}`;
}
