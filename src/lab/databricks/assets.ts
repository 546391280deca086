import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as dbx from "@pulumi/databricks";
import type { LabConfig } from "../../config/lab-config";

/** Where the lab's notebook reads the data (`/mlflow_lab/penguins.csv` on the DBFS root). */
export const DATASET_DBFS_PATH = "/mlflow_lab/penguins.csv";
export const NOTEBOOK_SOURCE = path.join(__dirname, "notebooks", "mlflow_lab.py");

/** Base64 content of the dataset, or any placeholder the caller chooses (the offline plan uses a marker). */
export type DatasetFetcher = (url: string, sha256: string) => pulumi.Input<string>;

export function notebookPath(config: Pick<LabConfig, "owner" | "ownerKind">): string {
  // A service principal has no home folder people would look in.
  return config.ownerKind === "user" ? `/Users/${config.owner}/MLflow` : "/Shared/MLflow";
}

export interface LabAssetsArgs {
  config: LabConfig;
  provider: dbx.Provider;
  fetchDataset: DatasetFetcher;
}

export function createLabAssets(
  args: LabAssetsArgs,
  parent: pulumi.Resource,
): { dataset: dbx.DbfsFile; notebook: dbx.Notebook } {
  const { config } = args;
  const dataset = new dbx.DbfsFile(
    "lab-dataset",
    {
      path: DATASET_DBFS_PATH,
      // Inline content rather than a temp file path: the same bytes give the same input, so an
      // unchanged dataset never shows up as a diff.
      contentBase64: args.fetchDataset(config.datasetUrl, config.datasetSha256),
    },
    { parent, provider: args.provider },
  );
  const notebook = new dbx.Notebook(
    "lab-notebook",
    {
      path: notebookPath(config),
      language: "PYTHON",
      source: NOTEBOOK_SOURCE,
    },
    { parent, provider: args.provider },
  );
  return { dataset, notebook };
}
