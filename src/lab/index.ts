import type { LabConfig } from "../config/lab-config";
import type { DatasetFetcher } from "./databricks/assets";
import { labArgsFromConfig } from "./lab-args";
import { MlflowLab, type LabOutputs } from "./mlflow-lab";
import { PROGRAM_LAB_NAME } from "./naming";

export type { DatasetFetcher } from "./databricks/assets";
export { fetchVerifiedDataset } from "./databricks/dataset";
export { labArgsFromConfig, resolveLabArgs, type DatabricksServingArgs, type EndpointArgs, type LabSettings, type MlflowLabArgs } from "./lab-args";
export { MLFLOW_LAB_TYPE, MlflowLab, type EndpointOutput, type LabOutputs, type MlflowLabOutputs } from "./mlflow-lab";
export { PROGRAM_LAB_NAME } from "./naming";

export interface BuildLabOptions {
  /**
   * Supplies the dataset's base64 content. `src/index.ts` downloads and verifies it at deploy time; the
   * offline plan and the tests pass a placeholder so they never touch the network.
   */
  fetchDataset: DatasetFetcher;
}

/**
 * The Pulumi program's lab: one MlflowLab named `lab` (its children keep the names existing stacks hold),
 * built from the parsed stack config. The Pulumi CLI (src/index.ts), the offline plan (src/plan) and the
 * tests all run it; the config must already be validated (parseLabConfig), so nothing is registered for a
 * bad config. Resolves to the stack outputs once every resource is declared.
 */
export function buildLab(config: LabConfig, options: BuildLabOptions): Promise<LabOutputs> {
  return new MlflowLab(PROGRAM_LAB_NAME, { ...labArgsFromConfig(config), fetchDataset: options.fetchDataset }).outputs;
}
