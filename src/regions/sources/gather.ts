import type { ComputeManagementClient } from "@azure/arm-compute";
import type { PolicyClient } from "@azure/arm-policy";
import type { ResourceManagementClient } from "@azure/arm-resources";
import type { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { Semaphore } from "../../azure/rate-limit";
import { OperationFailedError, UserInputError } from "../../errors";
import { modelServingSignals } from "../model-serving-regions";
import { normalizeLocation } from "../normalize";
import { SNAPSHOT_FORMAT, type ModelServingSignals, type PolicySignals, type RegionSignals, type RegionSignalsSnapshot, type SkuRow } from "../signals";
import type { ArmClient } from "../../azure/arm-client";
import { readAzureMlUsages } from "./azureml-usages";
import { readAllSkus, readSkus, readUsages } from "./compute";
import { readPolicy } from "./policy";
import { locationNamer, readProviders, type ProviderSignals } from "./providers";
import { describeSdkError, isAuthError, persist, statusOf, type PersistOptions } from "../../azure/sdk-errors";
import { authFailure } from "./auth-failure";
import { displayNameMap, listRegions, readSubscription, type RegionName, type SubscriptionSummary } from "./subscription";

/**
 * Live signals for every candidate region, in two waves of parallel requests: (1) the subscription, its
 * regions, providers, policy and — for many regions — the VM sizes of all regions in one listing;
 * (2) the per-region usages (and per-region SKU lists when only a few regions are wanted). A read that
 * still fails after retries becomes `null` plus an error text, so evaluation says "unknown" instead of
 * guessing; only the subscription itself and authentication failures stop the run.
 */

export interface GatherClients {
  compute: ComputeManagementClient;
  resources: ResourceManagementClient;
  subscriptions: SubscriptionClient;
  policy: PolicyClient;
  /** For Azure ML's quota (./azureml-usages.ts); needed only with `azureMlUsages`. */
  arm?: ArmClient;
}

export interface GatherOptions {
  clients: GatherClients;
  subscriptionId: string;
  /** Restrict the candidates (programmatic names); default: every physical region of the subscription. */
  regions?: readonly string[];
  /** Parallel per-region requests in flight (default 64: one wave for all public regions). */
  concurrency?: number;
  /** One unfiltered SKU listing, or one filtered listing per region; `auto` picks by region count. */
  skuListing?: "all" | "per-region" | "auto";
  persist?: PersistOptions;
  /** Also read Azure ML's per-region quota (for stacks with managed endpoints): one more call per region. */
  azureMlUsages?: boolean;
  modelServing?: ModelServingSignals;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
}

/** Above this many regions one unfiltered SKU listing is cheaper than one call per region. */
const PER_REGION_SKU_LIMIT = 4;

/** Marks a promise as handled (it may be abandoned when the run fails early) and returns it unchanged. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (isAuthError(error)) throw authFailure(error, "Azure signals");
    return { ok: false, error };
  }
}

export async function gatherSignals(options: GatherOptions): Promise<RegionSignalsSnapshot> {
  const now = options.now ?? (() => new Date());
  // The SDK already retries each call; these outer retries ride out longer storms without multiplying
  // an outage into minutes (3 more tries, at most 10 s apart unless Retry-After says otherwise).
  const abort = new AbortController();
  const persistOptions = { retry: { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 }, ...options.persist, signal: abort.signal };
  const read = <T>(fn: () => Promise<T>) => persist(fn, persistOptions);
  try {
    return await gatherWith(options, read, now);
  } finally {
    // A failed run must not leave retries sleeping in the background.
    abort.abort();
  }
}

async function gatherWith(
  options: GatherOptions,
  read: <T>(fn: () => Promise<T>) => Promise<T>,
  now: () => Date,
): Promise<RegionSignalsSnapshot> {
  const { clients, subscriptionId } = options;

  const subscriptionP = read(() => readSubscription(clients.subscriptions, subscriptionId)).catch((error: unknown) => {
    if (isAuthError(error)) throw authFailure(error, `subscription ${subscriptionId}`);
    if (statusOf(error) === 404) throw new UserInputError(`subscription ${subscriptionId} was not found or is not visible to this sign-in; list yours with 'az account list'`);
    throw new OperationFailedError(`cannot read subscription ${subscriptionId}: ${describeSdkError(error)}`);
  });
  const regionsP = read(() => listRegions(clients.subscriptions, subscriptionId)).catch((error: unknown) => {
    if (isAuthError(error)) throw authFailure(error, "the subscription's regions");
    throw new OperationFailedError(`cannot list the regions of subscription ${subscriptionId}: ${describeSdkError(error)}`);
  });
  const policyP = handled(settle(read(() => readPolicy(clients.policy))));
  // readProviders retries each namespace GET itself; retrying the whole read again would multiply them.
  const providersP = handled(settle(readProviders(clients.resources, read)));

  // Wave 1 needs the region list before choosing the SKU strategy only when the caller gave none.
  const wanted = options.regions?.map(normalizeLocation);
  const strategy = options.skuListing ?? "auto";
  const listAll = strategy === "all" || (strategy === "auto" && (wanted === undefined || wanted.length > PER_REGION_SKU_LIMIT));
  const allSkusP = listAll ? handled(settle(read(() => readAllSkus(clients.compute)))) : undefined;

  const [subscription, allRegions] = await Promise.all([subscriptionP, regionsP]);
  const candidates: RegionName[] = wanted ? allRegions.filter((r) => wanted.includes(r.name)) : allRegions;
  if (wanted) {
    const missing = wanted.filter((name) => !allRegions.some((r) => r.name === name));
    for (const name of missing) candidates.push({ name });
  }

  // Wave 2: per-region reads, bounded.
  const gate = new Semaphore(options.concurrency ?? 64);
  let done = 0;
  const perRegion = await Promise.all(
    candidates.map(async (region) => {
      const usages = settle(gate.run(() => read(() => readUsages(clients.compute, region.name))));
      const skus = listAll ? undefined : settle(gate.run(() => read(() => readSkus(clients.compute, region.name))));
      const arm = clients.arm;
      const mlUsages = options.azureMlUsages && arm ? settle(gate.run(() => read(() => readAzureMlUsages(arm, subscriptionId, region.name)))) : undefined;
      const [u, s, ml] = await Promise.all([usages, skus, mlUsages]);
      options.onProgress?.(++done, candidates.length);
      return { region, usages: u, skus: s, mlUsages: ml };
    }),
  );

  const allSkus = allSkusP ? await allSkusP : undefined;
  const policy = await policyP;
  const providers = await providersP;
  const toName = locationNamer(displayNameMap(allRegions));

  const regions: RegionSignals[] = perRegion.map(({ region, usages, skus, mlUsages }) => {
    const out: RegionSignals = {
      name: region.name,
      ...(region.displayName ? { displayName: region.displayName } : {}),
      ...(region.geography ? { geography: region.geography } : {}),
      usages: null,
      skus: null,
    };
    if (usages.ok) out.usages = usages.value;
    else out.usagesError = describeSdkError(usages.error);
    if (mlUsages) {
      if (mlUsages.ok) out.mlUsages = mlUsages.value;
      else {
        out.mlUsages = null;
        out.mlUsagesError = describeSdkError(mlUsages.error);
      }
    }
    if (skus) {
      if (skus.ok) out.skus = skus.value;
      else out.skusError = describeSdkError(skus.error);
    } else if (allSkus) {
      if (allSkus.ok) out.skus = allSkus.value.get(region.name) ?? ([] as SkuRow[]);
      else out.skusError = describeSdkError(allSkus.error);
    }
    return out;
  });

  const policySignals: PolicySignals = policy.ok ? policy.value : { allowedLocations: null, error: describeSdkError(policy.error) };
  let providerSignals: ProviderSignals = { providers: {}, resourceTypes: {} };
  let providersError: string | undefined;
  if (providers.ok) {
    providerSignals = {
      providers: providers.value.providers,
      resourceTypes: Object.fromEntries(Object.entries(providers.value.resourceTypes).map(([t, locs]) => [t, locs === null ? null : locs.map(toName)])),
    };
  } else providersError = describeSdkError(providers.error);

  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: now().toISOString(),
    subscription: { id: subscription.id, ...(subscription.displayName ? { displayName: subscription.displayName } : {}), state: subscription.state, quotaId: subscription.quotaId ?? null },
    regions,
    resourceTypes: providerSignals.resourceTypes,
    ...(providersError ? { resourceTypesError: providersError } : {}),
    providers: providerSignals.providers,
    ...(providersError ? { providersError } : {}),
    policy: policySignals,
    modelServing: options.modelServing ?? modelServingSignals(),
  };
}

export type { SubscriptionSummary };
