import { ReadPriority, type ArmBudget } from "../../azure/arm-budget";
import { DATABRICKS_API_VERSION } from "../../removal/soft-delete";
import { RESOURCES_API_VERSION } from "../../removal/arm-groups";
import { CLASS_ID_TAG } from "../../config/lab-tags";

/**
 * A class's labs as Azure has them: every resource group tagged with the class's id, in each of the
 * class's subscriptions, read with ARM's own tag filter (one strongly consistent list per subscription,
 * not Resource Graph, which can lag behind a deploy that just finished), and each lab's Databricks
 * workspace. Local state can vanish (Cloud Shell); this cannot. Managed groups (a Databricks workspace's
 * `databricks-rg-*`, which gets the workspace's tags) are the workspace's, never a lab of their own.
 */
export interface ClassGroup {
  subscription: string;
  name: string;
  location?: string;
  tags: Record<string, string>;
  provisioningState?: string;
  managedBy?: string | null;
}

export interface ClassWorkspace {
  provisioningState: string;
  workspaceUrl?: string;
}

interface GroupBody {
  name?: string;
  location?: string;
  managedBy?: string | null;
  tags?: Record<string, unknown> | null;
  properties?: { provisioningState?: string } | null;
}

export async function listClassGroups(budget: ArmBudget, subscription: string, classId: string): Promise<ClassGroup[]> {
  const filter = `tagName eq '${CLASS_ID_TAG}' and tagValue eq '${classId}'`;
  const path = `/subscriptions/${subscription}/resourcegroups?$filter=${encodeURIComponent(filter)}`;
  const { items } = await budget.readAllPages<GroupBody>(subscription, ReadPriority.reRead, path, RESOURCES_API_VERSION);
  // A Databricks workspace's managed group carries the workspace's tags too; it is the workspace's, not a lab.
  return items
    .filter((g) => typeof g.name === "string" && !g.managedBy)
    .map((g) => ({
      subscription: subscription.toLowerCase(),
      name: g.name!,
      ...(g.location ? { location: g.location } : {}),
      tags: Object.fromEntries(Object.entries(g.tags ?? {}).filter((e): e is [string, string] => typeof e[1] === "string")),
      ...(g.properties?.provisioningState ? { provisioningState: g.properties.provisioningState } : {}),
      managedBy: g.managedBy ?? null,
    }));
}

export async function readClassWorkspace(budget: ArmBudget, subscription: string, resourceGroup: string, workspace: string): Promise<ClassWorkspace | undefined> {
  const response = await budget.read<{ properties?: { provisioningState?: string; workspaceUrl?: string } }>(subscription, ReadPriority.verify, {
    method: "GET",
    path: `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Databricks/workspaces/${workspace}`,
    apiVersion: DATABRICKS_API_VERSION,
    allowStatus: [404],
  });
  if (response.status === 404) return undefined;
  const url = response.body?.properties?.workspaceUrl;
  return { provisioningState: response.body?.properties?.provisioningState ?? "Unknown", ...(url ? { workspaceUrl: url.startsWith("https://") ? url : `https://${url}` } : {}) };
}
