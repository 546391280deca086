"""Run a Databricks source-format notebook cell by cell on local Spark, as a Databricks runtime would.

Usage:
  python run_notebook.py --data-root DIR --summary FILE
      --run NAME=NOTEBOOK_FILE [--run NAME=NOTEBOOK_FILE ...]
      [--widget NAME=KEY=VALUE ...] [--predict SAMPLE_JSON]

Each --run executes one notebook file in fresh globals, in its own MLflow experiment (named NAME, as a
Databricks notebook logs to its own experiment), against MLFLOW_TRACKING_URI. The runs share one local
SparkSession, so a second catalog mode does not pay for Spark's start again.

What the harness supplies, and nothing else (the notebook's code runs unchanged):
  - `spark`: a local SparkSession whose reader maps Databricks paths to files under --data-root:
    `/Volumes/<catalog>/<schema>/<volume>/<file>` -> <data-root>/Volumes/...; a DBFS path (`dbfs:/x`, or
    an absolute path without a scheme, which Databricks resolves against the DBFS root) -> <data-root>/dbfs/x.
  - `display(df)`: prints the first rows.
  - `dbutils.widgets`: text()/get() with values from --widget NAME=KEY=VALUE (what a Databricks widget
    or job parameter would set), else the widget's default.
Markdown (`# MAGIC %md`) cells are skipped. The summary (JSON) records the MLflow and PySpark versions and,
per run, the cells executed, the seconds taken and the values of the notebook variables the tests look at.
With --predict (a JSON {"columns", "rows"}), each run's registered model is loaded back from the registry
with mlflow.pyfunc in this same process and Spark session, and its predictions for those rows are recorded:
what the model itself answers, for a server that serves it to be compared with.
"""

import argparse
import json
import os
import sys
import time
import traceback

CELL_SEPARATOR = "\n# COMMAND ----------\n"
SOURCE_HEADER = "# Databricks notebook source"


def code_cells(source):
    if not source.startswith(SOURCE_HEADER):
        raise ValueError("not a Databricks source notebook")
    cells = source[len(SOURCE_HEADER):].split(CELL_SEPARATOR)
    result = []
    for cell in cells:
        lines = [line for line in cell.strip("\n").split("\n")]
        if lines and all(line.startswith("# MAGIC") for line in lines):
            continue
        result.append("\n".join(lines))
    return result


class PathMapper:
    def __init__(self, root):
        self.root = os.path.abspath(root)

    def __call__(self, path):
        if isinstance(path, (list, tuple)):
            return [self(p) for p in path]
        if path.startswith("/Volumes/"):
            return os.path.join(self.root, path.lstrip("/"))
        if path.startswith("dbfs:/"):
            return os.path.join(self.root, "dbfs", path[len("dbfs:/"):].lstrip("/"))
        if path.startswith("/") and not path.startswith(self.root):
            return os.path.join(self.root, "dbfs", path.lstrip("/"))
        return path


class MappedReader:
    """DataFrameReader with Databricks paths mapped; builder calls keep the mapping."""

    def __init__(self, reader, mapper):
        self._reader = reader
        self._map = mapper

    def csv(self, path, *args, **kwargs):
        return self._reader.csv(self._map(path), *args, **kwargs)

    def load(self, path=None, *args, **kwargs):
        return self._reader.load(self._map(path) if path is not None else None, *args, **kwargs)

    def __getattr__(self, name):
        attribute = getattr(self._reader, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            result = attribute(*args, **kwargs)
            return MappedReader(result, self._map) if type(result).__name__ == "DataFrameReader" else result

        return call


class DatabricksSpark:
    def __init__(self, session, mapper):
        self._session = session
        self._map = mapper

    @property
    def read(self):
        return MappedReader(self._session.read, self._map)

    def __getattr__(self, name):
        return getattr(self._session, name)


class Widgets:
    def __init__(self, values):
        self._values = dict(values)
        self._defaults = {}

    def text(self, name, default_value="", label=None):
        self._defaults[name] = default_value

    def get(self, name):
        if name in self._values:
            return self._values[name]
        if name in self._defaults:
            return self._defaults[name]
        raise ValueError(f"No input widget named {name} is defined")

    getArgument = get


class DbUtils:
    def __init__(self, widgets):
        self.widgets = widgets


def display(value):
    if hasattr(value, "limit") and hasattr(value, "toPandas"):
        print(value.limit(20).toPandas().to_string(index=False))
    else:
        print(value)


def local_spark():
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("mlflow-lab-notebook")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )


def predict_registered(registered, sample_file):
    import mlflow.pyfunc
    import pandas as pd

    with open(sample_file, encoding="utf-8") as handle:
        sample = json.load(handle)
    model = mlflow.pyfunc.load_model(f"models:/{registered.name}/{registered.version}")
    frame = pd.DataFrame(sample["rows"], columns=sample["columns"])
    # The column types the signature names (the notebook casts the measurements to float32).
    schema = model.metadata.get_input_schema()
    for spec in schema.inputs if schema is not None else []:
        frame[spec.name] = frame[spec.name].astype(spec.type.to_numpy())
    predictions = model.predict(frame)
    if hasattr(predictions, "iloc") and hasattr(predictions, "columns"):
        predictions = predictions.iloc[:, 0]
    return [float(p) for p in list(predictions)]


def run_one(name, notebook_file, spark, mapper, widget_values, sample_file=None):
    import mlflow

    mlflow.set_experiment(name)
    with open(notebook_file, encoding="utf-8") as handle:
        cells = code_cells(handle.read())
    scope = {
        "__name__": "__main__",
        "spark": DatabricksSpark(spark, mapper),
        "display": display,
        "dbutils": DbUtils(Widgets(widget_values)),
    }
    started = time.time()
    for index, cell in enumerate(cells):
        try:
            exec(compile(cell, f"{os.path.basename(notebook_file)}[cell {index}]", "exec"), scope)
        except Exception:
            raise RuntimeError(f"cell {index} of {notebook_file} failed:\n{traceback.format_exc()}") from None
    registered = scope.get("registered")
    summary = {
        "cells": len(cells),
        "seconds": round(time.time() - started, 1),
        "rows": scope["penguins"].count(),
        "runs": [list(scope["first_run"]), list(scope["second_run"])],
        "registered": {"name": registered.name, "version": str(registered.version)} if registered is not None else None,
        "experiment": name,
    }
    if sample_file and registered is not None:
        summary["predictions"] = predict_registered(registered, sample_file)
    return summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-root", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--run", action="append", required=True, help="NAME=NOTEBOOK_FILE")
    parser.add_argument("--widget", action="append", default=[], help="NAME=KEY=VALUE")
    parser.add_argument("--predict", help="JSON {columns, rows} to score with each registered model")
    args = parser.parse_args()

    widgets = {}
    for spec in args.widget:
        run_name, key, value = spec.split("=", 2)
        widgets.setdefault(run_name, {})[key] = value

    started = time.time()
    spark = local_spark()
    import mlflow
    import pyspark

    summary = {"sparkStartSeconds": round(time.time() - started, 1), "mlflowVersion": mlflow.__version__, "sparkVersion": pyspark.__version__, "runs": {}}
    mapper = PathMapper(args.data_root)
    try:
        for spec in args.run:
            name, notebook_file = spec.split("=", 1)
            summary["runs"][name] = run_one(name, notebook_file, spark, mapper, widgets.get(name, {}), args.predict)
    finally:
        spark.stop()
    with open(args.summary, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)


if __name__ == "__main__":
    sys.exit(main())
