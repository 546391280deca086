import * as fs from "node:fs";
import * as path from "node:path";
import type { LabDataLayout } from "./lab-data";

/**
 * The lab notebook as the stack deploys it. One source file (notebooks/mlflow_lab.py, Databricks' source
 * format) serves both catalog modes: the stack rewrites its one parameter line with the lab's data path,
 * model name and registry, so the learner edits nothing. On a classic cluster it is imported as source; on
 * serverless compute as a Jupyter notebook whose Databricks metadata selects the serverless environment
 * version, because that is where the notebook's environment is kept (the Jobs API's `environments` apply
 * to non-notebook tasks only: "The environment entity used to preserve serverless environment side panel,
 * jobs' environment for non-notebook task", databricks.github.io/sdk-js, jobs.v2.Environment, read
 * 2026-12-03; exported serverless notebooks carry `environmentMetadata.environment_version` in
 * `metadata["application/vnd.databricks.v1+notebook"]`). Pure apart from reading the source file.
 */
export const NOTEBOOK_SOURCE = path.join(__dirname, "notebooks", "mlflow_lab.py");

/**
 * pyspark.ml and mlflow.spark on serverless compute need environment version 4 or later
 * (docs.databricks.com/aws/en/release-notes/serverless/environment-version/four, read 2026-12-03).
 */
export const SERVERLESS_ENVIRONMENT_VERSION = "4";

const SOURCE_HEADER = "# Databricks notebook source";
const CELL_SEPARATOR = "\n# COMMAND ----------\n";
const PARAMETER_LINE = /^LAB_PARAMETERS = \{.*\}$/m;

export interface NotebookParameters {
  catalog_mode: string;
  data_path: string;
  model_name: string;
  registry_uri: string;
}

export function notebookParameters(layout: LabDataLayout): NotebookParameters {
  return { catalog_mode: layout.catalogMode, data_path: layout.dataPath, model_name: layout.modelName, registry_uri: layout.registryUri };
}

export function readNotebookSource(file = NOTEBOOK_SOURCE): string {
  return fs.readFileSync(file, "utf8");
}

/** The source with its parameter line written for this lab (a JSON object is a valid Python dict literal). */
export function renderNotebook(source: string, parameters: NotebookParameters): string {
  const matches = source.match(new RegExp(PARAMETER_LINE.source, "gm")) ?? [];
  if (matches.length !== 1) {
    throw new Error(`the notebook source must have exactly one 'LAB_PARAMETERS = {...}' line, found ${matches.length}`);
  }
  return source.replace(PARAMETER_LINE, `LAB_PARAMETERS = ${JSON.stringify(parameters)}`);
}

export interface NotebookCell {
  kind: "code" | "markdown";
  /** Lines without their trailing newline; markdown without the `# MAGIC` prefix and `%md`. */
  lines: string[];
}

/** The cells of a notebook in Databricks' source format. */
export function notebookCells(source: string): NotebookCell[] {
  if (!source.startsWith(SOURCE_HEADER)) throw new Error(`not a Databricks source notebook (no '${SOURCE_HEADER}' line)`);
  const body = source.slice(SOURCE_HEADER.length).replace(/^\n/, "");
  return body.split(CELL_SEPARATOR).map((cell) => {
    const lines = cell.replace(/^\n+|\n+$/g, "").split("\n");
    if (lines.length > 0 && lines.every((line) => line.startsWith("# MAGIC"))) {
      const text = lines.map((line) => line.replace(/^# MAGIC ?/, ""));
      if (text[0]?.startsWith("%md")) text[0] = text[0].replace(/^%md ?/, "");
      return { kind: "markdown" as const, lines: text.filter((line, i) => i > 0 || line !== "") };
    }
    return { kind: "code" as const, lines };
  });
}

/** The notebook as a Jupyter document for serverless compute, with the environment version it needs. */
export function notebookAsJupyter(source: string, name: string, environmentVersion = SERVERLESS_ENVIRONMENT_VERSION): string {
  const cells = notebookCells(source).map((cell) => {
    const text = cell.lines.map((line, i) => (i < cell.lines.length - 1 ? `${line}\n` : line));
    return cell.kind === "markdown"
      ? { cell_type: "markdown", metadata: {}, source: text }
      : { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: text };
  });
  const document = {
    cells,
    metadata: {
      "application/vnd.databricks.v1+notebook": {
        environmentMetadata: { base_environment: "", environment_version: environmentVersion },
        language: "python",
        notebookName: name,
      },
      language_info: { name: "python" },
    },
    nbformat: 4,
    nbformat_minor: 0,
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}

/** What a rendered notebook (source or Jupyter) was deployed with, for people reading a plan. */
export function notebookSummary(content: string): { parameters?: NotebookParameters; environmentVersion?: string } {
  let text = content;
  let environmentVersion: string | undefined;
  try {
    const document = JSON.parse(content) as { cells?: Array<{ source?: string[] | string }>; metadata?: Record<string, any> };
    text = (document.cells ?? []).map((cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source ?? "")).join("\n");
    environmentVersion = document.metadata?.["application/vnd.databricks.v1+notebook"]?.environmentMetadata?.environment_version;
  } catch {
    // Databricks source format
  }
  const line = text.match(PARAMETER_LINE)?.[0];
  let parameters: NotebookParameters | undefined;
  try {
    parameters = line ? (JSON.parse(line.slice(line.indexOf("{"))) as NotebookParameters) : undefined;
  } catch {
    parameters = undefined;
  }
  return { ...(parameters ? { parameters } : {}), ...(environmentVersion ? { environmentVersion } : {}) };
}
