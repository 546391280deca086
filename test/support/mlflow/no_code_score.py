"""A stand-in for the scoring script Azure ML generates for an MLflow "no-code" deployment
(/var/mlflow_resources/mlflow_score_script.py in its inference image, which cannot run here), served by
the real azureml-inference-server-http (`azmlinfsrv --entry_script`) as the image serves it. It keeps
what the model's environment has to satisfy: the first import is the one that crashes a model whose
environment lacks azureml-ai-monitoring since azureml-assets PR #4579 (Azure/azureml-examples#3902), a
data collector is created at init, the model is loaded from AZUREML_MODEL_DIR with mlflow.pyfunc, and
requests use the `input_data` split payload of online endpoints; the answer is a bare JSON array.
"""

import json
import os

from azureml.ai.monitoring import Collector

import mlflow.pyfunc
import pandas as pd
from mlflow.utils.proto_json_utils import dataframe_from_parsed_json

model = None
inputs_collector = None


def init():
    global model, inputs_collector
    inputs_collector = Collector(name="model_inputs", on_error=lambda e: None)
    model = mlflow.pyfunc.load_model(os.path.join(os.environ["AZUREML_MODEL_DIR"], os.environ.get("MLFLOW_MODEL_FOLDER", "")))


def run(raw_data):
    # Columns are cast to the signature's types as MLflow's own server casts them (JSON integers in a
    # double column), then predicted.
    data = json.loads(raw_data)["input_data"]
    frame = dataframe_from_parsed_json(data, "split", schema=model.metadata.get_input_schema())
    return pd.Series(model.predict(frame)).tolist()
