import { UserInputError } from "../cli/errors";
import { parseRegionName } from "../config/azure-regions";
import { parseLabConfig, parseNodeType, type LabConfig } from "../config/lab-config";
import { readStackSettings } from "../config/stack-settings";
import { demandFromConfig, type Demand } from "./demand";

/**
 * The demand of a stack settings file (stacks/Pulumi.<stack>.yaml), with the CLI's overrides. The
 * config's `region` default (eastus) is not a preference: only a region written in the stack file or
 * given with --region is, otherwise every learner of a class would be steered into the same region.
 */
export interface StackDemandOverrides {
  region?: string;
  nodeType?: string;
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

export function demandForStack(stack: string, overrides: StackDemandOverrides = {}): StackDemand {
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
  return nodeTypes ? { ...demand, nodeTypes } : demand;
}
