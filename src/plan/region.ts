import { UserInputError } from "../errors";
import { isKnownRegion } from "../config/azure-regions";
import { PROJECT_NAME, type LabConfig } from "../config/lab-config";

/**
 * Where the lab goes and why. On its own the plan takes the region from the stack config; `mlflow-lab
 * plan` passes the region selector's decider (src/regions), which looks at quota live, or at a bundled
 * example snapshot when there are no credentials. The plan then builds the lab for the decided region
 * and node type.
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
