import type { RegionDecider } from "../plan/region";
import { selectRegionForPlan, type LiveSignals } from "./select";

/**
 * The plan's region decision from region selection: live signals when credentials exist, else the
 * bundled example snapshot (its EXAMPLE label comes first among the reasons, so nobody mistakes it for
 * their subscription). Registered with the plan by the regions command.
 */
export function planRegionDeciderFromSelection(live?: LiveSignals, env: NodeJS.ProcessEnv = process.env): RegionDecider {
  return async ({ config, regionSetInStack }) => {
    const decision = await selectRegionForPlan(config, env, { regionIsPreference: regionSetInStack, live });
    const counts = `${decision.eligibleRegions} regions eligible, ${decision.excludedRegions} excluded (mlflow-lab regions shows why)`;
    const reasons = decision.source === "example-snapshot" ? [decision.label, decision.why, counts] : [decision.why, counts, decision.label];
    return { region: decision.region, nodeType: decision.nodeType, reasons, source: decision.source };
  };
}
