import type { LabConfig } from "../../config/lab-config";
import type { LabNames } from "../naming";

/**
 * Where the lab's data lives and where its model is registered, per catalog mode. Pure: the program, the
 * notebook's parameters and the plan read the same names from here.
 *
 * unity: the schema `mlflow_lab` in the workspace's own catalog (or config `catalog`), a managed volume
 * `data` holding penguins.csv, and the model `<catalog>.mlflow_lab.penguin_predictor` in the Unity Catalog
 * registry. A workspace created with automatic enablement gets a workspace catalog named after the
 * workspace ("If not specified, the name of the workspace will be used": `defaultCatalog.initialName`,
 * Microsoft.Databricks API 2026-01-01, learn.microsoft.com/javascript/api/@azure/arm-databricks/
 * defaultcatalogproperties, read 2026-12-03). Its hyphen is valid in Unity Catalog names and needs
 * backticks only in SQL (databricks/cli#6293).
 * legacy: the seed lab's DBFS root path and the workspace model registry.
 */
export const LAB_SCHEMA = "mlflow_lab";
export const LAB_VOLUME = "data";
export const DATASET_FILE = "penguins.csv";
/** Where the legacy lab reads the data: `/mlflow_lab/penguins.csv` on the DBFS root. */
export const DATASET_DBFS_PATH = "/mlflow_lab/penguins.csv";

export interface LabDataLayout {
  catalogMode: LabConfig["catalogMode"];
  /** unity only: the catalog holding the lab's schema. */
  catalog?: string;
  /** The data file as Spark reads it on Databricks. */
  dataPath: string;
  /** The registered model the notebook writes and the serving endpoint serves. */
  modelName: string;
  /** MLflow registry URI: `databricks-uc` (Unity Catalog) or `databricks` (workspace registry). */
  registryUri: string;
}

/** The workspace's own catalog: the one Azure creates with the workspace, named after it. */
export function workspaceCatalogName(names: Pick<LabNames, "databricksWorkspace">): string {
  return names.databricksWorkspace;
}

export function labCatalog(config: Pick<LabConfig, "catalog">, names: Pick<LabNames, "databricksWorkspace">): string {
  return config.catalog ?? workspaceCatalogName(names);
}

export function volumeDatasetPath(catalog: string): string {
  return `/Volumes/${catalog}/${LAB_SCHEMA}/${LAB_VOLUME}/${DATASET_FILE}`;
}

/** A one-part model name in unity mode lives in the lab's schema; three-level and legacy names are kept. */
export function registeredModelName(config: Pick<LabConfig, "catalogMode" | "databricksServing">, catalog: string | undefined): string {
  const name = config.databricksServing.model.name;
  if (config.catalogMode !== "unity" || name.includes(".")) return name;
  return `${catalog}.${LAB_SCHEMA}.${name}`;
}

export function labDataLayout(
  config: Pick<LabConfig, "catalogMode" | "catalog" | "databricksServing">,
  names: Pick<LabNames, "databricksWorkspace">,
): LabDataLayout {
  if (config.catalogMode === "legacy") {
    return { catalogMode: "legacy", dataPath: DATASET_DBFS_PATH, modelName: registeredModelName(config, undefined), registryUri: "databricks" };
  }
  const catalog = labCatalog(config, names);
  return {
    catalogMode: "unity",
    catalog,
    dataPath: volumeDatasetPath(catalog),
    modelName: registeredModelName(config, catalog),
    registryUri: "databricks-uc",
  };
}
