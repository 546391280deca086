import type { ResourceManagementClient } from "@azure/arm-resources";
import { systemClock, type Clock } from "../../azure/clock";
import { OperationFailedError } from "../../errors";
import { BASE_NAMESPACES, EXTRA_NAMESPACES, RESOURCE_TYPES } from "../demand";
import { namespaceOf, normalizeLocation, normalizeResourceType } from "../normalize";
import { describeSdkError, statusOf } from "../../azure/sdk-errors";

/**
 * Resource providers: registration state per namespace, and where each needed resource type is offered.
 * Provider locations are display names ("East US 2"); they are mapped to programmatic names through the
 * subscription's location list, falling back to lowercasing without spaces.
 */

/** Every resource type a demand can ask for (src/regions/demand.ts), so none is "offering unknown". */
export const SIGNAL_RESOURCE_TYPES: readonly string[] = Object.values(RESOURCE_TYPES);

/** The base namespaces first, then those of the resource types, then the stack's other namespaces. */
export const SIGNAL_NAMESPACES: readonly string[] = [...new Set([...BASE_NAMESPACES, ...SIGNAL_RESOURCE_TYPES.map(namespaceOf), ...EXTRA_NAMESPACES])];

export interface ProviderSignals {
  providers: Record<string, string>;
  resourceTypes: Record<string, string[] | null>;
}

export function locationNamer(displayToName: ReadonlyMap<string, string>): (display: string) => string {
  return (display) => displayToName.get(normalizeLocation(display)) ?? normalizeLocation(display);
}

/** Locations are returned as the provider lists them (display names); the caller maps them with locationNamer. */
export async function readProviders(
  resources: ResourceManagementClient,
  read: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): Promise<ProviderSignals> {
  const providers: Record<string, string> = {};
  const resourceTypes: Record<string, string[] | null> = {};
  for (const type of SIGNAL_RESOURCE_TYPES) resourceTypes[type] = null;
  await Promise.all(
    SIGNAL_NAMESPACES.map(async (namespace) => {
      try {
        const provider = await read(() => resources.providers.get(namespace));
        providers[namespace] = provider.registrationState ?? "Unknown";
        for (const type of SIGNAL_RESOURCE_TYPES) {
          const [ns, name] = type.split("/");
          if (ns!.toLowerCase() !== namespace.toLowerCase()) continue;
          const entry = provider.resourceTypes?.find((t) => normalizeResourceType(t.resourceType ?? "") === normalizeResourceType(name!));
          resourceTypes[type] = entry ? [...(entry.locations ?? [])] : [];
        }
      } catch (error) {
        // A namespace the subscription does not know at all is "not offered", not "unknown".
        if (statusOf(error) === 404) {
          for (const type of SIGNAL_RESOURCE_TYPES) if (type.startsWith(`${namespace}/`)) resourceTypes[type] = [];
          return;
        }
        throw error;
      }
    }),
  );
  return { providers, resourceTypes };
}

export interface RegisterOptions {
  timeoutMs?: number;
  pollMs?: number;
  clock?: Clock;
  onProgress?: (line: string) => void;
}

/**
 * Registers the namespaces and waits until each reports `Registered` (setup.ps1 fired and forgot, so
 * first runs failed with MissingSubscriptionRegistration). A missing register permission is a
 * clear stop, not a silent skip.
 */
export async function registerProviders(resources: ResourceManagementClient, namespaces: readonly string[], options: RegisterOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 5_000;
  await Promise.all(
    namespaces.map(async (namespace) => {
      options.onProgress?.(`registering provider ${namespace}`);
      try {
        await resources.providers.register(namespace);
      } catch (error) {
        throw new OperationFailedError(`cannot register provider ${namespace} (${describeSdkError(error)}); ask a subscription admin to run 'az provider register --namespace ${namespace}'`);
      }
      const deadline = clock.now() + timeoutMs;
      for (;;) {
        const state = (await resources.providers.get(namespace)).registrationState ?? "Unknown";
        if (state.toLowerCase() === "registered") break;
        if (clock.now() >= deadline) {
          throw new OperationFailedError(`provider ${namespace} is still ${state} after ${Math.round(timeoutMs / 60_000)} minutes; re-run later (registration continues in Azure)`);
        }
        await clock.sleep(pollMs);
      }
      options.onProgress?.(`provider ${namespace} registered`);
    }),
  );
}
