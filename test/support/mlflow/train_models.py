"""Train and log REAL models for the integration tests, then write a JSON summary.

Usage: python train_models.py --tracking-uri URI --summary FILE [--registry] [--work DIR]
(MLflow prints run links on stdout, so the JSON summary goes to FILE.)

- "Penguin Predictor": an sklearn pipeline like the course's (one-hot island + scaled measurements ->
  logistic regression) on the real Palmer penguins data from the `palmerpenguins` package, with the
  columns renamed to the lab's (Island, CulmenLength, CulmenDepth, FlipperLength, BodyMass, Species;
  Species 0 = Adelie, 1 = Gentoo, 2 = Chinstrap as in the lab's penguins.csv).
  * MLflow 2-style layout: the model saved with save_model and logged as plain run artifacts under
    `model/` (what MLflow 2.x produced), registered from runs:/<run>/model.
  * MLflow 3-style: log_model(name=...) -> a logged model m-<id> stored outside the run's artifacts.
  * log_model(artifact_path=...): the 2.x keyword as MLflow 3 still accepts it.
- "churn": a pyfunc model (a python_model class) standing in for the course's churn model.
With --registry: versions 1..3 of "Penguin Predictor", alias champion -> 2, stage Production on 1 (the
deprecated stage API), "churn" version 1 with alias prod.
"""

import argparse
import json
import logging
import os
import tempfile
import warnings

warnings.filterwarnings("ignore")
logging.getLogger("mlflow").setLevel(logging.ERROR)

import mlflow  # noqa: E402
import mlflow.pyfunc  # noqa: E402
import mlflow.sklearn  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.models import infer_signature  # noqa: E402
from palmerpenguins import load_penguins  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder  # noqa: E402

FEATURES = ["Island", "CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"]
SPECIES = {"Adelie": 0, "Gentoo": 1, "Chinstrap": 2}


def penguins() -> pd.DataFrame:
    raw = load_penguins()
    frame = pd.DataFrame(
        {
            "Island": raw["island"].astype(str),
            "CulmenLength": raw["bill_length_mm"].astype(float),
            "CulmenDepth": raw["bill_depth_mm"].astype(float),
            "FlipperLength": raw["flipper_length_mm"].astype(float),
            "BodyMass": raw["body_mass_g"].astype(float),
            "Species": raw["species"].map(SPECIES),
        }
    )
    return frame.dropna().reset_index(drop=True)


def train_penguin_model(data: pd.DataFrame, max_iter: int, reg: float):
    x_train, x_test, y_train, y_test = train_test_split(
        data[FEATURES], data["Species"].astype(int), test_size=0.3, random_state=42
    )
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("island", OneHotEncoder(handle_unknown="ignore"), ["Island"]),
                        ("measurements", MinMaxScaler(), FEATURES[1:]),
                    ]
                ),
            ),
            ("classify", LogisticRegression(max_iter=max_iter, C=1.0 / reg)),
        ]
    )
    pipeline.fit(x_train, y_train)
    accuracy = float(accuracy_score(y_test, pipeline.predict(x_test)))
    signature = infer_signature(x_train, pipeline.predict(x_train))
    return pipeline, accuracy, signature, x_train.head(3)


class ChurnModel(mlflow.pyfunc.PythonModel):
    """A transparent churn score: short tenure + high monthly charges + monthly contract = likely churn."""

    def predict(self, context, model_input, params=None):
        frame = pd.DataFrame(model_input)
        score = (
            0.5 * (frame["MonthlyCharges"].astype(float) / 100.0)
            + 0.3 * (1.0 / (1.0 + frame["Tenure"].astype(float)))
            + 0.2 * (frame["Contract"].astype(str) == "Month-to-month").astype(float)
        )
        return (score > 0.45).astype(int).tolist()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--registry", action="store_true")
    parser.add_argument("--work", default=tempfile.mkdtemp(prefix="mlflow-train-"))
    args = parser.parse_args()

    mlflow.set_tracking_uri(args.tracking_uri)
    mlflow.set_experiment("penguins")
    data = penguins()
    summary = {"rows": len(data), "penguin": {}, "churn": {}}

    # MLflow 2.x layout: model files are ordinary run artifacts under model/.
    with mlflow.start_run(run_name="penguin-v2-layout") as run:
        model, accuracy, signature, example = train_penguin_model(data, 5, 0.5)
        mlflow.log_params({"maxIter": 5, "regParam": 0.5})
        mlflow.log_metric("accuracy", accuracy)
        local = os.path.join(args.work, "penguin-v2")
        mlflow.sklearn.save_model(model, local, signature=signature, input_example=example)
        mlflow.log_artifacts(local, artifact_path="model")
        summary["penguin"]["v2_layout"] = {"run_id": run.info.run_id, "path": "model", "accuracy": accuracy}

    # MLflow 3.x: a logged model (m-<id>) linked to the run.
    with mlflow.start_run(run_name="penguin-v3-name") as run:
        model, accuracy, signature, example = train_penguin_model(data, 10, 0.2)
        mlflow.log_params({"maxIter": 10, "regParam": 0.2})
        mlflow.log_metric("accuracy", accuracy)
        info = mlflow.sklearn.log_model(model, name="penguin-classifier", signature=signature, input_example=example)
        summary["penguin"]["v3_name"] = {
            "run_id": run.info.run_id,
            "path": "penguin-classifier",
            "model_id": info.model_id,
            "model_uri": info.model_uri,
            "accuracy": accuracy,
        }

    # The 2.x keyword, as MLflow 3 still accepts it.
    with mlflow.start_run(run_name="penguin-artifact-path") as run:
        model, accuracy, signature, example = train_penguin_model(data, 20, 0.1)
        mlflow.log_metric("accuracy", accuracy)
        info = mlflow.sklearn.log_model(model, artifact_path="model", signature=signature)
        summary["penguin"]["artifact_path"] = {
            "run_id": run.info.run_id,
            "path": "model",
            "model_id": info.model_id,
            "accuracy": accuracy,
        }

    with mlflow.start_run(run_name="churn-pyfunc") as run:
        example = pd.DataFrame(
            {"Tenure": [1, 24, 60], "MonthlyCharges": [95.5, 50.0, 20.0], "Contract": ["Month-to-month", "One year", "Two year"]}
        )
        signature = infer_signature(example, [1, 0, 0])
        info = mlflow.pyfunc.log_model(name="churn", python_model=ChurnModel(), signature=signature)
        summary["churn"] = {"run_id": run.info.run_id, "path": "churn", "model_id": info.model_id}

    if args.registry:
        client = mlflow.MlflowClient()
        name = "Penguin Predictor"
        v1 = mlflow.register_model(f"runs:/{summary['penguin']['v2_layout']['run_id']}/model", name)
        v2 = mlflow.register_model(summary["penguin"]["v3_name"]["model_uri"], name)
        v3 = mlflow.register_model(f"runs:/{summary['penguin']['artifact_path']['run_id']}/model", name)
        client.set_registered_model_alias(name, "champion", v2.version)
        client.transition_model_version_stage(name, v1.version, "Production")
        churn = mlflow.register_model(f"models:/{summary['churn']['model_id']}", "churn")
        client.set_registered_model_alias("churn", "prod", churn.version)
        summary["registry"] = {
            "penguin_versions": [str(v1.version), str(v2.version), str(v3.version)],
            "champion": str(v2.version),
            "production": str(v1.version),
            "churn_version": str(churn.version),
        }

    with open(args.summary, "w", encoding="utf-8") as out:
        json.dump(summary, out)


if __name__ == "__main__":
    main()
