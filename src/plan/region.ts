import { UserInputError } from "../cli/errors";
import { isKnownRegion } from "../config/azure-regions";
import { PROJECT_NAME, type LabConfig } from "../config/lab-config";

/**
 * Where the lab goes and why. Today the plan takes the region from the stack config; the region
 * selector (src/regions) plugs in a decider that looks at quota live, or at a bundled example snapshot
 * when there are no credentials. The plan then builds the lab for the decided region and node type.
 */
export interface RegionDecision {
  region: string;
  /** The cluster's node type: config.nodeType or one of config.nodeTypeFallbacks. */
  nodeType: string;
  /** Human-readable, most important first. */
  reasons: string[];
  source: "config" | "live" | "example-snapshot";
}

export interface RegionDecisionInput {
  stack: string;
  config: LabConfig;
  /** Whether the stack file sets `region` (otherwise config.region is the Pulumi.yaml default). */
  regionSetInStack: boolean;
}

export type RegionDecider = (input: RegionDecisionInput) => Promise<RegionDecision>;

export const decideRegionFromConfig: RegionDecider = async ({ config, regionSetInStack }) => ({
  region: config.region,
  nodeType: config.nodeType,
  reasons: [
    regionSetInStack
      ? `from stack config (${PROJECT_NAME}:region)`
      : `not set in the stack config: the project default from Pulumi.yaml (run \`mlflow-lab regions\` to pick one with quota)`,
  ],
  source: "config",
});

let registered: RegionDecider | undefined;

/**
 * Lets the region selector replace the config-only decision for `mlflow-lab plan` (call it from the
 * regions command's register()). Tests and benchmarks pass a decider to createPlan directly instead.
 */
export function registerPlanRegionDecider(decider: RegionDecider | undefined): void {
  registered = decider;
}

export function planRegionDecider(): RegionDecider {
  return registered ?? decideRegionFromConfig;
}

/** The config the lab is built with once the region is decided. */
export function applyRegionDecision(config: LabConfig, decision: RegionDecision): LabConfig {
  if (!isKnownRegion(decision.region)) {
    throw new UserInputError(`region decision '${decision.region}' is not an Azure region name`);
  }
  const allowed = [config.nodeType, ...config.nodeTypeFallbacks];
  if (!allowed.includes(decision.nodeType)) {
    throw new UserInputError(
      `region decision picked node type ${decision.nodeType}, which is neither nodeType nor in nodeTypeFallbacks (${allowed.join(", ")})`,
    );
  }
  return { ...config, region: decision.region, nodeType: decision.nodeType };
}
