/**
 * Discovery through Azure Resource Graph: one query across all allowed subscriptions, paged with
 * `$skipToken`. Resource Graph is eventually consistent, so what it returns is only a candidate list:
 * every candidate is read again through ARM right before anything is done to it.
 */
import type { ArmClient } from "../../azure/arm-client";
import type { LabResource, ResourceGroupRecord } from "../../removal/records";

export const RESOURCE_GRAPH_API_VERSION = "2024-04-01";
const PAGE_SIZE = 1000;

interface QueryResponse {
  totalRecords?: number;
  count?: number;
  resultTruncated?: string;
  $skipToken?: string;
  data?: unknown;
}

/** Runs a Resource Graph query and returns every row, following `$skipToken` until it is absent. */
export async function queryResourceGraph(
  client: ArmClient,
  subscriptions: readonly string[],
  query: string,
): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  let skipToken: string | undefined;
  const seen = new Set<string>();
  do {
    const response = await client.request<QueryResponse>({
      method: "POST",
      path: "/providers/Microsoft.ResourceGraph/resources",
      apiVersion: RESOURCE_GRAPH_API_VERSION,
      body: {
        subscriptions,
        query,
        options: { $top: PAGE_SIZE, resultFormat: "objectArray", ...(skipToken ? { $skipToken: skipToken } : {}) },
      },
    });
    rows.push(...dataRows(response.body?.data));
    skipToken = typeof response.body?.$skipToken === "string" && response.body.$skipToken !== "" ? response.body.$skipToken : undefined;
    if (skipToken && seen.has(skipToken)) throw new Error("Resource Graph returned the same $skipToken twice");
    if (skipToken) seen.add(skipToken);
  } while (skipToken);
  return rows;
}

/** Rows in either result format: objectArray (an array of objects) or table ({columns, rows}). */
function dataRows(data: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(data)) return data.filter((r): r is Record<string, unknown> => !!r && typeof r === "object");
  if (data && typeof data === "object" && Array.isArray((data as { columns?: unknown }).columns)) {
    const { columns, rows } = data as { columns: Array<{ name: string }>; rows: unknown[][] };
    return (rows ?? []).map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]])));
  }
  return [];
}

/**
 * Every resource group of the allowed subscriptions. Tag names are case-insensitive in ARM but not in
 * KQL (`tags['managed-by']` misses `Managed-By`), so the query does not filter on tags: the policy
 * does, on every group, with ARM's rules.
 */
export const LAB_GROUPS_QUERY = [
  "resourcecontainers",
  "| where type =~ 'microsoft.resources/subscriptions/resourcegroups'",
  "| project id, name, subscriptionId, tags, managedBy, properties",
].join("\n");

export async function discoverLabGroups(client: ArmClient, subscriptions: readonly string[]): Promise<ResourceGroupRecord[]> {
  const rows = await queryResourceGraph(client, subscriptions, LAB_GROUPS_QUERY);
  return rows.map(groupFromRow).filter((g): g is ResourceGroupRecord => g !== undefined);
}

export function groupFromRow(row: Record<string, unknown>): ResourceGroupRecord | undefined {
  const id = typeof row.id === "string" ? row.id : undefined;
  const name = typeof row.name === "string" ? row.name : undefined;
  const subscriptionId = typeof row.subscriptionId === "string" ? row.subscriptionId : id?.split("/")[2];
  if (!id || !name || !subscriptionId) return undefined;
  const properties = row.properties && typeof row.properties === "object" ? (row.properties as Record<string, unknown>) : {};
  return {
    subscriptionId,
    name,
    id,
    tags: row.tags && typeof row.tags === "object" ? (row.tags as Record<string, unknown>) : {},
    managedBy: typeof row.managedBy === "string" ? row.managedBy : null,
    provisioningState: typeof properties.provisioningState === "string" ? properties.provisioningState : null,
    // Resource Graph does not carry locks; the ARM re-read fills them in.
    locks: [],
  };
}

/** Types whose plain delete leaves a name-blocking soft-deleted record, or a managed group behind. */
export const PRE_DELETE_TYPES = [
  "microsoft.machinelearningservices/workspaces",
  "microsoft.operationalinsights/workspaces",
  "microsoft.databricks/workspaces",
] as const;

/** Tags are checked by the purge policy afterwards, for the same case-insensitivity reason as above. */
export const LAB_RESOURCES_QUERY = [
  "resources",
  `| where type in~ (${PRE_DELETE_TYPES.map((t) => `'${t}'`).join(", ")})`,
  "| project id, name, type, subscriptionId, resourceGroup, location, tags, properties",
].join("\n");

export async function discoverLabResources(client: ArmClient, subscriptions: readonly string[]): Promise<LabResource[]> {
  const rows = await queryResourceGraph(client, subscriptions, LAB_RESOURCES_QUERY);
  return rows.flatMap((row) => {
    const resource = labResourceFromRow(row);
    return resource ? [resource] : [];
  });
}

export function labResourceFromRow(row: Record<string, unknown>): LabResource | undefined {
  const id = typeof row.id === "string" ? row.id : undefined;
  if (!id) return undefined;
  const parts = id.split("/");
  const type = typeof row.type === "string" ? row.type.toLowerCase() : `${parts[6]}/${parts[7]}`.toLowerCase();
  return {
    id,
    name: typeof row.name === "string" ? row.name : parts[parts.length - 1],
    type,
    subscriptionId: typeof row.subscriptionId === "string" ? row.subscriptionId : parts[2],
    resourceGroup: typeof row.resourceGroup === "string" ? row.resourceGroup : parts[4],
    location: typeof row.location === "string" ? row.location : undefined,
    tags: row.tags && typeof row.tags === "object" ? (row.tags as Record<string, unknown>) : {},
    properties: row.properties && typeof row.properties === "object" ? (row.properties as Record<string, unknown>) : {},
  };
}
