import { describe, expect, it } from "vitest";
import { notebookAsJupyter, notebookCells, notebookSummary, readNotebookSource, renderNotebook } from "../../../src/lab/databricks/notebook";

/** The notebook as the stack writes it: one parameter line rewritten, or the same cells as a Jupyter document. */
const parameters = { catalog_mode: "unity", data_path: "/Volumes/c/mlflow_lab/data/penguins.csv", model_name: "c.mlflow_lab.penguin_predictor", registry_uri: "databricks-uc" };

describe("renderNotebook", () => {
  it("writes the parameters as a Python dict literal on the one LAB_PARAMETERS line", () => {
    const rendered = renderNotebook(readNotebookSource(), parameters);
    expect(rendered).toContain(`LAB_PARAMETERS = ${JSON.stringify(parameters)}\n`);
    expect(notebookSummary(rendered).parameters).toEqual(parameters);
  });

  it("refuses a source without the line, or with two, instead of deploying a notebook that ignores the lab", () => {
    expect(() => renderNotebook("# Databricks notebook source\nprint(1)\n", parameters)).toThrow("exactly one 'LAB_PARAMETERS = {...}' line, found 0");
    const twice = `# Databricks notebook source\nLAB_PARAMETERS = {}\n# COMMAND ----------\nLAB_PARAMETERS = {}\n`;
    expect(() => renderNotebook(twice, parameters)).toThrow("found 2");
  });
});

describe("notebookAsJupyter", () => {
  it("keeps every cell, markdown as markdown, and records the serverless environment version", () => {
    const source = renderNotebook(readNotebookSource(), parameters);
    const document = JSON.parse(notebookAsJupyter(source, "MLflow"));
    const cells = notebookCells(source);
    expect(document.cells.map((c: { cell_type: string }) => c.cell_type)).toEqual(cells.map((c) => c.kind));
    expect(document.cells[0].source[0]).toBe("# MLflow lab: train, log and register a penguin classifier\n");
    expect(document.metadata["application/vnd.databricks.v1+notebook"]).toMatchObject({
      environmentMetadata: { environment_version: "4" },
      language: "python",
      notebookName: "MLflow",
    });
    expect(notebookSummary(JSON.stringify(document))).toEqual({ parameters, environmentVersion: "4" });
  });
});
