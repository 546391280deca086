"""Log and register the four kinds of model the ACI scorer must serve, against a tracking server.

Usage: python scorer_models.py KIND --tracking-uri URI --data PENGUINS_CSV --work DIR --summary FILE
KIND:
  spark       the lab notebook's pipeline (StringIndexer -> VectorAssembler -> MinMaxScaler ->
              VectorAssembler -> LogisticRegression) on the lab's penguins.csv, logged with
              mlflow.spark and a signature inferred from the pandas input, as
              src/lab/databricks/notebooks/mlflow_lab.py does. Run with the mlflow2-spark venv
              (MLflow 2.21.3 + Spark 3.5.2, as Databricks Runtime 16.4 LTS ML). When the notebook itself
              runs on local Spark (the notebook harness), its registered model can replace this one: the
              tests only need a registered version and the rows with their expected predictions.
  sklearn2    an sklearn pipeline logged by MLflow 2 (pickle format); mlflow2-spark venv.
  sklearn3    the same pipeline logged by MLflow 3 (skops format, the default since MLflow 3.17); mlflow venv.
  pyfunc      a python_model whose class lives in a module shipped with code_paths; mlflow venv. It
              predicts from the culmen measurements with a rule and answers -1 for a row without them,
              so blank cells can be scored.
Writes {"name", "version", "model_uri", "mlflow_version", "columns", "rows", "expected"} to FILE: rows to
score (from the lab data) and what the model itself predicts for them, in process.

--cache DIR keeps the logged model folder and its summary (the caller names DIR by a hash of this script,
the venv's constraints and the data): a later run registers that same folder again instead of training
(Spark takes a minute on a small machine), so the model the scorer serves is the one this script logged.
"""

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import textwrap
import warnings

warnings.filterwarnings("ignore")
logging.getLogger("mlflow").setLevel(logging.ERROR)

import mlflow  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.models import infer_signature  # noqa: E402

NUMERIC = ["CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"]
FEATURES = ["Island"] + NUMERIC
# Lab rows of each species (penguins.csv rows 2, 155 and 223: Adelie 0, Gentoo 1, Chinstrap 2).
SAMPLE = [
    {"Island": "Torgersen", "CulmenLength": 39.1, "CulmenDepth": 18.7, "FlipperLength": 181.0, "BodyMass": 3750.0},
    {"Island": "Biscoe", "CulmenLength": 48.7, "CulmenDepth": 14.1, "FlipperLength": 210.0, "BodyMass": 4450.0},
    {"Island": "Dream", "CulmenLength": 46.5, "CulmenDepth": 17.9, "FlipperLength": 192.0, "BodyMass": 3500.0},
]


def load(path):
    frame = pd.read_csv(path).dropna()
    frame[NUMERIC] = frame[NUMERIC].astype("float32")
    frame["Species"] = frame["Species"].astype(int)
    return frame


def register(info_uri, name):
    version = mlflow.register_model(info_uri, name)
    return str(version.version)


def spark_model(csv_path, name):
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import MinMaxScaler, StringIndexer, VectorAssembler
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import col

    import mlflow.spark

    spark = SparkSession.builder.master("local[1]").appName("scorer-fixture").config("spark.ui.enabled", "false").getOrCreate()
    # As the notebook loads it: Spark reads the CSV itself, incomplete rows dropped, columns typed.
    frame = (
        spark.read.csv(csv_path, header=True)
        .dropna()
        .select(col("Island").cast("string"), *[col(c).cast("float") for c in NUMERIC], col("Species").cast("int"))
        .cache()
    )
    pipeline = Pipeline(
        stages=[
            StringIndexer(inputCol="Island", outputCol="IslandIdx", handleInvalid="keep"),
            VectorAssembler(inputCols=NUMERIC, outputCol="Measurements"),
            MinMaxScaler(inputCol="Measurements", outputCol="ScaledMeasurements"),
            VectorAssembler(inputCols=["IslandIdx", "ScaledMeasurements"], outputCol="Features"),
            LogisticRegression(labelCol="Species", featuresCol="Features", maxIter=10, regParam=0.2),
        ]
    )
    with mlflow.start_run():
        model = pipeline.fit(frame)
        example = frame.select(*FEATURES).limit(5).toPandas()
        predictions = model.transform(frame).select("prediction").limit(5).toPandas()
        info = mlflow.spark.log_model(model, "classifier", signature=infer_signature(example, predictions), input_example=example)
        sample = spark.createDataFrame(pd.DataFrame(SAMPLE)).select(col("Island"), *[col(c).cast("float") for c in NUMERIC])
        expected = [float(r.prediction) for r in model.transform(sample).select("prediction").collect()]
    version = register(info.model_uri, name)
    spark.stop()
    return version, expected


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


