import * as pulumi from "@pulumi/pulumi";
import * as dbx from "@pulumi/databricks";
import type { LabSettings } from "../lab-args";
import type { DatasetFetcher } from "./assets";
import { DATASET_FILE, LAB_SCHEMA, LAB_VOLUME } from "./lab-data";
import { unityCheckProvider } from "./unity-check";

/**
 * The lab's Unity Catalog objects: the schema `mlflow_lab` in the lab's catalog, a managed volume `data`
 * holding penguins.csv (fetched at deploy time and checked against its sha256), and the grants the lab
 * owner needs to read the data and register the model (USE SCHEMA and CREATE MODEL on the schema, READ
 * VOLUME on the volume: "To create a model, the principal must have the CREATE MODEL privilege",
 * learn.microsoft.com/azure/databricks/machine-learning/manage-model-lifecycle/upgrade-workflows, read
 * 2026-12-03). USE CATALOG is not granted: every workspace user has it on the workspace catalog
 * (learn.microsoft.com/azure/databricks/data-governance/unity-catalog/manage-privileges/privileges), and
 * a `catalog` override is the owner's own. Everything waits for the Unity Catalog check (./unity-check.ts).
 *
 * Grants use `databricks.Grant` (one principal), not `Grants`, which would take every other principal's
 * privileges away. The schema is force-destroyed: the model the learner registers lives in it, and a lab
 * is deleted whole.
 */
export interface UnityCatalogDataArgs {
  settings: Pick<LabSettings, "owner" | "datasetUrl" | "datasetSha256">;
  /** Starts every Pulumi name (see childNamePrefix in ../naming.ts). */
  namePrefix: string;
  catalog: string;
  workspaceName: string;
  workspaceUrl: pulumi.Input<string>;
  provider: dbx.Provider;
  fetchDataset: DatasetFetcher;
  /** Resources the check must wait for (the workspace). */
  after: pulumi.Resource[];
}

export interface UnityCatalogData {
  check: UnityCatalogCheck;
  schema: dbx.Schema;
  volume: dbx.Volume;
  dataset: dbx.File;
}

export function createUnityCatalogData(args: UnityCatalogDataArgs, parent: pulumi.Resource): UnityCatalogData {
  const { settings: config, provider, namePrefix } = args;
  const check = new UnityCatalogCheck(
    `${namePrefix}unity-catalog-check`,
    { host: pulumi.interpolate`https://${args.workspaceUrl}`, catalog: args.catalog, workspaceName: args.workspaceName },
    { parent, dependsOn: args.after },
  );
  const onDatabricks = { parent, provider, dependsOn: [check] };
  const schema = new dbx.Schema(
    `${namePrefix}lab-schema`,
    {
      catalogName: check.catalog,
      name: LAB_SCHEMA,
      comment: "MLflow lab: the penguins data (volume data) and the penguin_predictor model",
      forceDestroy: true,
    },
    onDatabricks,
  );
  const volume = new dbx.Volume(
    `${namePrefix}lab-volume`,
    { catalogName: check.catalog, schemaName: schema.name, name: LAB_VOLUME, volumeType: "MANAGED", comment: "MLflow lab data" },
    onDatabricks,
  );
  const dataset = new dbx.File(
    `${namePrefix}lab-dataset`,
    {
      path: pulumi.interpolate`/Volumes/${check.catalog}/${schema.name}/${volume.name}/${DATASET_FILE}`,
      // Inline content rather than a temp file path: the same bytes give the same input, so an unchanged
      // dataset never shows up as a diff.
      contentBase64: args.fetchDataset(config.datasetUrl, config.datasetSha256),
    },
    { parent, provider, dependsOn: [volume] },
  );
  new dbx.Grant(
    `${namePrefix}lab-schema-grant`,
    { schema: pulumi.interpolate`${check.catalog}.${schema.name}`, principal: config.owner, privileges: ["USE_SCHEMA", "CREATE_MODEL"] },
    { parent, provider },
  );
  new dbx.Grant(
    `${namePrefix}lab-volume-grant`,
    { volume: pulumi.interpolate`${check.catalog}.${schema.name}.${volume.name}`, principal: config.owner, privileges: ["READ_VOLUME"] },
    { parent, provider },
  );
  return { check, schema, volume, dataset };
}

export interface UnityCatalogCheckArgs {
  host: pulumi.Input<string>;
  catalog: pulumi.Input<string>;
  workspaceName: pulumi.Input<string>;
}

/** The deploy-time Unity Catalog check as a resource (./unity-check.ts says why it exists). */
export class UnityCatalogCheck extends pulumi.dynamic.Resource {
  declare readonly catalog: pulumi.Output<string>;
  declare readonly metastoreId: pulumi.Output<string>;

  constructor(name: string, args: UnityCatalogCheckArgs, opts?: pulumi.CustomResourceOptions) {
    super(unityCheckProvider as unknown as pulumi.dynamic.ResourceProvider, name, { ...args, metastoreId: undefined }, opts, "lab", "UnityCatalogCheck");
  }
}
