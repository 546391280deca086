# Databricks notebook source
# MAGIC %md
# MAGIC # MLflow lab: train, log and register a penguin classifier
# MAGIC
# MAGIC The lab stack already put the penguins dataset where this notebook reads it (checked against its
# MAGIC sha256 when it was deployed), so there is nothing to download and nothing to edit. Run the cells in
# MAGIC order: on the lab cluster, or on serverless compute (environment version 4 or later, the first with
# MAGIC `pyspark.ml` and `mlflow.spark`).
# MAGIC
# MAGIC Every training run logs its parameters, three metrics and the fitted pipeline **with a model signature
# MAGIC and an input example**. Unity Catalog only registers models that have a signature, and newer ML
# MAGIC runtimes refuse to register models logged without one.

# COMMAND ----------

# MAGIC %md
# MAGIC ## 0. Where the data is and where the model goes
# MAGIC The stack wrote these values when it deployed the notebook. They also appear as widgets at the top of
# MAGIC the notebook, so a run can point elsewhere without editing code.

# COMMAND ----------

# Written by the lab stack at deploy time (src/lab/databricks/notebook.ts); these are the legacy defaults.
LAB_PARAMETERS = {"catalog_mode": "legacy", "data_path": "/mlflow_lab/penguins.csv", "model_name": "Penguin Predictor", "registry_uri": "databricks"}

dbutils.widgets.text("data_path", LAB_PARAMETERS["data_path"], "Data file")
dbutils.widgets.text("model_name", LAB_PARAMETERS["model_name"], "Registered model")
dbutils.widgets.text("registry_uri", LAB_PARAMETERS["registry_uri"], "Model registry")

DATA_PATH = dbutils.widgets.get("data_path")
MODEL_NAME = dbutils.widgets.get("model_name")
REGISTRY_URI = dbutils.widgets.get("registry_uri")
print(f"catalog mode {LAB_PARAMETERS['catalog_mode']}: data {DATA_PATH}, model {MODEL_NAME} in registry {REGISTRY_URI}")

# COMMAND ----------

# MAGIC %md
# MAGIC ## 1. Load and prepare the data

# COMMAND ----------

from pyspark.sql.functions import col

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

        # Spark's default requirements, as the original lab logged them: inferring them instead starts a
        # second Python and Spark to load the model (about half a minute per run).
        model_info = mlflow.spark.log_model(
            model,
            "classifier",
            signature=signature,
            input_example=example_input,
            pip_requirements=mlflow.spark.get_default_pip_requirements(),
        )
        print(f"run {run.info.run_id}: " + ", ".join(f"{k}={v:.3f}" for k, v in metrics.items()))
        # The logged model's own URI: runs:/… under MLflow 2, models:/m-… under MLflow 3.
        return run.info.run_id, model_info.model_uri

# COMMAND ----------

# MAGIC %md
# MAGIC ## 3. Two runs with different hyperparameters
# MAGIC Compare them in the notebook's experiment (the flask icon on the right).

# COMMAND ----------

first_run = train_penguin_model(train_df, test_df, max_iter=5, reg_param=0.5)
second_run = train_penguin_model(train_df, test_df, max_iter=10, reg_param=0.2)

# COMMAND ----------

# MAGIC %md
# MAGIC ## 4. Register the better model
# MAGIC With Unity Catalog the model is `<catalog>.mlflow_lab.penguin_predictor` (left navigation: *Catalog*);
# MAGIC in legacy mode it is `Penguin Predictor` in the workspace registry (*Models*). The serving endpoint
# MAGIC `predict-penguin` serves this model.

# COMMAND ----------

mlflow.set_registry_uri(REGISTRY_URI)
run_id, model_uri = second_run
registered = mlflow.register_model(model_uri, MODEL_NAME)
print(f"registered {registered.name} version {registered.version} from run {run_id}")
