# Databricks notebook source
# MAGIC %md
# MAGIC # MLflow lab: train, log and register a penguin classifier
# MAGIC
# MAGIC The lab stack already put the penguins dataset at `dbfs:/mlflow_lab/penguins.csv` (checked against its
# MAGIC sha256 when it was deployed), so there is nothing to download here. Attach this notebook to the lab
# MAGIC cluster and run the cells in order.
# MAGIC
# MAGIC Every training run logs its parameters, three metrics and the fitted pipeline **with a model signature
# MAGIC and an input example**. Newer ML runtimes refuse to register models logged without a signature, which is
# MAGIC why the lab cluster is pinned to 16.4 LTS ML and why this notebook logs the signature explicitly.

# COMMAND ----------

# MAGIC %md
# MAGIC ## 1. Load and prepare the data

# COMMAND ----------

from pyspark.sql.functions import col

DATA_PATH = "/mlflow_lab/penguins.csv"
NUMERIC_FEATURES = ["CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"]
LABEL = "Species"

raw = spark.read.csv(DATA_PATH, header=True)

# Two rows have no measurements at all; drop incomplete rows, then give every column its real type.
penguins = raw.dropna().select(
    col("Island").cast("string"),
    *[col(name).cast("float") for name in NUMERIC_FEATURES],
    col(LABEL).cast("int"),
)

train_df, test_df = penguins.randomSplit([0.7, 0.3], seed=42)
print(f"{penguins.count()} complete rows: {train_df.count()} for training, {test_df.count()} for testing")
display(train_df.limit(10))

# COMMAND ----------

# MAGIC %md
# MAGIC ## 2. A training function that logs everything to MLflow

# COMMAND ----------

import time

import mlflow
import mlflow.spark
from mlflow.models import infer_signature
from pyspark.ml import Pipeline
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import MinMaxScaler, StringIndexer, VectorAssembler

FEATURE_COLUMNS = ["Island"] + NUMERIC_FEATURES
METRICS = ["accuracy", "weightedRecall", "weightedPrecision"]


def build_pipeline(max_iter, reg_param):
    """Island as an index, the four measurements scaled to 0..1, then a multinomial logistic regression."""
    island_index = StringIndexer(inputCol="Island", outputCol="IslandIdx", handleInvalid="keep")
    measurements = VectorAssembler(inputCols=NUMERIC_FEATURES, outputCol="Measurements")
    scaled = MinMaxScaler(inputCol="Measurements", outputCol="ScaledMeasurements")
    features = VectorAssembler(inputCols=["IslandIdx", "ScaledMeasurements"], outputCol="Features")
    classifier = LogisticRegression(
        labelCol=LABEL, featuresCol="Features", maxIter=max_iter, regParam=reg_param
    )
    return Pipeline(stages=[island_index, measurements, scaled, features, classifier])


def train_penguin_model(training_data, test_data, max_iter, reg_param):
    """Fits the pipeline, evaluates it on the test split and logs params, metrics and the model."""
    with mlflow.start_run() as run:
        model = build_pipeline(max_iter, reg_param).fit(training_data)
        predictions = model.transform(test_data)

        metrics = {
            name: MulticlassClassificationEvaluator(
                labelCol=LABEL, predictionCol="prediction", metricName=name
            ).evaluate(predictions)
            for name in METRICS
        }
        mlflow.log_params({"maxIter": max_iter, "regParam": reg_param})
        mlflow.log_metrics(metrics)

        # The signature describes the columns a caller sends (no label) and the prediction it gets back.
        example_input = test_data.select(*FEATURE_COLUMNS).limit(5).toPandas()
        example_output = predictions.select("prediction").limit(5).toPandas()
        signature = infer_signature(example_input, example_output)

        artifact_path = f"classifier-{int(time.time())}"
        mlflow.spark.log_model(
            model,
            artifact_path,
            signature=signature,
            input_example=example_input,
        )
        print(f"run {run.info.run_id}: " + ", ".join(f"{k}={v:.3f}" for k, v in metrics.items()))
        return run.info.run_id, artifact_path

# COMMAND ----------

# MAGIC %md
# MAGIC ## 3. Two runs with different hyperparameters
# MAGIC Compare them in the notebook's experiment (the flask icon on the right).

# COMMAND ----------

first_run = train_penguin_model(train_df, test_df, max_iter=5, reg_param=0.5)
second_run = train_penguin_model(train_df, test_df, max_iter=10, reg_param=0.2)

# COMMAND ----------

# MAGIC %md
# MAGIC ## 4. Register the better model as `Penguin Predictor`
# MAGIC The lab registers into the **workspace** model registry (left navigation: *Models*), which the serving
# MAGIC endpoint `predict-penguin` reads. You can also do this from the run page with *Register model*.

# COMMAND ----------

mlflow.set_registry_uri("databricks")
run_id, artifact_path = second_run
registered = mlflow.register_model(f"runs:/{run_id}/{artifact_path}", "Penguin Predictor")
print(f"registered {registered.name} version {registered.version}")
