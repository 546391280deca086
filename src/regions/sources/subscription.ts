import type { Subscription, SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { geographyFromRegionalDisplayName } from "../geography";
import { normalizeLocation } from "../normalize";
import type { SubscriptionSignals } from "../signals";

/** The subscription itself and the regions it can deploy to. */

export interface SubscriptionSummary extends SubscriptionSignals {
  tenantId?: string;
}

function summaryOf(sub: Subscription, id: string): SubscriptionSummary {
  return {
    id,
    displayName: sub.displayName,
    state: sub.state ?? "Unknown",
    quotaId: sub.subscriptionPolicies?.quotaId ?? null,
    tenantId: sub.tenantId,
  };
}

export async function readSubscription(client: SubscriptionClient, subscriptionId: string): Promise<SubscriptionSummary> {
  const sub = await client.subscriptions.get(subscriptionId);
  return summaryOf(sub, sub.subscriptionId ?? subscriptionId);
}

export async function listSubscriptions(client: SubscriptionClient): Promise<SubscriptionSummary[]> {
  const out: SubscriptionSummary[] = [];
  for await (const sub of client.subscriptions.list()) {
    if (sub.subscriptionId) out.push(summaryOf(sub, sub.subscriptionId));
  }
  return out;
}

export interface RegionName {
  name: string;
  displayName?: string;
  /** ARM's metadata.geographyGroup, or the group in the regional display name ("(Europe) West Europe"). */
  geography?: string;
}

/** Physical regions (logical ones like `global` or staging names cannot host resources). */
export async function listRegions(client: SubscriptionClient, subscriptionId: string): Promise<RegionName[]> {
  const regions: RegionName[] = [];
  for await (const location of client.subscriptions.listLocations(subscriptionId)) {
    if (!location.name) continue;
    if (location.type && location.type !== "Region") continue;
    const regionType = location.metadata?.regionType;
    if (regionType && regionType !== "Physical") continue;
    const geography = location.metadata?.geographyGroup ?? geographyFromRegionalDisplayName(location.regionalDisplayName);
    regions.push({ name: normalizeLocation(location.name), displayName: location.displayName, ...(geography ? { geography } : {}) });
  }
  return regions.sort((a, b) => a.name.localeCompare(b.name));
}

/** Display name → programmatic name, e.g. "eastus2" for "East US 2" (keys normalised). */
export function displayNameMap(regions: readonly RegionName[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const region of regions) {
    map.set(region.name, region.name);
    if (region.displayName) map.set(normalizeLocation(region.displayName), region.name);
  }
  return map;
}
