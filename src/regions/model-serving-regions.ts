import { bundledOrOverride } from "./dated-region-list";
import type { ModelServingSignals } from "./signals";

/**
 * Azure regions where Databricks Core Model Serving (CPU) is expected to work. A dated HINT, not truth:
 * the docs table has been wrong before (westus2 was listed unsupported while in use,
 * MicrosoftDocs/azure-docs#121069), so the list is overridable and a snapshot records the list it was
 * evaluated with.
 *
 * Provenance (read 2026-11-23 through the project's documentation search, which returns only the
 * opening of a page): "Features with limited regional availability",
 * learn.microsoft.com/azure/databricks/resources/feature-region-support (section "Model serving").
 * The excerpt confirmed the page, its "Core Model Serving" section and the Databricks public-cloud
 * region rows; it cut off before the model-serving rows themselves, so the rows below are NOT verified
 * one by one against the live table. They are the public-cloud Databricks regions that the page marks
 * supported in its other limited-feature tables, minus:
 *   - uksouth: "Model serving is not enabled for your shard" (databrickslabs/ucx#2082, 2024-07) although
 *     the old setup.ps1 list contains it: known-wrong for labs until confirmed otherwise;
 *   - switzerlandwest, westindia: left blank for every limited feature in the rows we could read;
 *   - eastus2euap (canary), Azure Government (usgovaz, usgovva: no serving per the page) and Azure China.
 * To correct it without a release: MLFLOW_LAB_MODEL_SERVING_REGIONS="eastus,westus2,…" (replaces the list).
 */
export const MODEL_SERVING_REGIONS_RETRIEVED_AT = "2026-11-23";
export const MODEL_SERVING_REGIONS_SOURCE =
  "https://learn.microsoft.com/azure/databricks/resources/feature-region-support#model-serving";

export const MODEL_SERVING_REGIONS: readonly string[] = [
  "australiacentral",
  "australiacentral2",
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
  "germanywestcentral",
  "japaneast",
  "japanwest",
  "koreacentral",
  "mexicocentral",
  "northcentralus",
  "northeurope",
  "norwayeast",
  "qatarcentral",
  "southafricanorth",
  "southcentralus",
  "southeastasia",
  "southindia",
  "swedencentral",
  "switzerlandnorth",
  "uaenorth",
  "ukwest",
  "westcentralus",
  "westeurope",
  "westus",
  "westus2",
  "westus3",
];

/** Regions the reference reports wrong in the docs table, with why; shown when such a region is excluded. */
export const KNOWN_SERVING_DISCREPANCIES: Readonly<Record<string, string>> = {
  uksouth: "the docs and the old setup.ps1 list it, but it answered 'Model serving is not enabled for your shard' (databrickslabs/ucx#2082)",
  westus2: "the docs have wrongly listed it unsupported before (MicrosoftDocs/azure-docs#121069); add it with MLFLOW_LAB_MODEL_SERVING_REGIONS if serving works for you",
};

export const MODEL_SERVING_OVERRIDE_ENV = "MLFLOW_LAB_MODEL_SERVING_REGIONS";

/** The bundled list, or the override from the environment when set (comma/space separated). */
export function modelServingSignals(env: NodeJS.ProcessEnv = process.env): ModelServingSignals {
  return bundledOrOverride(env, MODEL_SERVING_OVERRIDE_ENV, {
    regions: MODEL_SERVING_REGIONS,
    retrievedAt: MODEL_SERVING_REGIONS_RETRIEVED_AT,
    source: MODEL_SERVING_REGIONS_SOURCE,
    note: "bundled hint; rows not verified one by one against the live table (see src/regions/model-serving-regions.ts)",
  });
}

/**
 * The serving list to evaluate a snapshot with: the environment override when set, else the list the
 * snapshot was captured with (so re-evaluating an old snapshot reproduces its verdicts).
 */
export function servingListFor(snapshot: { modelServing: ModelServingSignals }, env: NodeJS.ProcessEnv = process.env): ModelServingSignals {
  const override = env[MODEL_SERVING_OVERRIDE_ENV];
  if (override !== undefined && override.trim() !== "") return modelServingSignals(env);
  return snapshot.modelServing;
}
