import * as path from "node:path";

/**
 * Every Python environment the tests build, by name. Each has one constraints file that pins every
 * package (compiled from the requirements.in next to it by `npm run lock:python`, for every Python the
 * project supports), so a new upstream release cannot change what runs. The integration project's
 * global setup builds them all; test files get one with `pythonEnv(name)`.
 */
export interface PythonEnvSpec {
  name: string;
  constraintsFile: string;
  /** What the venv is for, printed while it is built. */
  purpose: string;
}

const here = (...parts: string[]) => path.join(__dirname, ...parts);

export const PYTHON_ENVS = {
  mlflow: {
    name: "mlflow",
    constraintsFile: here("python", "mlflow", "constraints.txt"),
    purpose: "real MLflow 3 (tracking server, registry, scoring server, training script)",
  },
  "notebook-dbr16": {
    name: "notebook-dbr16",
    constraintsFile: here("python", "notebook-dbr16", "constraints.txt"),
    purpose: "the lab notebook on local Spark as Databricks Runtime 16.4 LTS ML (PySpark 3.5.2, MLflow 2.21.3, scikit-learn 1.4.2), and the MLflow 2 sklearn model for the ACI scorer tests",
  },
  "notebook-dbr17": {
    name: "notebook-dbr17",
    constraintsFile: here("python", "notebook-dbr17", "constraints.txt"),
    purpose: "the lab notebook on local Spark as Databricks Runtime 17.3 LTS ML (PySpark 4.0.0, MLflow 3.0.1)",
  },
} satisfies Record<string, PythonEnvSpec>;

export type PythonEnvName = keyof typeof PYTHON_ENVS;