def sklearn_model(data, name):
    import mlflow.sklearn

    pipeline, features = sklearn_pipeline(data)
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(pipeline, "model", signature=infer_signature(features, pipeline.predict(features)), input_example=features.head(3))
    expected = [int(p) for p in pipeline.predict(pd.DataFrame(SAMPLE))]
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


def pyfunc_model(work, name):
    module_dir = os.path.join(work, "pyfunc_code")
    os.makedirs(module_dir, exist_ok=True)
    module = os.path.join(module_dir, "penguin_rules.py")
    with open(module, "w", encoding="utf-8") as handle:
        handle.write(PYFUNC_MODULE)
    sys.path.insert(0, module_dir)
    from penguin_rules import PenguinRules  # noqa: E402

    example = pd.DataFrame(SAMPLE)[FEATURES]
    rules = PenguinRules()
    with mlflow.start_run():
        info = mlflow.pyfunc.log_model(
            name="rules", python_model=rules, code_paths=[module], signature=infer_signature(example, rules.predict(None, example)), input_example=example
        )
    expected = rules.predict(None, pd.DataFrame(SAMPLE))
    return register(info.model_uri, name), expected


def register_cached(cache, name):
    """Registers the cached model folder as a new version of `name` (a run's artifacts, then the registry)."""
    with mlflow.start_run():
        mlflow.log_artifacts(os.path.join(cache, "model"), "model")
        run_id = mlflow.active_run().info.run_id
    return register(f"runs:/{run_id}/model", name)


def store_in_cache(cache, model_uri, summary):
    staging = tempfile.mkdtemp(dir=os.path.dirname(cache) or ".")
    mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=os.path.join(staging, "model"))
    with open(os.path.join(staging, "summary.json"), "w", encoding="utf-8") as out:
        json.dump(summary, out)
    try:
        os.rename(staging, cache)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another run stored it first


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["spark", "sklearn2", "sklearn3", "pyfunc"])
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--cache")
    args = parser.parse_args()

    mlflow.set_tracking_uri(args.tracking_uri)
    mlflow.set_experiment(f"scorer-{args.kind}")
    name = f"scorer-{args.kind}"
    if args.cache and os.path.exists(os.path.join(args.cache, "summary.json")):
        with open(os.path.join(args.cache, "summary.json"), encoding="utf-8") as handle:
            summary = json.load(handle)
        version = register_cached(args.cache, name)
        summary.update(version=version, model_uri=f"models:/{name}/{version}")
        with open(args.summary, "w", encoding="utf-8") as out:
            json.dump(summary, out)
        return

    data = load(args.data) if args.kind != "spark" else None
    if args.kind == "spark":
        version, expected = spark_model(args.data, name)
    elif args.kind in ("sklearn2", "sklearn3"):
        version, expected = sklearn_model(data, name)
    else:
        version, expected = pyfunc_model(args.work, name)
    summary = {
        "name": name,
        "version": version,
        "model_uri": f"models:/{name}/{version}",
        "mlflow_version": mlflow.__version__,
        "columns": FEATURES,
        "rows": [[row[c] for c in FEATURES] for row in SAMPLE],
        "expected": expected,
    }
    with open(args.summary, "w", encoding="utf-8") as out:
        json.dump(summary, out)
    if args.cache:
        store_in_cache(args.cache, summary["model_uri"], summary)


if __name__ == "__main__":
    main()
