import type { ArmClient } from "../../azure/arm-client";
import type { UsageRow } from "../signals";

/**
 * Azure ML's own quota in one region (managed online endpoints draw on it, not on Microsoft.Compute's):
 * `GET /subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{loc}/usages`. Only the
 * subscription-level rows are kept (types `…/vmFamily/usages`, `…/dedicatedCores/usages`,
 * `…/totalCores/usages`): the same names repeat per workspace and per compute with other types
 * (spec example Usage/list.json, stable 2024-10-01). Read through the toolkit's ARM pipeline:
 * @azure/arm-machinelearning 2.1.1 is the newest installable package and defaults to api 2022-10-01.
 * Azure ML's endpoint count limit (100 per subscription and region) is not among these rows, so it
 * cannot be checked before a deploy.
 */
export const AZURE_ML_USAGES_API_VERSION = "2024-10-01";

interface AzureMlUsage {
  type?: string;
  name?: { value?: string };
  currentValue?: number | string;
  limit?: number | string;
}

const SUBSCRIPTION_LEVEL = /\/(vmFamily|dedicatedCores|totalCores|lowPriorityCores)\/usages$/i;

export async function readAzureMlUsages(arm: ArmClient, subscriptionId: string, location: string): Promise<UsageRow[]> {
  const items = await arm.listAll<AzureMlUsage>(
    `/subscriptions/${subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${location}/usages`,
    AZURE_ML_USAGES_API_VERSION,
  );
  const rows: UsageRow[] = [];
  for (const usage of items) {
    const name = usage.name?.value;
    if (!name || !SUBSCRIPTION_LEVEL.test(usage.type ?? "")) continue;
    rows.push({ name, currentValue: Number(usage.currentValue), limit: Number(usage.limit) });
  }
  return rows;
}
