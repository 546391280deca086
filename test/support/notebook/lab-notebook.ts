import * as fs from "node:fs";
import * as path from "node:path";
import { parseLabConfig, type CatalogMode } from "../../../src/config/lab-config";
import { labDataLayout, type LabDataLayout } from "../../../src/lab/databricks/lab-data";
import { notebookParameters, readNotebookSource, renderNotebook } from "../../../src/lab/databricks/notebook";
import { labNames } from "../../../src/lab/naming";
import { labPenguinsBytes } from "../penguins";
import type { PythonEnvName } from "../python-envs";
import { runNotebooks, type NotebookSummary } from "./index";

/**
 * The lab notebook as the stack deploys it, run through the harness: the notebook tests check what it does,
 * the ACI scorer tests serve the model it registers. One way to run it for both (each suite runs it
 * itself; the scorer tests keep the model between runs, test/support/scorer-models.ts).
 */

/** The lab's suffix in these tests (its Unity Catalog catalog is databricks-<suffix>). */
export const LAB_SUFFIX = "abc1234";

export interface LabNotebook {
  mode: CatalogMode;
  /** Where the stack puts the data and the model for this mode. */
  layout: LabDataLayout;
  /** The notebook source exactly as the stack renders it for this mode (the parameter line it writes). */
  source: string;
}

export function labNotebook(mode: CatalogMode): LabNotebook {
  const config = parseLabConfig({ owner: "learner@example.com", suffix: LAB_SUFFIX, catalogMode: mode });
  const layout = labDataLayout(config, labNames(LAB_SUFFIX));
  return { mode, layout, source: renderNotebook(readNotebookSource(), notebookParameters(layout)) };
}

/** Where the harness maps a Databricks path: /Volumes/… as is, DBFS root paths under dbfs/. */
function localDataPath(dataRoot: string, dataPath: string): string {
  return dataPath.startsWith("/Volumes/") ? path.join(dataRoot, dataPath) : path.join(dataRoot, "dbfs", dataPath);
}

/**
 * Runs the lab notebook once per catalog mode (each in its own experiment, named after the mode) in one
 * Spark session of `venv`, with the lab's penguins.csv where the stack puts it, logging to and registering
 * in the tracking server at `trackingUri`.
 */
export async function runLabNotebook(options: {
  venv: PythonEnvName;
  modes: CatalogMode[];
  trackingUri: string;
  work: string;
  /** A JSON file {columns, rows} each registered model is asked to predict, in the notebook's process. */
  predict?: string;
}): Promise<{ summary: NotebookSummary; notebooks: Map<CatalogMode, LabNotebook> }> {
  const dataRoot = path.join(options.work, "data");
  const csv = labPenguinsBytes();
  const notebooks = new Map<CatalogMode, LabNotebook>();
  const runs = options.modes.map((mode) => {
    const notebook = labNotebook(mode);
    notebooks.set(mode, notebook);
    const file = path.join(options.work, `MLflow-${mode}.py`);
    fs.writeFileSync(file, notebook.source);
    const local = localDataPath(dataRoot, notebook.layout.dataPath);
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.writeFileSync(local, csv);
    // The registry the stack names (databricks-uc, databricks) is Databricks': here the tracking server.
    return { name: mode, file, widgets: { registry_uri: options.trackingUri } };
  });
  const summary = await runNotebooks({ venv: options.venv, runs, dataRoot, trackingUri: options.trackingUri, work: options.work, predict: options.predict });
  return { summary, notebooks };
}
