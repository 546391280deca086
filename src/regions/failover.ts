import { LAB_CATALOG_MISSING, UNITY_CATALOG_MISSING } from "../lab/databricks/unity-check";
import { normalizeLocation, sameSize } from "./normalize";
import { azureMlFamilyRow } from "./stack-quota";
import type { BlockEntry } from "./blocklist";

/**
 * Failover scoping, pure: what a failed create means for the next attempt. Quota, capacity and size
 * errors block a (region[, family | size]) for a while and move on; a missing provider registration is
 * registered and retried in the same region; throttling is retried and never fails over; subscription,
 * authorization and policy errors stop at once, because no other region can fix them.
 * Codes and messages follow ARM's error reference
 * (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors) and the
 * Databricks workspace failures learners report (MicrosoftLearning/dp-203-azure-data-engineer#132, #109;
 * MicrosoftLearning/mslearn-databricks#123).
 */

export interface ArmErrorLike {
  code?: string;
  message?: string;
  status?: number;
  details?: readonly ArmErrorLike[];
}

export interface BlockScope {
  region: string;
  nodeType?: string;
  /** A quota family (`standardDSv2Family`), or `cores` for the regional total. */
  family?: string;
  feature?: "serving";
}

export type FailoverDecision =
  | { action: "failover"; scope: BlockScope; ttlMs: number; code: string; reason: string; unrecognised?: boolean }
  | { action: "register"; namespace: string; code: string; reason: string }
  | { action: "retry"; afterMs: number; code: string; reason: string }
  | { action: "stop"; code: string; reason: string };

export interface AttemptContext {
  region: string;
  nodeType: string;
  /** The node type's quota family, when known (used when a quota message names none). */
  family?: string;
  /**
   * The stack's other VMs (AKS node pool, managed endpoint instances) with their quota families, so a
   * failure that names one of them blocks that size or family instead of the Databricks node's.
   */
  stackVms?: ReadonlyArray<StackVmFacts>;
}

