import { UserInputError } from "../errors";
import { parseRegionName } from "../config/azure-regions";
import { parseLabConfig, parseNodeType, type LabConfig } from "../config/lab-config";
import { readStackSettings, type StackRef } from "../config/stack-settings";
import { demandFromConfig, type Demand } from "./demand";
import { KNOWN_GEOGRAPHIES, parseGeography, type UserLocation } from "./geography";

/**
 * The demand of a stack settings file (stacks/Pulumi.<stack>.yaml), with the CLI's overrides. The
 * config's `region` default (eastus) is not a preference: only a region written in the stack file or
 * given with --region is, otherwise every learner of a class would be steered into the same region.
 */
export interface StackDemandOverrides {
  region?: string;
  nodeType?: string;
  /** --geography: a geography (Europe, US, Asia Pacific, ...) or a region whose geography is meant. */
  geography?: string;
  /** --near: the region the user is in (the setup scripts pass Cloud Shell's ACC_LOCATION). */
  near?: string;
}

export interface StackDemand {
  stack: string;
  config: LabConfig;
  demand: Demand;
}

/** Region selection does not need the owner; a placeholder lets `regions` run on a preset without one. */
const OWNER_PLACEHOLDER = "region-selection@example.com";

export function validateRegionFlag(region: string, flag = "--region"): string {
  return parseRegionName(region, (suggestion) => {
    throw new UserInputError(`${flag} '${region}' is not an Azure region${suggestion ? `; did you mean ${suggestion}?` : "; use a programmatic name such as eastus or westeurope"}`);
  });
}

export function demandForStack(stack: StackRef, overrides: StackDemandOverrides = {}): StackDemand {
  const settings = readStackSettings(stack);
  const raw = { owner: OWNER_PLACEHOLDER, ...settings.config };
  const config = parseLabConfig(raw);
  return { stack: settings.stack, config, demand: demandWithOverrides(config, "region" in settings.config, overrides) };
}

/** `regionIsPreference`: whether config.region was set explicitly (not the default). */
export function demandWithOverrides(config: LabConfig, regionIsPreference: boolean, overrides: StackDemandOverrides = {}): Demand {
  // --node-type passes the config's nodeType rule (a Databricks CPU size), in the config's words.
  const nodeType = overrides.nodeType ? parseNodeType("--node-type", overrides.nodeType) : undefined;
  const nodeTypes = nodeType ? [nodeType, ...config.nodeTypeFallbacks.filter((t) => t.toLowerCase() !== nodeType.toLowerCase())] : undefined;
  const demand = demandFromConfig({
    ...config,
    region: overrides.region ? validateRegionFlag(overrides.region) : regionIsPreference ? config.region : undefined,
  });
  const location = userLocation(overrides);
  return { ...demand, ...(nodeTypes ? { nodeTypes } : {}), ...(location ? { location } : {}) };
}

function userLocation(overrides: StackDemandOverrides): UserLocation | undefined {
  const location: UserLocation = {};
  if (overrides.geography) {
    if (!parseGeography(overrides.geography)) {
      throw new UserInputError(`--geography '${overrides.geography}' is neither a geography nor a region; use one of ${KNOWN_GEOGRAPHIES.join(", ")} or a region name such as westeurope`);
    }
    location.geography = overrides.geography;
  }
  // An unknown --near (a Cloud Shell location this toolkit does not list) only means "no hint": the
  // setup passes it along without checking, and a learner must not be stopped by it.
  if (overrides.near?.trim()) location.near = overrides.near.trim();
  return location.geography || location.near ? location : undefined;
}
