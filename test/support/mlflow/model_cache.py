"""A logged model kept between test runs, under a folder the caller names by a hash of everything the model
depends on (the script or notebook that logged it, the venv's constraints, the data). Training takes minutes
on a small machine (Spark most of all); a later run registers the kept folder again, so the model a test
serves is byte for byte the one its producer logged.

Usage (tracking server from MLFLOW_TRACKING_URI):
  python model_cache.py store --cache DIR --model-uri URI --summary FILE
      downloads the model at URI into DIR/model and keeps FILE (a JSON summary) as DIR/summary.json
  python model_cache.py register --cache DIR --name NAME --experiment NAME --out FILE
      logs DIR/model as a run's artifacts, registers it as a new version of NAME, and writes the kept
      summary with that version and its models:/ URI to FILE
"""

import argparse
import json
import logging
import os
import shutil
import tempfile
import warnings

warnings.filterwarnings("ignore")
logging.getLogger("mlflow").setLevel(logging.ERROR)

import mlflow  # noqa: E402


def is_cached(cache):
    return bool(cache) and os.path.exists(os.path.join(cache, "summary.json"))


def store_in_cache(cache, model_uri, summary):
    """Downloads the model into a staging folder next to `cache` and renames it into place (atomic)."""
    staging = tempfile.mkdtemp(dir=os.path.dirname(cache) or ".")
    mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=os.path.join(staging, "model"))
    with open(os.path.join(staging, "summary.json"), "w", encoding="utf-8") as out:
        json.dump(summary, out)
    try:
        os.rename(staging, cache)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another run stored it first


def register_cached(cache, name):
    """Registers the kept model folder as a new version of `name` (a run's artifacts, then the registry);
    returns the kept summary with the new version and its models:/ URI."""
    with open(os.path.join(cache, "summary.json"), encoding="utf-8") as handle:
        summary = json.load(handle)
    with mlflow.start_run():
        mlflow.log_artifacts(os.path.join(cache, "model"), "model")
        run_id = mlflow.active_run().info.run_id
    version = str(mlflow.register_model(f"runs:/{run_id}/model", name).version)
    summary.update(name=name, version=version, model_uri=f"models:/{name}/{version}")
    return summary


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    store = sub.add_parser("store")
    store.add_argument("--cache", required=True)
    store.add_argument("--model-uri", required=True)
    store.add_argument("--summary", required=True)
    register = sub.add_parser("register")
    register.add_argument("--cache", required=True)
    register.add_argument("--name", required=True)
    register.add_argument("--experiment", required=True)
    register.add_argument("--out", required=True)
    args = parser.parse_args()

    if args.command == "store":
        with open(args.summary, encoding="utf-8") as handle:
            store_in_cache(args.cache, args.model_uri, json.load(handle))
    else:
        mlflow.set_experiment(args.experiment)
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(register_cached(args.cache, args.name), out)


if __name__ == "__main__":
    main()
