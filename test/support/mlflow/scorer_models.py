"""Log and register the models the ACI scorer must serve besides the lab notebook's own Spark pipeline (the
tests run the notebook itself for that one: test/support/notebook), against a tracking server.

Usage: python scorer_models.py KIND --tracking-uri URI --data PENGUINS_CSV --rows SAMPLE_JSON --work DIR
                               --summary FILE [--cache DIR]
KIND:
  sklearn2    an sklearn pipeline logged by MLflow 2 (pickle format); run with the notebook-dbr16 venv (MLflow
              2.21.3 and the scikit-learn of Databricks Runtime 16.4 LTS ML), as a learner on that runtime logs it.
  sklearn3    the same pipeline logged by MLflow 3 (skops format, the default since MLflow 3.17); mlflow venv.
  pyfunc      a python_model whose class lives in a module shipped with code_paths; mlflow venv. It
              predicts from the culmen measurements with a rule and answers -1 for a row without them,
              so blank cells can be scored.
Writes {"name", "version", "model_uri", "mlflow_version", "columns", "rows", "expected"} to FILE: the rows of
SAMPLE_JSON (test/support/lab-sample.json) and what the model itself predicts for them, in process.

--cache DIR keeps the logged model folder and its summary (model_cache.py): a later run registers that same
folder again instead of training.
"""

import argparse
import json
import logging
import os
import sys
import textwrap
import warnings

warnings.filterwarnings("ignore")
logging.getLogger("mlflow").setLevel(logging.ERROR)

import mlflow  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.models import infer_signature  # noqa: E402
from model_cache import is_cached, register_cached, store_in_cache  # noqa: E402

NUMERIC = ["CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"]
FEATURES = ["Island"] + NUMERIC


def sample_frame(rows_file):
    with open(rows_file, encoding="utf-8") as handle:
        sample = json.load(handle)
    return pd.DataFrame(sample["rows"], columns=sample["columns"])[FEATURES]


def load(path):
    frame = pd.read_csv(path).dropna()
    frame[NUMERIC] = frame[NUMERIC].astype("float32")
    frame["Species"] = frame["Species"].astype(int)
    return frame


def register(info_uri, name):
    version = mlflow.register_model(info_uri, name)
    return str(version.version)


def sklearn_pipeline(data):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

    pipeline = Pipeline(
        [
            ("prepare", ColumnTransformer([("island", OneHotEncoder(handle_unknown="ignore"), ["Island"]), ("measurements", MinMaxScaler(), NUMERIC)])),
            ("classify", LogisticRegression(max_iter=200)),
        ]
    )
    features = data[FEATURES].astype({c: "float64" for c in NUMERIC})
    pipeline.fit(features, data["Species"])
    return pipeline, features


def sklearn_model(data, sample, name):
    import mlflow.sklearn

    pipeline, features = sklearn_pipeline(data)
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(pipeline, "model", signature=infer_signature(features, pipeline.predict(features)), input_example=features.head(3))
    expected = [int(p) for p in pipeline.predict(sample)]
    return register(info.model_uri, name), expected


PYFUNC_MODULE = textwrap.dedent(
    '''
    """A rule-based penguin classifier: shipped with the model through code_paths."""
    import math

    import mlflow.pyfunc
    import pandas as pd


    class PenguinRules(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            frame = pd.DataFrame(model_input)

            def species(row):
                length, depth = row["CulmenLength"], row["CulmenDepth"]
                if length is None or depth is None or math.isnan(length) or math.isnan(depth):
                    return -1
                if depth < 16.0:
                    return 1
                return 2 if length > 44.0 else 0

            return [species(row) for _, row in frame.iterrows()]
    '''
)


def pyfunc_model(work, sample, name):
    module_dir = os.path.join(work, "pyfunc_code")
    os.makedirs(module_dir, exist_ok=True)
    module = os.path.join(module_dir, "penguin_rules.py")
    with open(module, "w", encoding="utf-8") as handle:
        handle.write(PYFUNC_MODULE)
    sys.path.insert(0, module_dir)
    from penguin_rules import PenguinRules  # noqa: E402

    rules = PenguinRules()
    with mlflow.start_run():
        info = mlflow.pyfunc.log_model(
            name="rules", python_model=rules, code_paths=[module], signature=infer_signature(sample, rules.predict(None, sample)), input_example=sample
        )
    expected = rules.predict(None, sample)
    return register(info.model_uri, name), expected


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["sklearn2", "sklearn3", "pyfunc"])
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--rows", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--cache")
    args = parser.parse_args()

    mlflow.set_tracking_uri(args.tracking_uri)
    mlflow.set_experiment(f"scorer-{args.kind}")
    name = f"scorer-{args.kind}"
    if is_cached(args.cache):
        summary = register_cached(args.cache, name)
    else:
        sample = sample_frame(args.rows)
        if args.kind in ("sklearn2", "sklearn3"):
            version, expected = sklearn_model(load(args.data), sample, name)
        else:
            version, expected = pyfunc_model(args.work, sample, name)
        summary = {
            "name": name,
            "version": version,
            "model_uri": f"models:/{name}/{version}",
            "mlflow_version": mlflow.__version__,
            "columns": FEATURES,
            "rows": sample.values.tolist(),
            "expected": expected,
        }
        if args.cache:
            store_in_cache(args.cache, summary["model_uri"], summary)
    with open(args.summary, "w", encoding="utf-8") as out:
        json.dump(summary, out)


if __name__ == "__main__":
    main()
