import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeScorerFiles } from "../../support/aci-scorer";
import { tempDir } from "../../support/mlflow";
import { pythonEnv } from "../../support/python-env";

/**
 * The scorer's plan step (src/lab/endpoints/aci/scorer_plan.py, run by start-scorer.sh with the download
 * environment's Python) on the MLmodel cases the four served models do not cover.
 */
let work: string;
let files: string;

function model(name: string, mlmodel: string, extra: Record<string, string> = {}): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "MLmodel"), mlmodel);
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

function plan(dir: string): { code: number; out: Record<string, string>; err: string } {
  const run = spawnSync(pythonEnv().python, [path.join(files, "scorer_plan.py"), dir, files], { encoding: "utf8" });
  const out = Object.fromEntries(run.stdout.split("\n").filter(Boolean).map((line) => [line.split("=")[0]!, line.slice(line.indexOf("=") + 1).replace(/^'|'$/g, "")]));
  return { code: run.status ?? 1, out, err: run.stderr };
}

const PYFUNC = "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.12.3\n";

beforeAll(() => {
  work = tempDir("scorer-plan");
  files = writeScorerFiles(path.join(work, "files"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("scorer_plan.py", () => {
  it("serves an MLflow 1.x model with the 2.x line and says so", () => {
    const result = plan(model("v1", `${PYFUNC}mlflow_version: 1.30.0\n`, { "requirements.txt": "mlflow==1.30.0\nscikit-learn==1.0.2\n" }));
    expect(result.code).toBe(0);
    expect(result.out).toEqual({ SCORER_LINE: "mlflow-2", SCORER_JAVA: "0", SCORER_PACKAGES: "mlflow scikit-learn" });
    expect(result.err).toContain("an MLflow 1.x model is served by the 2.x line");
    expect(result.err).toContain("scikit-learn: the model was saved with 1.0.2, the scorer installs 1.5.2");
  });

  it("refuses a newer major MLflow, and a model without a python_function flavor", () => {
    const v4 = plan(model("v4", `${PYFUNC}mlflow_version: 4.0.0\n`));
    expect(v4.code).not.toBe(0);
    expect(v4.err).toContain("the model was saved by MLflow 4.0.0; this scorer serves MLflow 1.x to 3.x models");
    const noPyfunc = plan(model("no-pyfunc", "flavors:\n  onnx:\n    data: model.onnx\nmlflow_version: 3.17.2\n"));
    expect(noPyfunc.code).not.toBe(0);
    expect(noPyfunc.err).toContain("the model has no python_function flavor (flavors: onnx)");
  });

  it("installs only what the constraints pin: names the rest, skips Azure ML's serving-only packages, reads conda.yaml when there is no requirements.txt", () => {
    const conda = "dependencies:\n- python=3.12.3\n- pip:\n  - mlflow==3.10.0\n  - xgboost==3.0.0\n  - azureml-ai-monitoring==1.0.0\n  - pandas==2.3.3\nname: mlflow-env\n";
    const result = plan(model("conda-only", `${PYFUNC}mlflow_version: 3.10.0\n`, { "conda.yaml": conda }));
    expect(result.code).toBe(0);
    expect(result.out).toEqual({ SCORER_LINE: "mlflow-3", SCORER_JAVA: "0", SCORER_PACKAGES: "mlflow pandas" });
    expect(result.err).toContain("NOT INSTALLED: xgboost==3.0.0 is not in constraints-mlflow-3.txt");
    expect(result.err).toContain("skipping azureml-ai-monitoring");
  });

  it("asks for Java and pyspark for a spark flavor", () => {
    const result = plan(model("spark", `${PYFUNC.replace("mlflow.sklearn", "mlflow.spark")}  spark:\n    model_data: sparkml\nmlflow_version: 3.8.1\n`, { "requirements.txt": "mlflow==3.8.1\n" }));
    expect(result.out).toEqual({ SCORER_LINE: "mlflow-3", SCORER_JAVA: "1", SCORER_PACKAGES: "mlflow pyspark" });
  });
});
