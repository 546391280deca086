import type { LabConfig } from "../config/lab-config";
import { runLabProgram } from "../plan/engine";

/**
 * How many ARM writes one lab's deploy sends: one PUT per Azure resource the program declares (the
 * engine creates each with one request and polls the rest). Counted by running the lab program itself
 * under the offline engine with the lab's config, so the figure follows the program (a Reader role per
 * learner with an object id, the Azure ML workspace and its dependencies, the endpoints) instead of a
 * hand-kept number. Databricks objects (clusters, users, folders) go to the workspace's own API, not ARM.
 */
export async function armWritesPerLab(config: LabConfig, stack: string): Promise<number> {
  const run = await runLabProgram(config, { stack });
  return run.resources.filter((r) => r.custom && r.type.startsWith("azure-native:")).length;
}
