import { bundledOrOverride, type DatedRegionList } from "./dated-region-list";

/**
 * Azure regions where a Serverless Databricks workspace (and serverless notebook compute) can be created.
 * A serverless lab is placed by this list instead of by vCPU quota: its notebook runs on Databricks'
 * serverless compute, not on VMs of the subscription. A dated HINT, like the model-serving list.
 *
 * Provenance (read 2026-12-03): Azure Databricks lists serverless workspaces with serverless compute for
 * notebooks, jobs, pipelines and SQL warehouses in one "Serverless availability" table of "Features with
 * limited regional availability" (learn.microsoft.com/azure/databricks/resources/feature-region-support;
 * the project's documentation search returned the table's heading but not its rows). The rows below are
 * the list Microsoft's own serverless labs deploy to: MicrosoftLearning/mslearn-databricks
 * setup-serverless.ps1 (commit 2076e18, 2026-01), "These regions support Serverless compute for
 * notebooks, jobs, pipelines, and SQL warehouses". Model serving is checked separately (uksouth is here
 * but has no serving, see model-serving-regions.ts).
 * To correct it without a release: MLFLOW_LAB_SERVERLESS_REGIONS="eastus,westeurope,…" (replaces the list).
 */
export const SERVERLESS_REGIONS_RETRIEVED_AT = "2026-12-03";
export const SERVERLESS_REGIONS_SOURCE =
  "https://learn.microsoft.com/azure/databricks/resources/feature-region-support (serverless availability), rows as in MicrosoftLearning/mslearn-databricks setup-serverless.ps1";

export const SERVERLESS_WORKSPACE_REGIONS: readonly string[] = [
  "australiaeast",
  "australiasoutheast",
  "brazilsouth",
  "canadacentral",
  "canadaeast",
  "centralindia",
  "centralus",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "japaneast",
  "koreacentral",
  "mexicocentral",
  "northcentralus",
  "northeurope",
  "norwayeast",
  "southafricanorth",
  "southcentralus",
  "southeastasia",
  "swedencentral",
  "switzerlandnorth",
  "uaenorth",
  "uksouth",
  "westcentralus",
  "westeurope",
  "westus",
  "westus2",
  "westus3",
];

export const SERVERLESS_OVERRIDE_ENV = "MLFLOW_LAB_SERVERLESS_REGIONS";

/** Regions where Serverless workspaces can be created (programmatic names), dated, with their source. */
export type ServerlessWorkspaceSignals = DatedRegionList;

/** The bundled list, or the override from the environment when set (comma/space separated). */
export function serverlessWorkspaceSignals(env: NodeJS.ProcessEnv = process.env): ServerlessWorkspaceSignals {
  return bundledOrOverride(env, SERVERLESS_OVERRIDE_ENV, {
    regions: SERVERLESS_WORKSPACE_REGIONS,
    retrievedAt: SERVERLESS_REGIONS_RETRIEVED_AT,
    source: SERVERLESS_REGIONS_SOURCE,
  });
}
