import * as pulumi from "@pulumi/pulumi";
import * as dbx from "@pulumi/databricks";
import type { LabSettings } from "../lab-args";
import { DATASET_DBFS_PATH, type LabDataLayout } from "./lab-data";
import { notebookAsJupyter, notebookParameters, readNotebookSource, renderNotebook } from "./notebook";

export { NOTEBOOK_SOURCE } from "./notebook";
export { DATASET_DBFS_PATH } from "./lab-data";

/** Base64 content of the dataset, or any placeholder the caller chooses (the offline plan uses a marker). */
export type DatasetFetcher = (url: string, sha256: string) => pulumi.Input<string>;

export function notebookPath(config: Pick<LabSettings, "owner" | "ownerKind">): string {
  // A service principal has no home folder people would look in.
  return config.ownerKind === "user" ? `/Users/${config.owner}/MLflow` : "/Shared/MLflow";
}

/** legacy mode: the dataset on the DBFS root, where the seed lab reads it. */
export function createDbfsDataset(
  config: Pick<LabSettings, "datasetUrl" | "datasetSha256">,
  namePrefix: string,
  provider: dbx.Provider,
  fetchDataset: DatasetFetcher,
  parent: pulumi.Resource,
): dbx.DbfsFile {
  return new dbx.DbfsFile(
    `${namePrefix}lab-dataset`,
    {
      path: DATASET_DBFS_PATH,
      // Inline content rather than a temp file path: the same bytes give the same input, so an unchanged
      // dataset never shows up as a diff.
      contentBase64: fetchDataset(config.datasetUrl, config.datasetSha256),
    },
    { parent, provider },
  );
}

/**
 * The "MLflow" notebook with this lab's parameters written in. On a classic cluster it is the Python
 * source; on serverless compute a Jupyter document that selects the serverless environment version.
 * The content is inline (a few kB) because it is rendered per lab, not a file on disk.
 */
export function createLabNotebook(
  config: Pick<LabSettings, "owner" | "ownerKind" | "compute">,
  namePrefix: string,
  layout: LabDataLayout,
  provider: dbx.Provider,
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[] = [],
): dbx.Notebook {
  const source = renderNotebook(readNotebookSource(), notebookParameters(layout));
  const serverless = config.compute === "serverless";
  const content = serverless ? notebookAsJupyter(source, "MLflow") : source;
  return new dbx.Notebook(
    `${namePrefix}lab-notebook`,
    {
      path: notebookPath(config),
      language: "PYTHON",
      ...(serverless ? { format: "JUPYTER" } : {}),
      contentBase64: Buffer.from(content, "utf8").toString("base64"),
    },
    { parent, provider, dependsOn },
  );
}