export interface StackVmFacts {
  role: string;
  vmSize: string;
  /** Compute family (`standardDSv5Family`), when known. */
  family?: string;
  quota: "compute" | "azureml";
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How long each kind of block lasts: capacity is transient, quota rarely changes within a lab's day. */
export const BLOCK_TTL = {
  quota: 2 * HOUR,
  capacity: 30 * MINUTE,
  regionAccess: 24 * HOUR,
  serving: 7 * 24 * HOUR,
  transient: 15 * MINUTE,
  unrecognised: 15 * MINUTE,
} as const;

/** Wrapper codes that only say "something inside failed". */
const WRAPPER_CODES = new Set(["deploymentfailed", "invalidtemplatedeployment", "resourcedeploymentfailure", "multipleerrorsoccurred"]);

interface FlatError {
  code: string;
  message: string;
  status?: number;
}

/** Codes embedded in engine/SDK text: `Code="X" Message="Y"`, `"code":"X","message":"Y"`, `ERROR CODE: X`. */
function embeddedErrors(message: string): FlatError[] {
  const found: FlatError[] = [];
  for (const m of message.matchAll(/Code="([A-Za-z_]+)"\s+Message="((?:[^"\\]|\\.)*)"/g)) found.push({ code: m[1]!, message: m[2]! });
  for (const m of message.matchAll(/"code"\s*:\s*"([A-Za-z_]+)"\s*,\s*"message"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) found.push({ code: m[1]!, message: m[2]!.replace(/\\"/g, '"') });
  for (const m of message.matchAll(/ERROR CODE:\s*([A-Za-z_]+)/g)) found.push({ code: m[1]!, message });
  for (const m of message.matchAll(/\b([A-Z][A-Z_]{5,}(?:_EXCEPTION|_STOCKOUT|_FAILURE|_THROTTLING|_EXCEEDED))\b/g)) found.push({ code: m[1]!, message });
  return found;
}

export function flattenErrors(errors: readonly ArmErrorLike[]): FlatError[] {
  const out: FlatError[] = [];
  const visit = (error: ArmErrorLike) => {
    const code = error.code ?? "";
    const message = error.message ?? "";
    out.push({ code, message, status: error.status });
    for (const inner of embeddedErrors(message)) out.push(inner);
    for (const detail of error.details ?? []) visit(detail);
  };
  errors.forEach(visit);
  return out;
}

const QUOTA_FAMILY = /exceeding approved (.+?) (?:Cores|vCPUs?) quota/i;
const TOTAL_CORES = /quota limits of Core\b|Total Regional (?:Cores|vCPUs)/i;
const NAMESPACE = /namespace '([^']+)'/i;

function quotaFamily(message: string, context: AttemptContext): string | undefined {
  if (TOTAL_CORES.test(message)) return "cores";
  const match = QUOTA_FAMILY.exec(message);
  if (match) {
    const name = match[1]!.trim();
    return /^total regional$/i.test(name) ? "cores" : name.replace(/\s+/g, "");
  }
  if (/lowpriority/i.test(message)) return "lowPriorityCores";
  return context.family;
}

function isQuotaMessage(message: string): boolean {
  return /exceeding (?:approved|quota)|quota limits|quota exceeded|Current Limit:|not enough quota/i.test(message);
}

/** The rest of the line after `code:` (engine text may go on with a stack trace), shortened. */
function lineAfter(text: string, code: string): string {
  return short(text.slice(text.indexOf(`${code}:`) + code.length + 1).split("\n")[0]!);
}

function short(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > 220 ? `${line.slice(0, 217)}...` : line;
}

const AKS_FAMILY_QUOTA = /Insufficient vcpu quota requested \d+, remaining -?\d+ for family (\w+)/i;
const AKS_REGIONAL_QUOTA = /Insufficient regional vcpu quota/i;
const AKS_SIZE_NOT_ALLOWED = /The VM size of AgentPoolProfile:\S+ is not allowed in your subscription/i;
const AZURE_ML_QUOTA = /Not enough quota available for (Standard_[A-Za-z0-9_-]+)/i;

/** The stack VM a message names by its size, if any (the Databricks node's own size is not a stack VM). */
function namedStackVm(text: string, context: AttemptContext): StackVmFacts | undefined {
  return context.stackVms?.find((vm) => new RegExp(`\\b${vm.vmSize}\\b`, "i").test(text) && !sameSize(vm.vmSize, context.nodeType));
}

/**
 * Failures of the AKS node pool and of managed endpoint deployments, which quote their own wording:
 * AKS "ErrCode_InsufficientVCPUQuota: Insufficient vcpu quota requested 2, remaining 0 for family
 * StandardDasv7Family for region eastus" (1ChristianAlex/motordesk#14) and "The VM size of
 * AgentPoolProfile:nodepool1 is not allowed in your subscription in location '…'"
 * (MicrosoftDocs/azure-docs#94262); Azure ML "Not enough quota available for Standard_DS2_v2 …"
 * (its own quota, counted with a 20% upgrade reserve).
 */
function classifyStackVm(error: FlatError, context: AttemptContext, region: string): FailoverDecision | undefined {
  const text = error.message;
  const code = error.code;
  if (/insufficientvcpuquota/i.test(code) || AKS_FAMILY_QUOTA.test(text) || AKS_REGIONAL_QUOTA.test(text)) {
    const family = AKS_REGIONAL_QUOTA.test(text) ? "cores" : AKS_FAMILY_QUOTA.exec(text)?.[1] ?? context.stackVms?.find((vm) => vm.quota === "compute")?.family;
    return { action: "failover", scope: family ? { region, family } : { region }, ttlMs: BLOCK_TTL.quota, code: code || "ErrCode_InsufficientVCPUQuota", reason: `quota exceeded for the AKS node pool (${family ?? "compute"}) in ${region}` };
  }
  if (AKS_SIZE_NOT_ALLOWED.test(text)) {
    const aks = context.stackVms?.find((vm) => vm.role.startsWith("AKS"));
    if (aks) return { action: "failover", scope: { region, nodeType: aks.vmSize }, ttlMs: BLOCK_TTL.regionAccess, code: code || "BadRequest", reason: `${aks.vmSize} for the AKS node pool is not allowed in ${region}` };
  }
  const azureMl = AZURE_ML_QUOTA.exec(text);
  if (azureMl) {
    const vm = context.stackVms?.find((v) => v.quota === "azureml" && sameSize(v.vmSize, azureMl[1]!));
    const scope: BlockScope = vm?.family ? { region, family: azureMlFamilyRow(vm.family) } : { region, nodeType: azureMl[1]! };
    return { action: "failover", scope, ttlMs: BLOCK_TTL.quota, code: code || "QuotaExceeded", reason: `Azure ML quota exceeded for ${azureMl[1]} (managed endpoint) in ${region}` };
  }
  return undefined;
}

/** Classifies one error; undefined when it says nothing decisive (wrappers). */
function classifyOne(error: FlatError, context: AttemptContext): FailoverDecision | undefined {
  const code = error.code;
  const lower = code.toLowerCase();
  const text = error.message;
  const region = normalizeLocation(context.region);
  const here = `${context.nodeType} in ${region}`;

  // Databricks workspace `Failed` states from account/tenant limits: no region can fix these.
  if (/Cannot have more than \d+ users and service principals in one account/i.test(text)) {
    return { action: "stop", code: code || "QUOTA_EXCEEDED", reason: `the Databricks account of this Azure AD tenant is full (${short(text)}); use a subscription in another tenant, or ask the lab provider to remove old users from the account` };
  }
  if (/Workspace Creator App ID could not be found/i.test(text)) {
    return { action: "stop", code: code || "WorkspaceCreatorAppNotFound", reason: `the tenant lacks the AzureDatabricks enterprise application (${short(text)}); ask a tenant admin, or use a subscription in another tenant` };
  }
  if (/(?:privilege|permissions?) quota exceeded/i.test(text)) {
    return { action: "stop", code: code || "QUOTA_EXCEEDED", reason: `a Databricks account limit was reached (${short(text)}); ask the lab provider, or use a subscription in another tenant` };
  }
  // The lab's Unity Catalog check (src/lab/databricks/unity-check.ts): the account, not the region, lacks
  // Unity Catalog, or the config names a catalog that is not there. Another region cannot fix either.
  if (text.includes(`${UNITY_CATALOG_MISSING}:`)) {
    return {
      action: "stop",
      code: UNITY_CATALOG_MISSING,
      reason:
        `Unity Catalog is not enabled in this lab's Databricks workspace (${lineAfter(text, UNITY_CATALOG_MISSING)}): ` +
        "the Databricks account has no metastore for it, so the lab's volume and Unity Catalog model cannot exist. An account that still has the DBFS root, Hive metastore and workspace model registry runs the lab with catalogMode legacy: tear this lab down, set azure-mlflow-lab:catalogMode: legacy (with compute classic) in the stack file, and deploy again; or ask a Databricks account admin to assign a metastore to the workspace",
    };
  }
  if (text.includes(`${LAB_CATALOG_MISSING}:`)) {
    return { action: "stop", code: LAB_CATALOG_MISSING, reason: lineAfter(text, LAB_CATALOG_MISSING) };
  }
  if (/Model serving is not enabled for your shard/i.test(text)) {
    return { action: "failover", scope: { region, feature: "serving" }, ttlMs: BLOCK_TTL.serving, code: code || "ModelServingNotEnabled", reason: `model serving is not enabled in ${region}` };
  }

  // Throttling and concurrent operations: wait and retry the same region, never fail over.
  if (error.status === 429 || ["subscriptionrequeststhrottled", "toomanyrequests", "resourcecollectionrequeststhrottled", "retryableerrorduetoanotheroperation", "azure_resource_manager_throttling", "azure_resource_provider_throttling"].includes(lower)) {
    return { action: "retry", afterMs: 30_000, code: code || "TooManyRequests", reason: `Azure is throttling requests (${short(text) || code}); retrying` };
  }
  if (lower === "resourcegroupbeingdeleted" || lower === "anotheroperationinprogress") {
    return { action: "retry", afterMs: 30_000, code, reason: short(text) || code };
  }

  // Provider registration: register and retry here.
  if (lower === "missingsubscriptionregistration" || (lower === "noregisteredproviderfound" && !/supported locations/i.test(text))) {
    const namespace = NAMESPACE.exec(text)?.[1];
    if (namespace) return { action: "register", namespace, code, reason: `provider ${namespace} is not registered; registering and retrying` };
    return { action: "stop", code, reason: `a resource provider is not registered and the message names none (${short(text)}); register it with 'az provider register'` };
  }

  // Subscription, identity and policy: stop at once with the fix.
  if (["authorizationfailed", "linkedauthorizationfailed", "invalidauthenticationtoken", "invalidauthenticationtokentenant", "authenticationfailed", "expiredauthenticationtoken", "clientauthenticationerror", "credentialunavailableerror"].includes(lower) || error.status === 401) {
    return { action: "stop", code: code || "AuthenticationFailed", reason: `not authorized (${short(text) || code}); sign in again (az login) or ask for Contributor on the subscription` };
  }
  if (["readonlydisabledsubscription", "subscriptionnotfound", "invalidsubscriptionid", "subscriptiondisabled", "disallowedoperation", "subscriptionnotregistered"].includes(lower)) {
    return { action: "stop", code, reason: `the subscription cannot be used (${code}: ${short(text)}); pick another subscription with --subscription` };
  }
  if (lower === "requestdisallowedbypolicy") {
    return { action: "stop", code, reason: `blocked by Azure Policy (${short(text)}); run 'mlflow-lab regions' to see the regions the policy allows, or ask the subscription admin` };
  }
  if (lower === "scopelocked" || lower === "resourcequotaexceeded") {
    return { action: "stop", code, reason: short(text) || code };
  }

  const stackVm = classifyStackVm(error, context, region);
  if (stackVm) return stackVm;

  // Quota: block the family (or every size, for the regional total) in this region.
  if (lower === "quotaexceeded" || lower === "azure_quota_exceeded_exception" || ((lower === "operationnotallowed" || lower === "azure_operation_not_allowed_exception") && isQuotaMessage(text))) {
    const family = quotaFamily(text, context);
    const scope: BlockScope = family ? { region, family } : { region };
    return { action: "failover", scope, ttlMs: BLOCK_TTL.quota, code, reason: `quota exceeded for ${family ?? "compute"} in ${region}` };
  }

  // Size or capacity: block this size (the stack VM's, when the message names one) in this region for a while.
  const sized = namedStackVm(text, context);
  const size = sized?.vmSize ?? context.nodeType;
  const what = sized ? `${sized.vmSize} (${sized.role}) in ${region}` : here;
  if (lower === "skunotavailable" || /is currently not available in location/i.test(text) || /Capacity Restrictions/i.test(text)) {
    return { action: "failover", scope: { region, nodeType: size }, ttlMs: BLOCK_TTL.capacity, code: code || "SkuNotAvailable", reason: `${what} is not available now` };
  }
  if (["allocationfailed", "zonalallocationfailed", "overconstrainedallocationrequest", "cloud_provider_resource_stockout", "cloud_provider_launch_failure"].includes(lower)) {
    return { action: "failover", scope: { region, nodeType: size }, ttlMs: BLOCK_TTL.capacity, code, reason: `no capacity for ${what}` };
  }
  if (["regiondoesnotallowprovisioning", "unsupportedregion", "locationnotavailableforresourcetype", "noregisteredproviderfound"].includes(lower)) {
    return { action: "failover", scope: { region }, ttlMs: BLOCK_TTL.regionAccess, code, reason: `${region} does not accept this deployment (${code})` };
  }
  if (["internalservererror", "serviceunavailable", "internalerror", "gatewaytimeout"].includes(lower)) {
    return { action: "failover", scope: { region }, ttlMs: BLOCK_TTL.transient, code, reason: `the service failed in ${region} (${short(text) || code})` };
  }
  // No code we know, but ARM's quota sentence is unambiguous (engines sometimes drop the code).
  if (/exceeding approved .+ quota|quota limits of Core/i.test(text)) {
    const family = quotaFamily(text, context);
    return { action: "failover", scope: family ? { region, family } : { region }, ttlMs: BLOCK_TTL.quota, code: code || "QuotaExceeded", reason: `quota exceeded for ${family ?? "compute"} in ${region}` };
  }
  return undefined;
}

const PRECEDENCE: Record<FailoverDecision["action"], number> = { stop: 4, register: 3, failover: 2, retry: 1 };

/**
 * The decision for a failed attempt. With several errors (a DeploymentFailed with details, an engine
 * reporting several resources), the most decisive wins: stop > register > failover > retry. An error
 * nobody recognises blocks the region briefly (SkyPilot's Azure rule) and is marked so the deploy flow
 * can cap how many regions it burns on errors it does not understand.
 */
export function classifyFailure(errors: readonly ArmErrorLike[], context: AttemptContext): FailoverDecision {
  const flat = flattenErrors(errors);
  let best: FailoverDecision | undefined;
  for (const error of flat) {
    const decision = classifyOne(error, context);
    if (decision && (!best || PRECEDENCE[decision.action] > PRECEDENCE[best.action])) best = decision;
  }
  if (best) return best;
  const first = flat.find((e) => e.code && !WRAPPER_CODES.has(e.code.toLowerCase())) ?? flat[0];
  const region = normalizeLocation(context.region);
  return {
    action: "failover",
    scope: { region },
    ttlMs: BLOCK_TTL.unrecognised,
    code: first?.code || "Unknown",
    reason: `unrecognised failure in ${region}: ${short(first?.message || first?.code || "no error text")}`,
    unrecognised: true,
  };
}

export function blockEntryFor(decision: Extract<FailoverDecision, { action: "failover" }>, now: Date): BlockEntry {
  return {
    ...decision.scope,
    reason: decision.reason,
    code: decision.code,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + decision.ttlMs).toISOString(),
  };
}
